"""Backups of the database the settings name: SQLite by its online backup API (a consistent copy while the
server runs), PostgreSQL by pg_dump's custom format and pg_restore. Backup files are created mode 0600."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connections

from eduplan.errors import ConfigError, DataError
from eduplan.web.settings import private_file

SQLITE_HEADER = b"SQLite format 3\x00"
PG_HEADER = b"PGDMP"


def _db() -> dict[str, Any]:
    return dict(settings.DATABASES["default"])


def _is_sqlite(db: dict[str, Any]) -> bool:
    return str(db["ENGINE"]).endswith("sqlite3")


def backup(out: Path) -> int:
    """Write the database to `out`; returns its size in bytes."""
    db = _db()
    out = out.resolve()
    if out.exists():
        raise DataError(f"备份文件已存在，不会覆盖：{out}", english=f"{out} exists")
    private_file(out)
    try:
        if _is_sqlite(db):
            with sqlite3.connect(str(db["NAME"])) as source, sqlite3.connect(str(out)) as target:
                source.backup(target)
        else:
            _pg("pg_dump", ["--format=custom", "--no-owner", f"--file={out}"], db)
    except BaseException:
        out.unlink(missing_ok=True)
        raise
    return out.stat().st_size


def restore(path: Path) -> None:
    """Replace the database's contents with the backup at `path` (same kind of database)."""
    db = _db()
    head = path.read_bytes()[:16]
    connections.close_all()
    if _is_sqlite(db):
        if head != SQLITE_HEADER:
            raise DataError(f"{path} 不是 SQLite 备份（当前数据库为 SQLite）", english="not a SQLite backup")
        with sqlite3.connect(str(path)) as source, sqlite3.connect(str(db["NAME"])) as target:
            source.backup(target)
        return
    if not head.startswith(PG_HEADER):
        raise DataError(f"{path} 不是 PostgreSQL 备份（pg_dump 自定义格式）", english="not a pg_dump archive")
    _pg(
        "pg_restore",
        ["--clean", "--if-exists", "--no-owner", "--single-transaction", str(path)],
        db,
        dbname_flag=True,
    )


def _pg(tool: str, arguments: list[str], db: dict[str, Any], dbname_flag: bool = False) -> None:
    program = shutil.which(tool) or next(
        (str(p) for p in sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{tool}"), reverse=True)), None
    )
    if program is None:
        raise ConfigError(f"找不到 {tool}，请安装 PostgreSQL 客户端（postgresql-client）",
                          english=f"{tool} not found")  # fmt: skip
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    connection = [f"--host={db.get('HOST') or '127.0.0.1'}", f"--port={db.get('PORT') or 5432}",
                  f"--username={db.get('USER') or 'postgres'}"]  # fmt: skip
    name = f"--dbname={db['NAME']}" if dbname_flag else str(db["NAME"])
    result = subprocess.run([program, *connection, *arguments, name], env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise DataError(
            f"{tool} 失败：{result.stderr.strip()[:500]}", english=f"{tool} failed: {result.stderr}"
        )
