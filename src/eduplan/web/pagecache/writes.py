"""The generation: one counter moved on, inside the writer's transaction, by every SQL statement that writes a
table a page may show. A rolled-back write rolls its move back too; other processes see the new generation
exactly when they can see the data."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from django.db import connection as default_connection
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate

TABLE = "pagecache_generation"
# Writes no page shows: sessions, sign-in attempts, the audit trail, API tokens' last use, Django's bookkeeping.
QUIET = ("django_session", "django_migrations", "axes_", "accounts_auditevent", "api_apitoken", TABLE)
WRITE = re.compile(r'\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM|REPLACE\s+INTO)\s+"?(\w+)', re.I)
BUMP = (
    f"INSERT INTO {TABLE} (id, value) VALUES (1, 1) "
    f"ON CONFLICT (id) DO UPDATE SET value = {TABLE}.value + 1"
)
_present: list[bool] = []  # whether the table exists (looked up once per process, again after migrations)


def changes_pages(sql: str) -> bool:
    """Whether a statement writes a table that pages may show."""
    match = WRITE.match(sql)
    return match is not None and not match.group(1).lower().startswith(QUIET)


def _watch(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: dict[str, Any]) -> Any:
    result = execute(sql, params, many, context)
    if changes_pages(sql) and _table_present(context["connection"]):
        with context["connection"].cursor() as cursor:  # passes through here again: its table is quiet
            cursor.execute(BUMP)
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
    if default_connection.connection is not None:  # already open (a shell that queried before apps were ready)
        _watch_connection(None, default_connection)


def generation() -> int | None:
    """The current generation (None before the first write since the table was made)."""
    from eduplan.web.pagecache.models import Generation

    return Generation.objects.filter(pk=1).values_list("value", flat=True).first()
