"""The search index, kept in step by the database itself (see praxis/discussions/search.py).

SQLite: an FTS5 table ``search_entry`` (rowid = object id * 4 + kind code) filled by
triggers on posts, threads, topics and resources; hidden posts are left out.
PostgreSQL: GIN indexes on the ``tsvector`` expressions search.py queries.

Both fold Persian text the same way as ``search.fold``: Arabic yeh and kaf to the Persian
letters; short vowels, shadda, superscript alef and tatweel removed.

A later migration that makes SQLite rebuild one of these four tables (Django copies the
table and drops the old one) drops its triggers with it: re-create them there
(``test_search_index.py`` checks that they exist).
"""

from django.db import migrations

FOLD_FROM = "\u064a\u0643"  # Arabic yeh, Arabic kaf
FOLD_TO = "\u06cc\u06a9"  # Persian yeh, keheh
FOLD_REMOVE = "".join(chr(code) for code in range(0x064B, 0x0653)) + "\u0670\u0640"


def sqlite_fold(expression):
    for old, new in zip(FOLD_FROM, FOLD_TO, strict=True):
        expression = f"replace({expression}, '{old}', '{new}')"
    for old in FOLD_REMOVE:
        expression = f"replace({expression}, '{old}', '')"
    return expression


def pg_fold(column):
    return f"translate({column}, '{FOLD_FROM}{FOLD_REMOVE}', '{FOLD_TO}')"


COLUMNS = "rowid, kind, object_id, community_id, title, body"

# One row of the index per object: rowid, kind, object id, community, title, body.
POST_ROW = (
    "SELECT {p}.id * 4, 'post', {p}.id, t.community_id, '', " + sqlite_fold("{p}.body")
    + " FROM discussions_thread t WHERE t.id = {p}.thread_id"
)
THREAD_ROW = "SELECT {t}.id * 4 + 1, 'thread', {t}.id, {t}.community_id, " + sqlite_fold(
    "{t}.title") + ", ''"
TOPIC_ROW = (
    "SELECT {t}.id * 4 + 2, 'topic', {t}.id, {t}.community_id, " + sqlite_fold("{t}.title")
    + ", " + sqlite_fold("{t}.summary || char(10) || {t}.synthesis")
)
RESOURCE_ROW = (
    "SELECT {t}.id * 4 + 3, 'resource', {t}.id, {t}.community_id, "
    + sqlite_fold("{t}.title") + ", " + sqlite_fold("{t}.citation")
)

