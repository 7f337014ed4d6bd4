"""The search index, kept in step by the database itself (see praxis/discussions/search.py).

SQLite: an FTS5 table ``search_entry`` filled by triggers on posts, threads, topics and
resources; hidden posts are left out. Its rowid is the object's id * 4 + the kind's code
(post 0, thread 1, topic 2, resource 3), so a change finds its row without a scan; its
``community`` column holds one word, ``c<id>``, so the community filter is part of the
full-text query instead of a lookup per match.

PostgreSQL: a stored generated ``tsvector`` column ``search_document`` on each of the four
tables, with a GIN index. (Expression indexes alone make ``ts_rank`` re-parse every matching
text: about a second for a common word in 200,000 posts, against 20 ms with the stored
column.) Django's models do not know the column; it only reads it (search.StoredDocument).

Both fold Persian text the same way as ``search.fold``: Arabic yeh and kaf to the Persian
letters; short vowels, shadda, superscript alef and tatweel removed.

Later migrations, beware:
- SQLite: a migration that makes Django rebuild one of these four tables (it copies the
  table and drops the old one) drops its triggers: re-create them in that migration
  (``test_search_index.py`` fails until then).
- PostgreSQL: a column a generated column reads (``body``, ``title``, ``summary``,
  ``synthesis``, ``citation``) cannot change type: drop ``search_document`` first and add
  it again after.
"""

from django.db import migrations

FOLD_FROM = "\u064a\u0643"  # Arabic yeh, Arabic kaf
FOLD_TO = "\u06cc\u06a9"  # Persian yeh, keheh
FOLD_REMOVE = "".join(chr(code) for code in range(0x064B, 0x0653)) + "\u0670\u0640"

# SQLite ---------------------------------------------------------------------------------------


def sqlite_fold(expression):
    for old, new in zip(FOLD_FROM, FOLD_TO, strict=True):
        expression = f"replace({expression}, '{old}', '{new}')"
    for old in FOLD_REMOVE:
        expression = f"replace({expression}, '{old}', '')"
    return expression


COLUMNS = "rowid, community, title, body"

# One row of the index per object: rowid, community word, title, body.
POST_ROW = (
    "SELECT {p}.id * 4, 'c' || t.community_id, '', " + sqlite_fold("{p}.body")
    + " FROM discussions_thread t WHERE t.id = {p}.thread_id"
)
THREAD_ROW = (
    "SELECT {t}.id * 4 + 1, 'c' || {t}.community_id, " + sqlite_fold("{t}.title") + ", ''"
)
TOPIC_ROW = (
    "SELECT {t}.id * 4 + 2, 'c' || {t}.community_id, " + sqlite_fold("{t}.title")
    + ", " + sqlite_fold("{t}.summary || char(10) || {t}.synthesis")
)
RESOURCE_ROW = (
    "SELECT {t}.id * 4 + 3, 'c' || {t}.community_id, " + sqlite_fold("{t}.title")
    + ", " + sqlite_fold("{t}.citation")
)

SQLITE_CREATE = [
    """CREATE VIRTUAL TABLE search_entry USING fts5(
        community, title, body, tokenize = 'unicode61 remove_diacritics 2'
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
        UPDATE search_entry SET community = 'c' || new.community_id
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
        SELECT p.id * 4, 'c' || t.community_id, '', {sqlite_fold("p.body")}
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

# PostgreSQL -----------------------------------------------------------------------------------


def pg_part(columns, weight):
    text = " || ' ' || ".join(
        f"COALESCE(translate({column}, '{FOLD_FROM}{FOLD_REMOVE}', '{FOLD_TO}'), '')"
        for column in columns
    )
    return f"setweight(to_tsvector('simple'::regconfig, {text}), '{weight}')"


# Titles weigh A, bodies B (ts_rank's weights 1.0 and 0.4).
POSTGRESQL_DOCUMENTS = {
    "discussions_post": pg_part(["body"], "B"),
    "discussions_thread": pg_part(["title"], "A"),
    "topics_topic": f"{pg_part(['title'], 'A')} || {pg_part(['summary', 'synthesis'], 'B')}",
    "library_resource": f"{pg_part(['title'], 'A')} || {pg_part(['citation'], 'B')}",
}


def create_index(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        for statement in SQLITE_CREATE:
            schema_editor.execute(statement)
    elif vendor == "postgresql":
        for table, document in POSTGRESQL_DOCUMENTS.items():
            schema_editor.execute(
                f"ALTER TABLE {table} ADD COLUMN search_document tsvector"
                f" GENERATED ALWAYS AS ({document}) STORED"
            )
            schema_editor.execute(
                f"CREATE INDEX {table}_search ON {table} USING gin (search_document)"
            )


def drop_index(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        for statement in SQLITE_DROP:
            schema_editor.execute(statement)
    elif vendor == "postgresql":
        for table in POSTGRESQL_DOCUMENTS:
            schema_editor.execute(f"ALTER TABLE {table} DROP COLUMN IF EXISTS search_document")


class Migration(migrations.Migration):

    dependencies = [
        ("discussions", "0002_initial"),
        ("topics", "0001_initial"),
        ("library", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(create_index, drop_index, elidable=False),
    ]
