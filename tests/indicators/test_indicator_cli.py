"""The CLI on the demo county in the database: the JSON fixed point, explain, quality."""

from __future__ import annotations

import json

import pytest

from eduplan.cli import main
from eduplan.facts import Facts
from eduplan.indicators.catalogue import load_catalogue

pytestmark = pytest.mark.db


def test_indicators_json_fixed_point(demo_db: Facts, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["indicators", "--unit", "990101", "--year", "2020", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert isinstance(rows, list) and {r["code"] for r in rows} == set(load_catalogue().indicators)
    for row in rows:
        assert {"code", "unit", "year", "value", "reason"} <= set(row)
        assert row["unit"] == "990101" and row["year"] == 2020
        assert (row["value"] is None) == (row["reason"] is not None)
    values = {r["code"]: r["value"] for r in rows}
    assert 50 < values["preschool_ger"] < 130 and 0 <= values["large_class_share"] <= 100


def test_indicators_csv_and_table(demo_db: Facts, capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(
            [
                "indicators",
                "--unit",
                "990101",
                "--year",
                "2020",
                "--code",
                "学前三年毛入园率",
                "--format",
                "csv",
            ]
        )
        == 0
    )
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("指标代码,指标,单位代码") and len(lines) == 2 and "preschool_ger" in lines[1]
    assert main(["indicators", "--unit", "990101", "--year", "2020", "--code", "preschool_ger"]) == 0
    assert "学前三年毛入园率" in capsys.readouterr().out


def test_explain_command(demo_db: Facts, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain", "preschool_ger", "--unit", "990101", "--year", "2020"]) == 0
    out = capsys.readouterr().out
    assert "公式：在园幼儿数 ÷ 3—5周岁常住人口 × 100" in out and "分母项" in out


def test_explain_unknown_indicator_exits_1(demo_db: Facts, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain", "nothing", "--unit", "990101", "--year", "2020"]) == 1
    assert "指标目录中没有指标" in capsys.readouterr().err


def test_quality_command(demo_db: Facts, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["quality", "--year", "2020", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert all(r["year"] == 2020 and r["rule"] and r["unit"] for r in rows)