SQLITE_CREATE = [
    """CREATE VIRTUAL TABLE search_entry USING fts5(
        kind UNINDEXED, object_id UNINDEXED, community_id UNINDEXED, title, body,
        tokenize = 'unicode61 remove_diacritics 2'
    )""",
    # Posts: hidden ones stay out of the index.
    f"""CREATE TRIGGER search_post_insert AFTER INSERT ON discussions_post
        WHEN NOT new.is_hidden BEGIN
        INSERT INTO search_entry({COLUMNS}) {POST_ROW.format(p="new")};
    END""",
    f"""CREATE TRIGGER search_post_update AFTER UPDATE OF body, is_hidden, thread_id
        ON discussions_post BEGIN
        DELETE FROM search_entry WHERE rowid = old.id * 4;
        INSERT INTO search_entry({COLUMNS}) {POST_ROW.format(p="new")}
            AND NOT new.is_hidden;
    END""",
    """CREATE TRIGGER search_post_delete AFTER DELETE ON discussions_post BEGIN
        DELETE FROM search_entry WHERE rowid = old.id * 4;
    END""",
    # Threads: their title; a thread that changes community takes its posts along.
    f"""CREATE TRIGGER search_thread_insert AFTER INSERT ON discussions_thread BEGIN
        INSERT INTO search_entry({COLUMNS}) {THREAD_ROW.format(t="new")};
    END""",
    f"""CREATE TRIGGER search_thread_update AFTER UPDATE OF title, community_id
        ON discussions_thread BEGIN
        DELETE FROM search_entry WHERE rowid = old.id * 4 + 1;
        INSERT INTO search_entry({COLUMNS}) {THREAD_ROW.format(t="new")};
        UPDATE search_entry SET community_id = new.community_id
            WHERE new.community_id != old.community_id
            AND rowid IN (SELECT id * 4 FROM discussions_post WHERE thread_id = new.id);
    END""",
    """CREATE TRIGGER search_thread_delete AFTER DELETE ON discussions_thread BEGIN
        DELETE FROM search_entry WHERE rowid = old.id * 4 + 1;
    END""",
    # Topics: title; summary and closing synthesis.
    f"""CREATE TRIGGER search_topic_insert AFTER INSERT ON topics_topic BEGIN
        INSERT INTO search_entry({COLUMNS}) {TOPIC_ROW.format(t="new")};
    END""",
    f"""CREATE TRIGGER search_topic_update AFTER UPDATE OF title, summary, synthesis,
        community_id ON topics_topic BEGIN
        DELETE FROM search_entry WHERE rowid = old.id * 4 + 2;
        INSERT INTO search_entry({COLUMNS}) {TOPIC_ROW.format(t="new")};
    END""",
    """CREATE TRIGGER search_topic_delete AFTER DELETE ON topics_topic BEGIN
        DELETE FROM search_entry WHERE rowid = old.id * 4 + 2;
    END""",
    # Resources: title and citation.
    f"""CREATE TRIGGER search_resource_insert AFTER INSERT ON library_resource BEGIN
        INSERT INTO search_entry({COLUMNS}) {RESOURCE_ROW.format(t="new")};
    END""",
    f"""CREATE TRIGGER search_resource_update AFTER UPDATE OF title, citation, community_id
        ON library_resource BEGIN
        DELETE FROM search_entry WHERE rowid = old.id * 4 + 3;
        INSERT INTO search_entry({COLUMNS}) {RESOURCE_ROW.format(t="new")};
    END""",
    """CREATE TRIGGER search_resource_delete AFTER DELETE ON library_resource BEGIN
        DELETE FROM search_entry WHERE rowid = old.id * 4 + 3;
    END""",
    # What is already there.
    f"""INSERT INTO search_entry({COLUMNS})
        SELECT p.id * 4, 'post', p.id, t.community_id, '', {sqlite_fold("p.body")}
        FROM discussions_post p JOIN discussions_thread t ON t.id = p.thread_id
        WHERE NOT p.is_hidden""",
    f"INSERT INTO search_entry({COLUMNS}) {THREAD_ROW.format(t='t')} FROM discussions_thread t",
    f"INSERT INTO search_entry({COLUMNS}) {TOPIC_ROW.format(t='t')} FROM topics_topic t",
    f"INSERT INTO search_entry({COLUMNS}) {RESOURCE_ROW.format(t='t')} FROM library_resource t",
]
SQLITE_TRIGGERS = [
    f"search_{table}_{event}"
    for table in ("post", "thread", "topic", "resource")
    for event in ("insert", "update", "delete")
]
SQLITE_DROP = [f"DROP TRIGGER IF EXISTS {name}" for name in SQLITE_TRIGGERS] + [
    "DROP TABLE IF EXISTS search_entry",
]


def pg_vector(column, weight):
    return (
        f"setweight(to_tsvector('simple'::regconfig, COALESCE({pg_fold(column)}, '')), "
        f"'{weight}')"
    )


def pg_vector_of_two(first, second, weight):
    return (
        "setweight(to_tsvector('simple'::regconfig, "
        f"COALESCE({pg_fold(first)}, '') || ' ' || COALESCE({pg_fold(second)}, '')), "
        f"'{weight}')"
    )


# The expressions must stay exactly those of search.postgresql_vectors().
POSTGRESQL_INDEXES = {
    "search_post_gin": ("discussions_post", pg_vector("body", "B")),
    "search_thread_gin": ("discussions_thread", pg_vector("title", "A")),
    "search_topic_gin": (
        "topics_topic",
        f"({pg_vector('title', 'A')} || {pg_vector_of_two('summary', 'synthesis', 'B')})",
    ),
    "search_resource_gin": (
        "library_resource",
        f"({pg_vector('title', 'A')} || {pg_vector('citation', 'B')})",
    ),
}


def create_index(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        for statement in SQLITE_CREATE:
            schema_editor.execute(statement)
    elif vendor == "postgresql":
        for name, (table, expression) in POSTGRESQL_INDEXES.items():
            schema_editor.execute(f"CREATE INDEX {name} ON {table} USING gin (({expression}))")


def drop_index(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        for statement in SQLITE_DROP:
            schema_editor.execute(statement)
    elif vendor == "postgresql":
        for name in POSTGRESQL_INDEXES:
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):

    dependencies = [
        ("discussions", "0002_initial"),
        ("topics", "0001_initial"),
        ("library", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(create_index, drop_index, elidable=False),
    ]
