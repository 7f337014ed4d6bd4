"""A window index for the engagement report on PostgreSQL (``praxis.analytics``): posts by
moment, carrying the figures the report reads (thread, author, hidden, words, parent), so a
window of months or years is read from this index alone, in one range, with an index-only
scan. Without it PostgreSQL reads the whole post table (its text and HTML) in parallel for
any window of three months or more: the per-thread ``post_engagement`` (migration 0016)
suits SQLite, which walks it thread by thread, but not PostgreSQL's planner.

PostgreSQL only (``INCLUDE`` columns): SQLite keeps using ``post_engagement``. Written as
SQL and left out of the model's state, as 0016 and for the same reason."""

from django.db import migrations

NAME = "post_engagement_window"
CREATE = (f"CREATE INDEX IF NOT EXISTS {NAME} ON discussions_post (created_at) "
          "INCLUDE (thread_id, author_id, is_hidden, word_count, parent_id)")
DROP = f"DROP INDEX IF EXISTS {NAME}"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):

    dependencies = [
        ("discussions", "0016_post_engagement_index"),
    ]

    operations = [
        migrations.RunPython(create_index, drop_index),
    ]
