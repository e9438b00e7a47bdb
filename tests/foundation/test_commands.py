"""The two acceptance commands, run as a user would: a fresh demo database anywhere, and the server."""

from __future__ import annotations

import json
import os
import socket
import stat
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from openpyxl import load_workbook

from eduplan.cli import main

EDUPLAN = [sys.executable, "-m", "eduplan.cli"]
# A guard against a hung build, not a time limit: a demo build is about 40 CPU-seconds, but on a 2-core machine
# shared by several test runs one took over 300 s of wall time and failed the test.
DEMO_TIMEOUT = 1200


def _env(tmp_path: Path) -> dict[str, str]:
    return {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}", "EDUPLAN_DATA_DIR": str(tmp_path)}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_demo_builds_a_fresh_database_and_exports_its_schools(tmp_path: Path) -> None:
    env = _env(tmp_path)
    done = subprocess.run(
        [*EDUPLAN, "demo", "--no-serve"], env=env, capture_output=True, text=True, timeout=DEMO_TIMEOUT
    )
    assert done.returncode == 0, done.stderr
    assert "密码均为 eduplan-demo" in done.stdout and "county990101" in done.stdout
    # Fixed points: counties 990101 and 990102, their planners' logins with the demo password.
    listed = subprocess.run(
        [*EDUPLAN, "user", "list", "--format", "json"], env=env, capture_output=True, text=True
    )
    roles = {u["username"]: u["roles"] for u in json.loads(listed.stdout)}
    for county in ("990101", "990102"):
        assert roles[f"county{county}"] == [
            {"role": "county_planner", "label": "县教育局规划科", "unit": county}
        ]
        assert f"{county} " in done.stdout
    assert {"school990101", "city9901", "province99", "sysadmin", "secadmin", "auditor"} <= roles.keys()
    # The secret key and the SQLite file are the owner's alone.
    assert stat.S_IMODE((tmp_path / "secret_key").stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "x.db").stat().st_mode) == 0o600
    _rebuild_and_serve(env)
    out = tmp_path / "schools.csv"
    done = subprocess.run([*EDUPLAN, "export", "schools", str(out)], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    lines = out.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0].startswith("学校标识码,学校名称")
    assert len(lines) - 1 >= 100  # the demo county has about 110 schools
    assert all(len(line.split(",")[0]) == 10 for line in lines[1:])


def _rebuild_and_serve(env: dict[str, str]) -> None:
    """`eduplan demo` as `make demo` runs it: a demo database is rebuilt, then served; a signed-in planner's
    pages that compute with Polars answer (a worker forked from the building process waited forever on them)."""
    from eduplan.bench.web import _sign_in

    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([*EDUPLAN, "demo", "--port", str(port), "--workers", "1"], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)  # fmt: skip
    waited = socket.getdefaulttimeout()
    socket.setdefaulttimeout(90)  # a page that never answers fails the test instead of hanging it
    try:
        deadline = time.monotonic() + DEMO_TIMEOUT
        while time.monotonic() < deadline and server.poll() is None:
            try:
                urllib.request.urlopen(f"{base}/accounts/login/", timeout=20).read()
                break
            except OSError:
                time.sleep(0.5)
        assert server.poll() is None, server.stdout.read() if server.stdout else ""
        opener, _ = _sign_in(base, "county990101")
        for page in ("/", "/indicators/", "/standards/balanced/"):
            with opener.open(base + page) as response:
                assert response.status == 200, page
    finally:
        socket.setdefaulttimeout(waited)
        server.terminate()
        try:
            server.wait(timeout=40)  # gunicorn lets a worker finish its request for up to 30 s
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def test_demo_refuses_a_database_it_did_not_build(tmp_path: Path) -> None:
    env = _env(tmp_path)
    made = subprocess.run([*EDUPLAN, "user", "add", "zhang"], env=env, capture_output=True, text=True)
    assert made.returncode == 0, made.stderr
    done = subprocess.run(
        [*EDUPLAN, "demo", "--no-serve"], env=env, capture_output=True, text=True, timeout=DEMO_TIMEOUT
    )
    assert done.returncode == 1 and "不是演示数据库" in done.stderr
    listed = subprocess.run([*EDUPLAN, "user", "list"], env=env, capture_output=True, text=True)
    assert listed.stdout.startswith("zhang") and "county990101" not in listed.stdout


@pytest.mark.parametrize("dev", [False, True], ids=["gunicorn", "dev"])
def test_serve_answers_200_on_the_root(tmp_path: Path, dev: bool) -> None:
    """`eduplan serve` is gunicorn (the fixed point: not Django's development server); neither names a version."""
    port = _free_port()
    server = subprocess.Popen(
        [*EDUPLAN, "serve", "--port", str(port), "--workers", "1", *(["--dev"] if dev else [])],
        env=_env(tmp_path),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        status, deadline = None, time.monotonic() + 240  # a fresh database is migrated first; CI may be busy
        while time.monotonic() < deadline and server.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=20) as response:
                    status, page, header = (
                        response.status,
                        response.read().decode(),
                        response.headers["Server"],
                    )
                break
            except OSError:
                time.sleep(0.2)
        assert status == 200 and "登录" in page
        assert header == ("eduplan-dev" if dev else "gunicorn"), header
        assert "WSGIServer" not in header and "Python" not in header
        with urllib.request.urlopen(
            f"http://127.0.0.1:{port}/static/eduplan/table.js", timeout=20
        ) as response:
            assert response.status == 200
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_a_bad_kind_is_a_chinese_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["template", "grades", str(tmp_path / "t.xlsx")]) == 1
    assert capsys.readouterr().err.startswith("错误：未知的数据类型 'grades'")


def test_template_of_a_kind_writes_its_sheets(tmp_path: Path) -> None:
    assert main(["template", "population", str(tmp_path / "t.xlsx")]) == 0
    assert load_workbook(tmp_path / "t.xlsx").sheetnames == ["说明", "分年龄人口", "出生人口"]
