"""Covering indexes for the engagement report (``praxis.analytics``). Every figure it reads
from posts (who wrote, when, in which thread, how many words, whether hidden, what it
answers) is in ``post_engagement``, so a window's posts are read from it alone, thread by
thread, instead of from the post rows (each carries its text and its HTML: a million of
them are gigabytes); ``post_id_author`` gives the author of a post by its id, for whom a
reply answers. Written as SQL, the same on SQLite and PostgreSQL, and left out of the
model's state on purpose: the model (``Post.Meta.indexes``) is not the analytics' to
change; adding them there later comes with a state-only AddIndex of the same names."""

from django.db import migrations

NAME = "post_engagement"
COLUMNS = "thread_id, created_at, author_id, is_hidden, word_count, parent_id"
# Whom a reply answers: the parent's author, read from this index instead of the parent's
# row (half the posts are replies).
PARENT = "post_id_author"


class Migration(migrations.Migration):

    dependencies = [
        ("discussions", "0015_post_word_count"),
    ]

    operations = [
        migrations.RunSQL(
            f"CREATE INDEX {NAME} ON discussions_post ({COLUMNS})",
            f"DROP INDEX {NAME}",
        ),
        migrations.RunSQL(
            f"CREATE INDEX {PARENT} ON discussions_post (id, author_id)",
            f"DROP INDEX {PARENT}",
        ),
    ]
