"""`eduplan staffing …` on the demo county in the database: the issue's fixed points and the reports."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook

from eduplan.cli import main
from eduplan.facts import Facts

pytestmark = pytest.mark.db


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(["staffing", *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_norms_json_fixed_point(demo_db: Facts, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        [
            "norms",
            "--unit",
            "990101",
            "--year",
            "2024",
            "--format",
            "json",
            "--out",
            str(tmp_path / "缺编.xlsx"),
        ],
        capsys,
    )
    rows = json.loads(out)
    assert code == 0 and isinstance(rows, list) and len(rows) > 500
    assert all({"school", "subject", "required", "in_post", "gap"} <= set(r) for r in rows)
    pe = next(r for r in rows if r["subject"] == "pe" and r["in_post"] is not None)
    assert pe["gap"] == pytest.approx(pe["required"] - pe["in_post"], abs=1e-3)
    from eduplan.web.accounts.models import AuditEvent

    [event] = AuditEvent.objects.filter(event="export", unit="990101")
    assert event.detail == {"what": "shortage", "year": 2024, "out": str(tmp_path / "缺编.xlsx")}
    book = load_workbook(tmp_path / "缺编.xlsx")
    assert book.sheetnames[:3] == ["学科缺编", "全县合计", "教职工编制"]
    assert book["学科缺编"].max_row == len(rows) + 1


def test_rotate_json_fixed_point(demo_db: Facts, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out_file = str(tmp_path / "名单.xlsx")
    code, out, _ = run(
        ["rotate", "--unit", "990101", "--year", "2025", "--format", "json", "--out", out_file], capsys
    )
    plan = json.loads(out)
    assert code == 0 and plan["status"] == "optimal"
    assert {"eligible", "moves", "backbone_moved", "objective", "bound"} <= set(plan)
    assert plan["eligible"] > 0 and plan["objective"] == pytest.approx(plan["bound"], abs=1e-6)
    assert plan["moves"] and all(
        {"teacher", "from_school", "to_school", "reason"} <= set(m) for m in plan["moves"]
    )
    assert plan["backbone_moved"] == sum(m["backbone"] is not None for m in plan["moves"])
    from eduplan.web.accounts.models import AuditEvent

    # Teacher ids left the system: the trail says who, what and where to.
    [event] = AuditEvent.objects.filter(event="export_personal", unit="990101")
    assert event.username.startswith("命令行") and event.detail["what"] == "rotation_plan"
    assert event.detail["moves"] == len(plan["moves"]) and event.detail["out"] == out_file
    sheet = load_workbook(tmp_path / "名单.xlsx")["交流名单"]
    assert sheet.max_row == len(plan["moves"]) + 1 and sheet["B2"].value == plan["moves"][0]["teacher"]


def test_rotate_what_if_and_rules_that_cannot_hold(
    demo_db: Facts, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(["rotate", "--unit", "990101", "--year", "2025", "--set", "quota_rate=0.9"], capsys)
    assert code == 1 and "规则无法同时满足" in out and "无法满足：交流比例" in out
    code, _, err = run(["rotate", "--unit", "990101", "--year", "2025", "--set", "quota=1"], capsys)
    assert code == 1 and "没有名为 quota 的交流规则" in err
    code, _, err = run(["rotate", "--unit", "990101", "--year", "2025", "--lock", "T1"], capsys)
    assert code == 1 and "左=右" in err


def test_text_reports(demo_db: Facts, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["norms", "--unit", "990101", "--year", "2024"], capsys)
    assert code == 0 and "体育与健康：应配" in out and "合计：应配" in out
    code, out, _ = run(["establishment", "--unit", "990101", "--year", "2024"], capsys)
    assert code == 0 and "全县应核教职工编制" in out and re.search(r"学生 \d+ ÷ 12.5 = \d+\.\d\d", out)
    code, out, _ = run(["outlook", "--unit", "990101", "--year", "2025", "--horizon", "3"], capsys)
    assert code == 0 and out.count("学年：应配") == 3
    code, out, _ = run(["rules"], capsys)
    assert code == 0 and "quota_rate = 0.1" in out and "教督〔2017〕6号" in out
