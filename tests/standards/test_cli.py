"""The `eduplan evaluate` commands: cv straight from a CSV, and balanced from the database (JSON fixed point)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eduplan.cli import main

from .builders import COUNTY, JUNIOR_OK, PRIMARY_OK, YEAR, CountyBuilder, scaled, school_code

CSV = """school,stage,pupils,equipment,teachers_per100
a,primary,100,2,4.0
b,primary,100,4,4.0
c,primary,200,6,4.0
d,junior,100,1,5.0
e,junior,100,3,7.0
"""


def test_cv_from_csv_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # primary equipment: X̄ = 4.5, S² = 2.75 → CV = √2.75/4.5 = 0.368514; teachers all 4.0 → CV 0;
    # combined (0.368514 + 0)/2 = 0.184257. junior: |1−3|/(1+3) = 0.5 and |5−7|/12 = 0.166667, mean 0.333333.
    path = tmp_path / "schools.csv"
    path.write_text(CSV, "utf-8")
    assert main(["evaluate", "cv", str(path), "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["primary"]["cv"]["equipment"] == pytest.approx(0.368514, abs=1e-6)
    assert out["primary"]["cv"]["teachers_per100"] == 0.0
    assert out["primary"]["combined"] == pytest.approx(0.184257, abs=1e-6)
    assert out["junior"]["cv"]["equipment"] == pytest.approx(0.5)
    assert out["junior"]["combined"] == pytest.approx((0.5 + 2 / 12) / 2)
    # The same figures keyed the other way round.
    assert out["cv"]["primary"]["equipment"] == out["primary"]["cv"]["equipment"]
    assert out["combined"]["junior"] == out["junior"]["combined"]
    assert out["schools"] == {"primary": 3, "junior": 2}


def test_cv_accepts_chinese_stage_names(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "published.csv"
    path.write_text(CSV.replace(",primary,", ",小学,").replace(",junior,", ",初中,"), "utf-8")
    assert main(["evaluate", "cv", str(path), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["cv"]["primary"]["equipment"] == pytest.approx(
        0.368514, abs=1e-6
    )


def test_cv_table_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "schools.csv"
    path.write_text(CSV, "utf-8")
    assert main(["evaluate", "cv", str(path)]) == 0
    out = capsys.readouterr().out
    assert "【小学】3 所学校" in out and "0.369" in out


def test_cv_missing_column_is_one_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("school,stage,x\na,primary,1\n", "utf-8")
    assert main(["evaluate", "cv", str(path)]) == 1
    assert "缺少列：pupils" in capsys.readouterr().err


@pytest.mark.db
def test_balanced_json_from_database(db: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from eduplan.store import save_facts
    from eduplan.web.standards.models import EnteredItem

    b = CountyBuilder().school(school_code(1), "primary", 500, PRIMARY_OK)
    b.school(school_code(2), "primary", 500, scaled(PRIMARY_OK, area_sports=0.84))
    b.school(school_code(3), "junior", 300, JUNIOR_OK)
    save_facts(b.build())
    EnteredItem.objects.create(
        unit=COUNTY, year=YEAR, kind="balanced", item="layout", passed=True, evidence="规划"
    )
    todo = tmp_path / "todo.xlsx"
    args = [
        "evaluate",
        "balanced",
        "--unit",
        COUNTY,
        "--year",
        str(YEAR),
        "--format",
        "json",
        "--todo",
        str(todo),
    ]
    assert main(args) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["verdict"] == "fail"
    schools = {s["code"]: s for s in out["primary"]["schools"]}
    assert schools[school_code(2)]["passed"] is False
    assert schools[school_code(2)]["area_sports"] == {
        "value": pytest.approx(6.3),
        "threshold": 7.5,
        "met": False,
        "ratio": pytest.approx(0.84),
    }
    assert out["junior"]["cv_limit"] == 0.45 and out["junior"]["schools"][0]["passed"] is True
    assert "layout" not in out["pending"]
    assert todo.stat().st_size > 0
