"""The SQLite search index keeps each entry's community as a plain, unindexed column, and
threads, topics and resources in negative rowids.

Migration 0003 made the community a word of the full-text index (``c<id>``), so that the
community filter was part of the query. Measured on a million posts, that made bm25 count
every entry of the readable communities for each search (up to a second); filtering the
newest matches by an unindexed column instead keeps a search under 100 ms.

Rowids: a post's is its id * 4; a thread's, topic's or resource's is -(id * 4 + 1, 2 or 3),
so a search reads posts (rowid > 0) and the rest (rowid < 0) as two ranges of the index,
each newest first, and a change finds its row without a scan.

The table and its triggers are made again here, and filled from the four tables.
PostgreSQL is unchanged.

Later migrations, beware (as for 0003): a migration that makes Django rebuild one of the
four tables on SQLite drops its triggers; re-create them there (``test_search_index.py``
fails until then).
"""

from importlib import import_module

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


COLUMNS = "rowid, community_id, title, body"

# One row of the index per object: rowid, community, title, body.
POST_ROW = (
    "SELECT {p}.id * 4, t.community_id, '', " + sqlite_fold("{p}.body")
    + " FROM discussions_thread t WHERE t.id = {p}.thread_id"
)
THREAD_ROW = (
    "SELECT -({t}.id * 4 + 1), {t}.community_id, " + sqlite_fold("{t}.title") + ", ''"
)
TOPIC_ROW = (
    "SELECT -({t}.id * 4 + 2), {t}.community_id, " + sqlite_fold("{t}.title")
    + ", " + sqlite_fold("{t}.summary || char(10) || {t}.synthesis")
)
RESOURCE_ROW = (
    "SELECT -({t}.id * 4 + 3), {t}.community_id, " + sqlite_fold("{t}.title")
    + ", " + sqlite_fold("{t}.citation")
)

SQLITE_CREATE = [
    """CREATE VIRTUAL TABLE search_entry USING fts5(
        community_id UNINDEXED, title, body, tokenize = 'unicode61 remove_diacritics 2'
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
        DELETE FROM search_entry WHERE rowid = -(old.id * 4 + 1);
        INSERT INTO search_entry({COLUMNS}) {THREAD_ROW.format(t="new")};
        UPDATE search_entry SET community_id = new.community_id
            WHERE new.community_id != old.community_id
            AND rowid IN (SELECT id * 4 FROM discussions_post WHERE thread_id = new.id);
    END""",
    """CREATE TRIGGER search_thread_delete AFTER DELETE ON discussions_thread BEGIN
        DELETE FROM search_entry WHERE rowid = -(old.id * 4 + 1);
    END""",
    # Topics: title; summary and closing synthesis.
    f"""CREATE TRIGGER search_topic_insert AFTER INSERT ON topics_topic BEGIN
        INSERT INTO search_entry({COLUMNS}) {TOPIC_ROW.format(t="new")};
    END""",
    f"""CREATE TRIGGER search_topic_update AFTER UPDATE OF title, summary, synthesis,
        community_id ON topics_topic BEGIN
        DELETE FROM search_entry WHERE rowid = -(old.id * 4 + 2);
        INSERT INTO search_entry({COLUMNS}) {TOPIC_ROW.format(t="new")};
    END""",
    """CREATE TRIGGER search_topic_delete AFTER DELETE ON topics_topic BEGIN
        DELETE FROM search_entry WHERE rowid = -(old.id * 4 + 2);
    END""",
    # Resources: title and citation.
    f"""CREATE TRIGGER search_resource_insert AFTER INSERT ON library_resource BEGIN
        INSERT INTO search_entry({COLUMNS}) {RESOURCE_ROW.format(t="new")};
    END""",
    f"""CREATE TRIGGER search_resource_update AFTER UPDATE OF title, citation, community_id
        ON library_resource BEGIN
        DELETE FROM search_entry WHERE rowid = -(old.id * 4 + 3);
        INSERT INTO search_entry({COLUMNS}) {RESOURCE_ROW.format(t="new")};
    END""",
    """CREATE TRIGGER search_resource_delete AFTER DELETE ON library_resource BEGIN
        DELETE FROM search_entry WHERE rowid = -(old.id * 4 + 3);
    END""",
    # What is already there.
    f"""INSERT INTO search_entry({COLUMNS})
        SELECT p.id * 4, t.community_id, '', {sqlite_fold("p.body")}
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


def recreate(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    for statement in SQLITE_DROP + SQLITE_CREATE:
        schema_editor.execute(statement)


def back_to_0003(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    previous = import_module("praxis.discussions.migrations.0003_search_index")
    for statement in SQLITE_DROP + previous.SQLITE_CREATE:
        schema_editor.execute(statement)


class Migration(migrations.Migration):

    dependencies = [
        ("discussions", "0004_post_parent_cascade"),
    ]

    operations = [
        migrations.RunPython(recreate, back_to_0003, elidable=False),
    ]
