"""A covering index for the engagement report (``praxis.analytics``): every figure it reads
from posts (who wrote, when, in which thread, how many words, whether hidden, what it
answers) is in the index, so a window's posts are read from it alone, thread by thread,
instead of from the post rows (each carries its text and its HTML: a million of them are
gigabytes). Written as SQL, the same on SQLite and PostgreSQL, and left out of the model's
state on purpose: the model (``Post.Meta.indexes``) is not the analytics' to change; adding
it there later comes with a state-only AddIndex of the same name."""

from django.db import migrations

NAME = "post_engagement"
COLUMNS = "thread_id, created_at, author_id, is_hidden, word_count, parent_id"


class Migration(migrations.Migration):

    dependencies = [
        ("discussions", "0015_post_word_count"),
    ]

    operations = [
        migrations.RunSQL(
            f"CREATE INDEX {NAME} ON discussions_post ({COLUMNS})",
            f"DROP INDEX {NAME}",
        ),
    ]
