from django.db import migrations, models


def forget_settled_months(apps, schema_editor):
    """Months kept before this migration have no topic posts or visits: read them again."""
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
        migrations.RunPython(forget_settled_months, migrations.RunPython.noop),
    ]
