"""The backtest on a synthetic history whose errors are known exactly."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest

from eduplan.cli import main
from eduplan.forecast.backtest import backtest, history_from_csv_frames
from eduplan.forecast.cohort import Method


def doubling_history(closing: bool = False) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Births double every year; school A takes half of each cohort, school C a quarter; every pupil goes up
    a grade. The method's ratios are then exact (error 0), while the total of year t is proportional to 2^t,
    so "same as last year" misses by 1 − 2^−h at horizon h. With ``closing``, C closes in 2017 and all its
    pupils move to A: the district is unchanged, A's share jumps and C leaves."""
    births = pl.DataFrame(
        {"year": list(range(2003, 2022)), "births": [10 * 2 ** (y - 2003) for y in range(2003, 2022)]}
    )
    b = dict(zip(births["year"], births["births"], strict=True))
    rows = []
    for y in range(2010, 2022):
        a_share = 4 if closing and y >= 2017 else 2  # 1/4 + 1/2 = 3/4 of a cohort after the closure
        for grade, born in ((1, b[y - 6]), (2, b[y - 7])):
            rows.append(("A", y, grade, born // 2 + (born // 4 if a_share == 4 else 0)))
            if not (closing and y >= 2017):
                rows.append(("C", y, grade, born // 4))
    enrollment = pl.DataFrame(rows, schema=["school", "year", "grade", "enrollment"], orient="row")
    return enrollment, births


NAIVE = {h: round((1 - 2**-h) * 100, 4) for h in range(1, 6)}  # 50, 75, 87.5, 93.75, 96.875


def test_method_exact_and_naive_known() -> None:
    h = history_from_csv_frames(*doubling_history(), entry_grade=1, lag=6)
    r = backtest(h, Method(base_years=3))
    assert r.district == {h: pytest.approx(0.0, abs=1e-9) for h in range(1, 6)}
    assert r.school == {h: pytest.approx(0.0, abs=1e-9) for h in range(1, 6)}
    assert r.naive_district == NAIVE
    assert r.naive_school == NAIVE
    assert r.schools_excluded == 0
    # Origins 2013 … 2020: three base years after 2010, and at least one year ahead of 2021.
    assert r.origins == tuple(range(2013, 2021))


def test_closed_school_leaves_its_windows_but_not_the_district() -> None:
    h = history_from_csv_frames(*doubling_history(closing=True), entry_grade=1, lag=6)
    r = backtest(h, Method(base_years=3))
    # The district total is still 3/4 of two cohorts: exact for the method, 1 − 2^−h for naive.
    assert r.district == {h: pytest.approx(0.0, abs=1e-9) for h in range(1, 6)}
    assert r.naive_district == NAIVE
    # C has pupils in 2010-2016 only: every window reaching 2017 drops it; it is one school.
    assert r.schools_excluded == 1
    # A's share jumps in 2017, which no ratio of the years before can know: its errors are not zero.
    assert r.school[1] is not None and r.school[1] > 0


def test_a_shock_the_method_cannot_foresee() -> None:
    enrollment, births = doubling_history()
    # In 2021 (the last year, never in a base period) school A takes 10 % more entrants than its ratio
    # says. At h = 1 only origin 2020 reaches 2021; the other 7 origins forecast their next year exactly.
    # District 2021 (b15 = 2·b14): A 1: 0.55·b15, A 2: 0.5·b14, C 1: 0.25·b15, C 2: 0.25·b14
    # actual = (1.1 + 0.5 + 0.5 + 0.25)·b14 = 2.35·b14; forecast (1.0 + 0.5 + 0.5 + 0.25)·b14 = 2.25·b14.
    shocked = enrollment.with_columns(
        pl.when((pl.col("school") == "A") & (pl.col("year") == 2021) & (pl.col("grade") == 1))
        .then(pl.col("enrollment") * 11 // 10)
        .otherwise(pl.col("enrollment"))
        .alias("enrollment")
    )
    r = backtest(history_from_csv_frames(shocked, births, 1, 6), Method(base_years=3))
    # Horizon 1 has 8 origins (2013-2020); only origin 2020's error is non-zero: (2.35 − 2.25)/2.35 / 8.
    assert r.district[1] == pytest.approx(round(0.1 / 2.35 / 8 * 100, 4))
    # School A alone at h = 1: actual 1.6·b14 (1.1 + 0.5), forecast 1.5·b14; C is exact. Both are kept at
    # all 8 origins: MAPE = (0.1/1.6) / 16 school-origins.
    assert r.school[1] == pytest.approx(round(0.1 / 1.6 / 16 * 100, 4))


def test_cli_json_shape(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    enrollment, births = doubling_history()
    enrollment.write_csv(tmp_path / "e.csv")
    births.write_csv(tmp_path / "b.csv")
    code = main(
        ["forecast", "backtest", "--enrollment", str(tmp_path / "e.csv"), "--births", str(tmp_path / "b.csv"),
         "--entry-grade", "1", "--entry-lag", "6", "--format", "json"]
    )  # fmt: skip
    assert code == 0
    out = json.loads(capsys.readouterr().out)
    assert list(out) == ["district", "school", "naive", "schools_excluded"]
    assert list(out["district"]) == ["1", "2", "3", "4", "5"]
    assert list(out["naive"]) == ["district", "school"]
    assert out["naive"]["school"]["1"] == 50.0
    assert out["schools_excluded"] == 0


def test_cli_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["forecast", "backtest", "--enrollment", str(tmp_path / "none.csv"), "--births", "x.csv",
                 "--entry-grade", "1", "--entry-lag", "6"])  # fmt: skip
    assert code == 1
    assert "找不到在校生文件" in capsys.readouterr().err


def test_demo_county_meets_the_accuracy_target(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Issue 7: district MAPE at 3 years ≤ 3 % and better than naive at every horizon (demo county, primary)."""
    demo = pytest.importorskip("eduplan.demo")
    facts = demo.generate_county()
    primary = facts.grade_year.filter(pl.col("stage") == "primary").select(
        "school", "year", "grade", "enrollment"
    )
    primary.write_csv(tmp_path / "e.csv")
    facts.births.group_by("year").agg(pl.col("births").sum()).sort("year").write_csv(tmp_path / "b.csv")
    args = [
        "forecast",
        "backtest",
        "--enrollment",
        str(tmp_path / "e.csv"),
        "--births",
        str(tmp_path / "b.csv"),
    ]
    assert main([*args, "--entry-grade", "1", "--entry-lag", "6", "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["district"]["3"] <= 3.0
    for level in ("district", "school"):
        assert all(out[level][h] < out["naive"][level][h] for h in "12345"), level
