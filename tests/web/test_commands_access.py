"""`eduplan user …`, `eduplan audit …` and the backup round trip, run as an administrator would.

The backup test runs on the database kind of the run: SQLite in the plain run, PostgreSQL in the `-m db` run
with DATABASE_URL set (a scratch database on the same server, dropped afterwards).
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest

EDUPLAN = [sys.executable, "-m", "eduplan.cli"]


def _run(env: dict[str, str], *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*EDUPLAN, *args], env=env, input=stdin, capture_output=True, text=True, timeout=300
    )


@pytest.fixture
def database(tmp_path: Path) -> Iterator[dict[str, str]]:
    """The environment of a fresh database of this run's kind."""
    env = {**os.environ, "EDUPLAN_DATA_DIR": str(tmp_path)}
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'x.db'}"
        yield env
        return
    import psycopg

    name = f"eduplan_cli_{os.getpid()}"
    server = urlparse(url)._replace(path="/postgres").geturl()
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name}")
        conn.execute(f"CREATE DATABASE {name}")
    env["DATABASE_URL"] = urlparse(url)._replace(path=f"/{name}").geturl()
    try:
        yield env
    finally:
        with psycopg.connect(server, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.mark.db
def test_backup_and_restore_round_trip(database: dict[str, str], tmp_path: Path) -> None:
    assert _run(database, "user", "add", "before", "--role", "audit_admin").returncode == 0
    backup = tmp_path / "eduplan.backup"
    done = _run(database, "backup", str(backup))
    assert done.returncode == 0, done.stderr
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    assert _run(database, "user", "add", "after").returncode == 0
    refused = _run(database, "restore", str(backup))
    assert refused.returncode == 1 and "--yes" in refused.stderr
    done = _run(database, "restore", str(backup), "--yes")
    assert done.returncode == 0, done.stderr
    users = [u["username"] for u in json.loads(_run(database, "user", "list", "--format", "json").stdout)]
    assert users == ["before"]
    # The restored trail is still append-only and records the restore.
    out = tmp_path / "audit.csv"
    assert _run(database, "audit", "export", str(out), "--as", "before").returncode == 0
    assert "restore" in out.read_text(encoding="utf-8-sig") and "user_add" in out.read_text(
        encoding="utf-8-sig"
    )
    assert _run(database, "backup", str(backup)).returncode == 1  # never overwrites a backup


def test_user_commands(tmp_path: Path) -> None:
    env = {**os.environ, "EDUPLAN_DATA_DIR": str(tmp_path), "DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}"}
    made = _run(env, "user", "add", "li", "--role", "county_planner", "--unit", "990101")
    assert made.returncode == 0 and "初始密码" in made.stdout
    weak = _run(env, "user", "passwd", "li", "--password-stdin", stdin="li2026\n")
    assert weak.returncode == 1 and "密码不符合要求" in weak.stderr and "至少" in weak.stderr
    demo = _run(env, "user", "passwd", "li", "--password-stdin", stdin="eduplan-demo\n")
    assert demo.returncode == 1 and "演示密码" in demo.stderr
    assert _run(env, "user", "passwd", "li", "--password-stdin", stdin="县里的规划2026秋\n").returncode == 0
    wrong = _run(env, "user", "set-role", "li", "city_supervisor", "990101")
    assert wrong.returncode == 1 and "须授予在一个市上" in wrong.stderr
    assert _run(env, "user", "set-role", "li", "city_supervisor", "9901").returncode == 0
    assert _run(env, "user", "set-role", "li", "county_supervisor", "990102", "--add").returncode == 0
    assert _run(env, "user", "disable", "li").returncode == 0
    listed = json.loads(_run(env, "user", "list", "--format", "json").stdout)
    assert listed[0]["active"] is False
    assert [(r["role"], r["unit"]) for r in listed[0]["roles"]] == [
        ("city_supervisor", "9901"),
        ("county_supervisor", "990102"),
    ]
    refused = _run(env, "audit", "export", str(tmp_path / "a.csv"), "--as", "li")
    assert refused.returncode == 1 and "不是审计管理员" in refused.stderr
    short = _run(env, "audit", "purge", "--older-than", "30")
    assert short.returncode == 1 and "至少保留 183 天" in short.stderr
    assert "已删除" in _run(env, "audit", "purge").stdout
