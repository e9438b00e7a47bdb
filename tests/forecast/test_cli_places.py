"""`eduplan forecast places` on the database (tiny county of tests/conftest.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eduplan.cli import main
from eduplan.facts import Facts


@pytest.mark.db
def test_places_json_on_tiny_county(tiny_db: Facts, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        [
            "forecast",
            "places",
            "--unit",
            "990101",
            "--from-year",
            "2024",
            "--horizon",
            "2",
            "--format",
            "json",
        ]
    )
    assert code == 0
    out = json.loads(capsys.readouterr().out)
    assert (out["unit"], out["origin"], out["horizon"], out["level"]) == ("990101", 2024, 2, "zone")
    # No zones in the tiny county: each township is its own zone; the junior school has 3 × 2 classes.
    units = {(w["unit"], w["stage"]) for w in out["warnings"]}
    assert ("990101001", "junior") in units and ("990101002", "primary") in units
    junior = [g for g in out["gaps"] if g["unit"] == "990101001" and g["stage"] == "junior"]
    # Declared capacity 1200 for the junior school (a single stage: all of it).
    assert [g["capacity"] for g in junior] == [1200, 1200]
    # Junior 2025: grades 2-3 progress at 120/120 = 1 from 120 pupils each; grade 1 by transition ratio
    # 120 / (Σ primary 6 of 2023 in the township: 50) = 2.4 × primary 6 of 2024 (51) = 122.4 -> 362.4, kept at
    # full precision in JSON (rounding is for display); utilisation 362.4 / 1200 = 0.302, not rounded to 0.
    assert junior[0]["demand"] == pytest.approx(362.4)
    assert junior[0]["utilisation"] == pytest.approx(362.4 / 1200)
    # The units' total is the county's: Σ over the townships per stage and year, reconciled with the county
    # forecast made as one unit.
    total = next(t for t in out["totals"] if t["stage"] == "junior" and t["year"] == 2025)
    assert total["demand"] == pytest.approx(
        sum(g["demand"] for g in out["gaps"] if (g["stage"], g["year"]) == ("junior", 2025))
    )
    assert total["difference"] == pytest.approx(total["direct"] - total["demand"])


@pytest.mark.db
def test_places_defaults_to_the_latest_complete_year(
    tiny_db: Facts, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["forecast", "places", "--unit", "990101", "--horizon", "1", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["origin"] == 2024


@pytest.mark.db
def test_places_rejects_unknown_places_with_their_rows(
    tiny_db: Facts, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "projects.csv"
    path.write_text(
        "name,school,zone,stage,places,year\n新校,,990101001,primary,300,2025\n错校,,月亮区,primary,300,2025\n"
        "错段,1399010001,,college,100,2025\n",
        encoding="utf-8",
    )
    args = ["forecast", "places", "--unit", "990101", "--horizon", "1", "--projects", str(path)]
    assert main(args) == 1
    err = capsys.readouterr().err
    assert "projects.csv 第 3 行：没有学校或学区“月亮区”" in err
    assert "projects.csv 第 4 行：学段“college”不是" in err
    assert main([*args[:-2], "--zone-migration", "月亮区=3"]) == 1
    assert "没有学区“月亮区”" in capsys.readouterr().err


@pytest.mark.db
def test_places_table_names_levels(tiny_db: Facts, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["forecast", "places", "--unit", "990101", "--from-year", "2024", "--horizon", "3"]) == 0
    text = capsys.readouterr().out
    assert "学位预测：2024 年起 3 年" in text and "初中" in text


@pytest.mark.db
def test_places_rejects_origin_outside_data(tiny_db: Facts, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["forecast", "places", "--unit", "990101", "--from-year", "2030", "--horizon", "3"]) == 1
    assert "起始年份 2030" in capsys.readouterr().err


@pytest.mark.db
def test_norms_check_cli(tiny_db: Facts, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "r.csv").write_text("township,residents\n990101001,25000\n", encoding="utf-8")
    args = [
        "forecast",
        "norms",
        "--unit",
        "990101",
        "--residents",
        str(tmp_path / "r.csv"),
        "--format",
        "json",
    ]
    assert main(args) == 0
    rows = {r["rule"]: r for r in json.loads(capsys.readouterr().out)}
    # 城关镇: 25,000 people need ceil(2.5) = 3 primary schools; it has one (示例县第一小学) -> short 2.
    # Junior: ceil(25,000 / 30,000) = 1; 示例县城关中学 -> 0 short.
    assert (rows["primary_per_10k"]["required"], rows["primary_per_10k"]["actual"]) == (3, 1)
    assert rows["junior_per_30k"]["shortfall"] == 0


@pytest.mark.db
def test_places_zone_migration(tiny_db: Facts, capsys: pytest.CaptureFixture[str]) -> None:
    base = [
        "forecast",
        "places",
        "--unit",
        "990101",
        "--from-year",
        "2024",
        "--horizon",
        "2",
        "--format",
        "json",
    ]
    assert main(base) == 0
    before = {
        (g["unit"], g["stage"], g["year"]): g["demand"] for g in json.loads(capsys.readouterr().out)["gaps"]
    }
    assert main([*base, "--zone-migration", "990101001=10"]) == 0
    after = {
        (g["unit"], g["stage"], g["year"]): g["demand"] for g in json.loads(capsys.readouterr().out)["gaps"]
    }
    # +10 % a year in 城关镇 only: 2026 junior demand × 1.1² (rounded to whole pupils); 石桥乡 unchanged.
    key = ("990101001", "junior", 2026)
    assert after[key] == pytest.approx(before[key] * 1.21, abs=1)
    assert after[("990101002", "primary", 2026)] == before[("990101002", "primary", 2026)]
    assert main([*base, "--zone-migration", "990101001=很多"]) == 1
