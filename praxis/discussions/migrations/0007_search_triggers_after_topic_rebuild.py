"""Topic migration 0002 (``updated_at``) makes SQLite rebuild the topics table, which drops
its search triggers: the index and its triggers are made again as in 0005. PostgreSQL is
unchanged."""

from importlib import import_module

from django.db import migrations

index = import_module("praxis.discussions.migrations.0005_search_entry_community_column")


def nothing(apps, schema_editor):
    pass


class Migration(migrations.Migration):

    dependencies = [
        ("discussions", "0006_alter_thread_kind"),
        ("topics", "0002_topic_updated_at"),
    ]

    operations = [
        migrations.RunPython(index.recreate, nothing, elidable=False),
    ]
