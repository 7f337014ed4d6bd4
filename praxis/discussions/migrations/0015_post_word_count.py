from django.db import migrations, models

BATCH = 2000


def add_column(apps, schema_editor):
    """SQLite adds a column with a default by copying the table, which its search triggers
    on the post table forbid; a plain ADD COLUMN does the same without the copy."""
    Post = apps.get_model("discussions", "Post")
    if schema_editor.connection.vendor == "sqlite":
        table = schema_editor.quote_name(Post._meta.db_table)
        schema_editor.execute(f"ALTER TABLE {table} ADD COLUMN word_count integer unsigned "
                              "NOT NULL DEFAULT 0 CHECK (word_count >= 0)")
    else:
        field = models.PositiveIntegerField(default=0, editable=False)
        field.set_attributes_from_name("word_count")
        schema_editor.add_field(Post, field)


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
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddField(
                    model_name="post",
                    name="word_count",
                    field=models.PositiveIntegerField(default=0, editable=False),
                ),
            ],
            database_operations=[migrations.RunPython(add_column, migrations.RunPython.noop)],
        ),
        migrations.RunPython(count_existing, migrations.RunPython.noop, elidable=True),
    ]
