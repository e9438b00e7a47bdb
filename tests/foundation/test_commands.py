"""The two acceptance commands, run as a user would: a fresh demo database anywhere, and the server."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from openpyxl import load_workbook

from eduplan.cli import main

EDUPLAN = [sys.executable, "-m", "eduplan.cli"]


def _env(tmp_path: Path) -> dict[str, str]:
    return {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}", "EDUPLAN_DATA_DIR": str(tmp_path)}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_demo_builds_a_fresh_database_and_exports_its_schools(tmp_path: Path) -> None:
    env = _env(tmp_path)
    done = subprocess.run(
        [*EDUPLAN, "demo", "--no-serve"], env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    assert "用户名 demo，密码 eduplan-demo" in done.stdout
    out = tmp_path / "schools.csv"
    done = subprocess.run([*EDUPLAN, "export", "schools", str(out)], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    lines = out.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0].startswith("学校标识码,学校名称")
    assert len(lines) - 1 >= 100  # the demo county has about 110 schools
    assert all(len(line.split(",")[0]) == 10 for line in lines[1:])


def test_serve_answers_200_on_the_root(tmp_path: Path) -> None:
    port = _free_port()
    server = subprocess.Popen(
        [*EDUPLAN, "serve", "--port", str(port)],
        env=_env(tmp_path),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        status, deadline = None, time.monotonic() + 90  # a fresh database is migrated first; CI may be busy
        while time.monotonic() < deadline and server.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as response:
                    status, page = response.status, response.read().decode()
                break
            except OSError:
                time.sleep(0.2)
        assert status == 200 and "登录" in page
        with urllib.request.urlopen(
            f"http://127.0.0.1:{port}/static/eduplan/table.js", timeout=2
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
