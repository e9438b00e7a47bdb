"""One import (or undo) at a time per database: a lock with a wait, and a clear message when it is taken.

PostgreSQL: a session advisory lock on the database itself, so imports from any process or machine wait
for each other. SQLite: a file lock beside the database file (the only writers are processes on this
machine). Either way a second import waits up to `wait` seconds, then stops with a Chinese message instead
of a raw "duplicate key" or "database is locked" from the driver.
"""

from __future__ import annotations

import hashlib
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import filelock
from django.db import connection

from eduplan.errors import EduplanError

LOCK_KEY = 0x6564_7570_6C61_6E  # "eduplan": the advisory lock every import takes
POLL = 0.2


class Busy(EduplanError):
    """Another import holds the lock for longer than we may wait."""


def _busy(wait: int) -> Busy:
    return Busy(
        f"另一项导入（或撤销）正在进行，已等待 {wait} 秒仍未结束；请稍后再试（等待时间见设置 EDUPLAN_IMPORT_LOCK_WAIT）",
        english=f"import lock still held after {wait} s",
    )


@contextmanager
def import_lock(wait: int) -> Iterator[None]:
    """Hold the database's import lock for the block, waiting at most `wait` seconds for it."""
    if connection.vendor == "postgresql":
        with _advisory(wait):
            yield
        return
    lock = filelock.FileLock(_lock_file(), timeout=wait)
    try:
        lock.acquire(poll_interval=POLL)
    except filelock.Timeout as exc:
        raise _busy(wait) from exc
    try:
        yield
    finally:
        lock.release()


@contextmanager
def _advisory(wait: int) -> Iterator[None]:
    deadline = time.monotonic() + wait
    with connection.cursor() as cursor:
        while True:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [LOCK_KEY])
            if cursor.fetchone()[0]:
                break
            if time.monotonic() >= deadline:
                raise _busy(wait)
            time.sleep(POLL)
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [LOCK_KEY])


def _lock_file() -> Path:
    """Beside the SQLite file; for an in-memory test database, in the temporary folder by its name."""
    name = str(connection.settings_dict["NAME"])
    path = Path(name)
    if name.startswith("file:") or name == ":memory:" or not path.parent.exists():
        return (
            Path(tempfile.gettempdir())
            / f"eduplan-{hashlib.sha256(name.encode()).hexdigest()[:16]}.import.lock"
        )
    return path.with_name(path.name + ".import.lock")
