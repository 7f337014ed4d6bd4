"""The search index itself: SQLite's triggers are in place; PostgreSQL's queries use the GIN
indexes on the stored documents."""

import pytest
from django.db import connection

from praxis.discussions import search
from praxis.discussions.models import Post, Thread
from praxis.library.models import Resource
from praxis.topics.models import Topic

pytestmark = pytest.mark.django_db

TRIGGERS = {
    f"search_{table}_{event}"
    for table in ("post", "thread", "topic", "resource")
    for event in ("insert", "update", "delete")
}


def test_sqlite_keeps_the_index_with_triggers_on_the_four_tables():
    """A migration that makes SQLite rebuild one of these tables drops its triggers: this
    test says so."""
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        names = {row[0] for row in cursor.fetchall()}
        cursor.execute("SELECT sql FROM sqlite_master WHERE name = 'search_entry'")
        (table_sql,) = cursor.fetchone()
    assert names >= TRIGGERS
    assert "remove_diacritics 2" in table_sql


@pytest.mark.parametrize("model", [Post, Thread, Topic, Resource])
def test_postgresql_finds_matches_through_the_gin_indexes(model):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    query = search.postgresql_query(["feedback"])
    matches = model.objects.annotate(document=search.StoredDocument()).filter(document=query)
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = matches.explain()
    assert f"{table}_search" in plan, plan
