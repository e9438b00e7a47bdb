"""The generation: one counter moved on, inside the writer's transaction, by every SQL statement that writes a
table a page may show. A rolled-back write rolls its move back too; other processes see the new generation
exactly when they can see the data."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from typing import Any

from django.db import connection as default_connection
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate

TABLE = "pagecache_generation"
# Writes no page shows: sessions, sign-in attempts, the audit trail, API tokens' last use, Django's bookkeeping.
QUIET = ("django_session", "django_migrations", "axes_", "accounts_auditevent", "api_apitoken", TABLE)
# A sign-in's last_login: no page shows it.
SIGN_IN = re.compile(r'\s*UPDATE\s+"auth_user"\s+SET\s+"last_login"\s*=\s*%s\s+WHERE', re.I)
WRITE = re.compile(
    r'\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM|REPLACE\s+INTO)\s+"?(\w+)', re.I
)
# The generation is the time of the write in nanoseconds (and always above the one before), as data versions
# are: a database rebuilt or restored from a backup never shows a generation this server has drawn pages for.
BUMP = {
    "sqlite": f"INSERT INTO {TABLE} (id, value) VALUES (1, %s) "
    f"ON CONFLICT (id) DO UPDATE SET value = MAX({TABLE}.value + 1, excluded.value)",
    "postgresql": f"INSERT INTO {TABLE} (id, value) VALUES (1, %s) "
    f"ON CONFLICT (id) DO UPDATE SET value = GREATEST({TABLE}.value + 1, excluded.value)",
}
_present: list[bool] = []  # whether the table exists (looked up once per process, again after migrations)


def changes_pages(sql: str) -> bool:
    """Whether a statement writes a table that pages may show."""
    match = WRITE.match(sql)
    return match is not None and not match.group(1).lower().startswith(QUIET) and not SIGN_IN.match(sql)


def _watch(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: dict[str, Any]) -> Any:
    result = execute(sql, params, many, context)
    connection = context["connection"]
    if changes_pages(sql) and _table_present(connection):
        with connection.cursor() as cursor:  # passes through here again: its table is quiet
            cursor.execute(BUMP[connection.vendor], [time.time_ns()])
    return result


def _table_present(connection: BaseDatabaseWrapper) -> bool:
    if not _present:
        _present.append(TABLE in connection.introspection.table_names())
    return _present[0]


def _watch_connection(sender: Any, connection: BaseDatabaseWrapper, **_: Any) -> None:
    if _watch not in connection.execute_wrappers:
        connection.execute_wrappers.append(_watch)


def _migrated(**_: Any) -> None:
    _present.clear()


def install() -> None:
    """Watch every database connection of this process (each thread opens its own)."""
    connection_created.connect(_watch_connection, dispatch_uid="pagecache-watch")
    post_migrate.connect(_migrated, dispatch_uid="pagecache-migrated")
    # A connection already open (a shell that queried before the apps were ready) is watched too.
    if default_connection.connection is not None:
        _watch_connection(None, default_connection)


def generation() -> int | None:
    """The current generation (None before the first write since the table was made, or before it is made)."""
    if not _table_present(default_connection):
        return None
    # Plain SQL: it is read on every page, and the ORM would double its cost.
    with default_connection.cursor() as cursor:
        cursor.execute(f"SELECT value FROM {TABLE} WHERE id = 1")
        row = cursor.fetchone()
    return None if row is None else int(row[0])
