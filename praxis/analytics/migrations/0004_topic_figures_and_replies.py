import django.db.models.deletion
from django.db import migrations, models


def forget_settled_months(apps, schema_editor):
    """Months kept before this migration have no topic posts, visits or replies: they are
    read again when next asked for."""
    apps.get_model("analytics", "SettledMonth").objects.all().delete()


class Migration(migrations.Migration):

    dependencies = [
        ("analytics", "0003_settled_weeks"),
    ]

    operations = [
        migrations.AddField(
            model_name="membermonthtopic",
            name="posts",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="membermonthtopic",
            name="visits",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.CreateModel(
            name="MonthReply",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False,
                                           verbose_name="ID")),
                ("source_id", models.IntegerField()),
                ("target_id", models.IntegerField()),
                ("replies", models.PositiveIntegerField()),
                ("settled", models.ForeignKey(
                    on_delete=django.db.models.deletion.CASCADE, related_name="replies",
                    to="analytics.settledmonth")),
            ],
            options={
                "indexes": [models.Index(fields=["settled", "source_id", "target_id", "replies"],
                                         name="month_reply")],
            },
        ),
        migrations.RunPython(forget_settled_months, migrations.RunPython.noop),
    ]
