"""Database triggers that keep the audit trail append-only, whatever writes to the database.

Rows younger than the legal minimum retention (网络安全法 第二十一条: logs kept at least six months) can be
neither updated nor deleted; older rows may be deleted (`eduplan audit purge`), never updated.
"""

from __future__ import annotations

from django.db.backends.base.base import BaseDatabaseWrapper

TABLE = "accounts_auditevent"
MIN_RETENTION_DAYS = 183

SQLITE_CREATE = [
    f"""CREATE TRIGGER IF NOT EXISTS {TABLE}_no_update BEFORE UPDATE ON {TABLE}
        BEGIN SELECT RAISE(ABORT, 'audit trail is append-only'); END""",
    f"""CREATE TRIGGER IF NOT EXISTS {TABLE}_no_delete BEFORE DELETE ON {TABLE}
        WHEN OLD.at > strftime('%Y-%m-%d %H:%M:%f', 'now', '-{MIN_RETENTION_DAYS} days')
        BEGIN SELECT RAISE(ABORT, 'audit rows younger than the retention period cannot be deleted'); END""",
]
SQLITE_DROP = [f"DROP TRIGGER IF EXISTS {TABLE}_no_update", f"DROP TRIGGER IF EXISTS {TABLE}_no_delete"]

POSTGRES_CREATE = [
    f"""CREATE OR REPLACE FUNCTION {TABLE}_guard() RETURNS trigger AS $$
        BEGIN
          IF TG_OP = 'DELETE' AND OLD.at < now() - interval '{MIN_RETENTION_DAYS} days' THEN RETURN OLD; END IF;
          RAISE EXCEPTION 'audit trail is append-only';
        END $$ LANGUAGE plpgsql""",
    f"""CREATE OR REPLACE FUNCTION {TABLE}_no_truncate() RETURNS trigger AS $$
        BEGIN RAISE EXCEPTION 'audit trail is append-only'; END $$ LANGUAGE plpgsql""",
    f"DROP TRIGGER IF EXISTS {TABLE}_guard ON {TABLE}",
    f"""CREATE TRIGGER {TABLE}_guard BEFORE UPDATE OR DELETE ON {TABLE}
        FOR EACH ROW EXECUTE FUNCTION {TABLE}_guard()""",
    f"DROP TRIGGER IF EXISTS {TABLE}_truncate ON {TABLE}",
    f"""CREATE TRIGGER {TABLE}_truncate BEFORE TRUNCATE ON {TABLE}
        FOR EACH STATEMENT EXECUTE FUNCTION {TABLE}_no_truncate()""",
]
POSTGRES_DROP = [
    f"DROP TRIGGER IF EXISTS {TABLE}_guard ON {TABLE}",
    f"DROP TRIGGER IF EXISTS {TABLE}_truncate ON {TABLE}",
]


def _run(connection: BaseDatabaseWrapper, statements: dict[str, list[str]]) -> None:
    with connection.cursor() as cursor:
        for sql in statements.get(connection.vendor, []):
            cursor.execute(sql)


def create(connection: BaseDatabaseWrapper) -> None:
    _run(connection, {"sqlite": SQLITE_CREATE, "postgresql": POSTGRES_CREATE})


def drop(connection: BaseDatabaseWrapper) -> None:
    _run(connection, {"sqlite": SQLITE_DROP, "postgresql": POSTGRES_DROP})
