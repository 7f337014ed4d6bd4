"""Resources are found by their authors, source and tags too (issue 18).

Library migration 0002 adds those columns, which makes SQLite rebuild ``library_resource``
and drop its search triggers: the index and all its triggers are made again as in 0005, the
resource's row now indexing its title, then its citation, authors, source and tag names.

PostgreSQL: the resource's stored ``search_document`` is made again with the new columns.
"""

from importlib import import_module

from django.db import migrations

index = import_module("praxis.discussions.migrations.0005_search_entry_community_column")
first = import_module("praxis.discussions.migrations.0003_search_index")

RESOURCE_BODY = ["citation", "authors", "source", "tag_names"]

RESOURCE_ROW = (
    "SELECT -({t}.id * 4 + 3), {t}.community_id, " + index.sqlite_fold("{t}.title")
    + ", " + index.sqlite_fold(" || char(10) || ".join("{t}." + c for c in RESOURCE_BODY))
)

SQLITE_CREATE = [
    statement for statement in index.SQLITE_CREATE
    if "library_resource" not in statement
] + [
    f"""CREATE TRIGGER search_resource_insert AFTER INSERT ON library_resource BEGIN
        INSERT INTO search_entry({index.COLUMNS}) {RESOURCE_ROW.format(t="new")};
    END""",
    f"""CREATE TRIGGER search_resource_update AFTER UPDATE OF title, citation, authors,
        source, tag_names, community_id ON library_resource BEGIN
        DELETE FROM search_entry WHERE rowid = -(old.id * 4 + 3);
        INSERT INTO search_entry({index.COLUMNS}) {RESOURCE_ROW.format(t="new")};
    END""",  # noqa: S608 (fixed SQL)
    """CREATE TRIGGER search_resource_delete AFTER DELETE ON library_resource BEGIN
        DELETE FROM search_entry WHERE rowid = -(old.id * 4 + 3);
    END""",
    f"INSERT INTO search_entry({index.COLUMNS}) {RESOURCE_ROW.format(t='t')}"
    " FROM library_resource t",
]

POSTGRESQL_DOCUMENT = (
    f"{first.pg_part(['title'], 'A')} || {first.pg_part(RESOURCE_BODY, 'B')}"
)


def _postgresql_document(schema_editor, document):
    schema_editor.execute("ALTER TABLE library_resource DROP COLUMN IF EXISTS search_document")
    schema_editor.execute(
        "ALTER TABLE library_resource ADD COLUMN search_document tsvector"
        f" GENERATED ALWAYS AS ({document}) STORED"
    )
    schema_editor.execute(
        "CREATE INDEX library_resource_search ON library_resource USING gin (search_document)"
    )


def recreate(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        for statement in index.SQLITE_DROP + SQLITE_CREATE:
            schema_editor.execute(statement)
    elif vendor == "postgresql":
        _postgresql_document(schema_editor, POSTGRESQL_DOCUMENT)


def back(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        index.recreate(apps, schema_editor)
    elif vendor == "postgresql":
        _postgresql_document(schema_editor, first.POSTGRESQL_DOCUMENTS["library_resource"])


class Migration(migrations.Migration):

    dependencies = [
        ("discussions", "0011_post_thread_after_mark"),
        ("library", "0002_library_citations_tags_reads"),
    ]

    operations = [
        migrations.RunPython(recreate, back, elidable=False),
    ]
