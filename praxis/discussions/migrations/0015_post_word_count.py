from django.db import migrations, models

BATCH = 2000


def count_existing(apps, schema_editor):
    from praxis.discussions.words import count_words

    Post = apps.get_model("discussions", "Post")
    last = 0
    while True:
        batch = list(Post.objects.filter(pk__gt=last).order_by("pk").only("pk", "body")[:BATCH])
        if not batch:
            return
        for post in batch:
            post.word_count = count_words(post.body)
        Post.objects.bulk_update(batch, ["word_count"])
        last = batch[-1].pk


class Migration(migrations.Migration):

    dependencies = [
        ("discussions", "0014_visit_day_window_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="post",
            name="word_count",
            field=models.PositiveIntegerField(default=0, editable=False),
        ),
        migrations.RunPython(count_existing, migrations.RunPython.noop, elidable=True),
    ]
