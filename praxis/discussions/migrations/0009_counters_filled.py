"""Fills the topics' new thread and post counters, and makes the SQLite search triggers
again: adding the counters and altering the posts' columns made SQLite rebuild both tables,
which drops their triggers (as in 0007). PostgreSQL's search column is unchanged."""

from importlib import import_module

from django.db import migrations
from django.db.models import Count, IntegerField, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce

index = import_module("praxis.discussions.migrations.0005_search_entry_community_column")


def fill_topic_counters(apps, schema_editor):
    Topic = apps.get_model("topics", "Topic")
    Thread = apps.get_model("discussions", "Thread")
    threads = Thread.objects.filter(topic=OuterRef("pk")).order_by().values("topic")
    Topic.objects.update(
        thread_count=Coalesce(Subquery(threads.annotate(n=Count("pk")).values("n"),
                                       output_field=IntegerField()), Value(0)),
        post_count=Coalesce(Subquery(threads.annotate(n=Sum("post_count")).values("n"),
                                     output_field=IntegerField()), Value(0)),
    )


def nothing(apps, schema_editor):
    pass


class Migration(migrations.Migration):

    dependencies = [
        ("discussions", "0008_counters_and_indexes"),
        ("topics", "0003_counters_and_indexes"),
    ]

    operations = [
        migrations.RunPython(index.recreate, nothing, elidable=False),
        migrations.RunPython(fill_topic_counters, nothing, elidable=False),
    ]
