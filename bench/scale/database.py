"""A fresh database for each size, bulk inserts, and the statistics after a load.

SQLite: a new file beside the one ``python -m bench`` chose (``SQLITE_PATH``), one per size.
PostgreSQL (``DATABASE_URL=postgres://…/praxis_bench``): the database is dropped and created
again through the ``postgres`` database, as ``.ci/run`` does, then migrated. Only a database
whose name starts with ``praxis_bench`` is ever dropped.
"""

import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, connections, models
from django.db.models.fields import NOT_PROVIDED
from django.utils import timezone

BENCH_DATABASE_PREFIX = "praxis_bench"


def engine() -> str:
    return "PostgreSQL" if connection.vendor == "postgresql" else "SQLite"


def fresh(label: str) -> str:
    """Points the default connection at an empty, migrated database; says which."""
    connections.close_all()
    settings = connection.settings_dict
    if connection.vendor == "postgresql":
        name = settings["NAME"]
        if not str(name).startswith(BENCH_DATABASE_PREFIX):
            raise SystemExit(f"refusing to drop the database {name!r}: the scale bench only "
                             f"drops databases named {BENCH_DATABASE_PREFIX}*")
        import psycopg

        with psycopg.connect(dbname="postgres", host=settings["HOST"] or None,
                             port=settings["PORT"] or None, user=settings["USER"] or None,
                             password=settings["PASSWORD"] or None, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            admin.execute(f'CREATE DATABASE "{name}"')
        where = f"PostgreSQL database {name}"
    else:
        base = Path(os.environ.get("SQLITE_PATH") or settings["NAME"])
        path = base.with_name(f"scale-{label}.sqlite3")
        for stale in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
            stale.unlink(missing_ok=True)
        settings["NAME"] = str(path)
        where = f"SQLite file {path}"
    call_command("migrate", verbosity=0)
    return where


def remove_sqlite_file() -> None:
    """Deletes the SQLite file of the last size (a million posts take gigabytes)."""
    if connection.vendor != "sqlite":
        return
    path = Path(str(connection.settings_dict["NAME"]))
    connections.close_all()
    for stale in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        stale.unlink(missing_ok=True)


def next_id(model: type[models.Model]) -> int:
    """The first free primary key: rows inserted in bulk are given their ids beforehand."""
    latest = model._default_manager.aggregate(top=models.Max("pk"))["top"]
    return (latest or 0) + 1


def reset_sequences(*models_: type[models.Model]) -> None:
    """After rows inserted with their ids: PostgreSQL's sequences continue after them
    (SQLite's AUTOINCREMENT follows by itself)."""
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), list(models_)):
            cursor.execute(statement)


def tune_for_loading() -> None:
    """A larger page cache for the load (the connection is closed afterwards, so pages are
    measured with the settings the site runs with)."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size = -400000")  # 400 MB


def analyze() -> None:
    """Statistics for the planner after the load; PostgreSQL also vacuums (visibility map,
    GIN pending list), as autovacuum would on a site that has run for a while."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("VACUUM (ANALYZE)")
        else:
            cursor.execute("ANALYZE")
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connections.close_all()


class Table:
    """Rows of one model inserted in bulk without model instances: COPY on PostgreSQL,
    executemany on SQLite. Values come in the order of ``names`` (model field names), ready
    for the database apart from datetimes; the model's other columns get their defaults,
    so a column added to the model later does not break the generator."""

    def __init__(self, model: type[models.Model], names: Sequence[str]) -> None:
        fields = [field for field in model._meta.concrete_fields
                  if not getattr(field, "generated", False)]
        by_name = {field.name: field for field in fields}
        given = [by_name[name] for name in names]
        # Columns not given get their default; an automatic primary key its next value, a
        # column with only a database default (``db_default``) that default.
        rest = [field for field in fields if field.name not in names
                and not (field.primary_key and field.get_internal_type().endswith("AutoField"))
                and not (field.db_default is not NOT_PROVIDED and not field.has_default())]
        self.defaults = tuple(self._default(field) for field in rest)
        self.datetimes = [index for index, field in enumerate(given)
                          if isinstance(field, models.DateTimeField)]
        self.table = model._meta.db_table
        self.columns = [field.column for field in given + rest]

    @staticmethod
    def _default(field: Any) -> Any:
        value = field.get_default()
        if value is None and not field.null and isinstance(field, models.DateTimeField):
            value = timezone.now()  # auto_now and the like
        return field.get_db_prep_save(value, connection)

    def insert(self, rows: Iterable[Sequence[Any]]) -> int:
        adapt = connection.ops.adapt_datetimefield_value
        ready: list[tuple[Any, ...]] = []
        for row in rows:
            values = list(row)
            for index in self.datetimes:
                values[index] = adapt(values[index])
            ready.append((*values, *self.defaults))
        quote = connection.ops.quote_name
        columns = ", ".join(quote(column) for column in self.columns)
        table = quote(self.table)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                raw: Any = cursor.cursor  # psycopg's own cursor, for COPY
                with raw.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    for prepared in ready:
                        copy.write_row(prepared)
            else:
                marks = ", ".join(["%s"] * len(self.columns))
                cursor.executemany(
                    f"INSERT INTO {table} ({columns}) VALUES ({marks})",  # noqa: S608 (names from the model)
                    ready,
                )
        return len(ready)
