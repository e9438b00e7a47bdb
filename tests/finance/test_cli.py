"""`eduplan finance …` on a database holding the hand-worked county (the issue's JSON fixed points)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import load_workbook

from eduplan.cli import main
from eduplan.store import save_facts

from .builders import COUNTY, RURAL_JUNIOR, RURAL_PRIMARY, SPECIAL, URBAN_JUNIOR, small_county

pytestmark = pytest.mark.db


@pytest.fixture
def county(db: None) -> None:
    save_facts(small_county())


def _json(capsys: pytest.CaptureFixture[str], *args: str) -> object:
    assert main(["finance", *args, "--format", "json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_floors_json_fixed_point(county: None, capsys: pytest.CaptureFixture[str]) -> None:
    rows = _json(capsys, "floors", "--unit", COUNTY, "--year", "2024")
    assert isinstance(rows, list) and len(rows) == 4
    by = {r["school"]: r for r in rows}
    for row in rows:
        assert {"school", "pupils", "counted_pupils", "floor", "allocated", "gap", "rule"} <= set(row)
    # Demo rules of 990101: 97 × 798.6 + 3 × 6000 + 20 × 200 = 99,464.20 against 90,000.
    p = by[RURAL_PRIMARY]
    assert (p["pupils"], p["counted_pupils"], p["floor"], p["allocated"], p["gap"]) == (
        63,
        100,
        99_464.2,
        90_000,
        9_464.2,
    )
    assert (
        "不足 100 人按 100 人核定（实有 63 人）" in p["rule"]
        and "随班就读残疾学生 3 人 × 6000 元" in p["rule"]
    )
    assert "小学标准由示例县设定（每 2 年提高 10%（第 3 次））" in p["rule"]
    assert (by[RURAL_JUNIOR]["counted_pupils"], by[RURAL_JUNIOR]["gap"]) == (500, 212_960)
    assert (by[URBAN_JUNIOR]["gap"], by[SPECIAL]["allocated"], by[SPECIAL]["gap"]) == (0, None, None)
    assert by[SPECIAL]["rule"] == "特殊教育学校学生 40 人 × 6000 元 + 寄宿生（另加） 10 人 × 200 元"


def test_county_json_fixed_point(county: None, capsys: pytest.CaptureFixture[str]) -> None:
    years = _json(capsys, "county", "--unit", COUNTY)
    assert [y["year"] for y in years] == [2022, 2023, 2024]
    for y in years:
        assert {"spending", "per_student", "nondecreasing"} <= set(y)
        assert set(y["nondecreasing"]) == {"spending", "per_student"}
    assert years[0]["nondecreasing"] == {"spending": None, "per_student": None}
    assert (years[1]["spending"], years[1]["per_student"]) == (110, 1000)
    assert years[2]["nondecreasing"] == {"spending": False, "per_student": True}
    assert [y["verdict"] for y in years] == ["unknown", "fail", "fail"]


def test_floors_table_and_todo_workbook(
    county: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "todo.xlsx"
    assert main(["finance", "floors", "--unit", COUNTY, "--year", "2024", "--todo", str(out)]) == 0
    text = capsys.readouterr()
    assert "未达标 2 所，缺口合计 222,424.20 元" in text.out and "（2 所）" in text.err
    rows = list(load_workbook(out)["整改清单"].iter_rows(values_only=True))
    assert [r[0] for r in rows[1:3]] == [RURAL_JUNIOR, RURAL_PRIMARY]  # largest gap first
    assert rows[1][8] == 212_960 and rows[4][8] == 222_424.2


def test_bad_year_and_unit_are_one_clear_error(county: None, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["finance", "floors", "--unit", COUNTY, "--year", "2019"]) == 1
    assert "没有 2019 学年的经费数据（有：2023、2024）" in capsys.readouterr().err
    assert main(["finance", "floors", "--unit", "990199"]) == 1
    assert "找不到代码为 990199" in capsys.readouterr().err
    assert main(["finance", "floors", "--unit", COUNTY, "--todo", "todo.csv"]) == 1
    assert "应以 .xlsx 结尾" in capsys.readouterr().err


def test_rules_and_cost(county: None, capsys: pytest.CaptureFixture[str]) -> None:
    rules = _json(capsys, "rules", "--unit", COUNTY, "--year", "2024")
    assert rules["levels"] == ["全国", "示例省", "示例县"]  # type: ignore[index]
    amounts = {a["key"]: a["amount"] for a in rules["amounts"]}  # type: ignore[index]
    assert (amounts["primary"], amounts["junior"], amounts["senior"]) == (798.6, 1064.8, 1000)
    cost = _json(capsys, "cost", "--unit", COUNTY)
    assert cost["origin"] == 2024  # type: ignore[index]
    assert cost["need_ahead"][0]["year"] == 2024  # type: ignore[index]
    assert main(["finance", "cost", "--unit", COUNTY]) == 0
    assert "公用经费需求" in capsys.readouterr().out
