"""Projected year of passing: each failing part's least-squares trend to its threshold, worked out by hand."""

from __future__ import annotations

from eduplan.indicators.completeness import YearStatus
from eduplan.region.projection import (
    UNABLE,
    Measure,
    complete_years,
    county_projection,
    project,
    slope,
)
from eduplan.standards.result import Evaluation, ItemResult


def test_slope_is_least_squares() -> None:
    # x − 2022 = −2..2; y − 0.928 = −0.028, −0.018, 0.002, 0.012, 0.032; Σxy = 0.15, Σxx = 10 → 0.015
    points = [(2020, 0.90), (2021, 0.91), (2022, 0.93), (2023, 0.94), (2024, 0.96)]
    assert abs(slope(points) - 0.015) < 1e-12


def test_rate_reaches_threshold_in_whole_years() -> None:
    m = Measure(
        "certified", "持证上岗率", 1.0, "ge", {2020: 0.90, 2021: 0.91, 2022: 0.93, 2023: 0.94, 2024: 0.96}
    )
    p = project(m, 2024)
    # gap 1.0 − 0.96 = 0.04; 0.04 / 0.015 = 2.67 → 3 whole years → 2027
    assert p.year == 2027
    assert p.basis == "2020–2024 学年 5 个完整年的线性趋势"
    assert p.current == "0.96" and p.threshold == "1"


def test_count_of_failing_schools_must_reach_zero() -> None:
    # 5, 3, 2 schools: slope −1.5 (Σxy = −3, Σxx = 2); 2 / 1.5 = 1.33 → 2 years → 2026
    m = Measure("primary:schools", "小学未达标学校数", 0, "le", {2022: 5, 2023: 3, 2024: 2})
    p = project(m, 2024)
    assert p.year == 2026 and p.change == "-1.5"


def test_exact_division_is_not_rounded_up() -> None:
    # 0.80, 0.82, 0.84 → +0.02 a year; 0.1 short → exactly 5 years (floating 5.000000001 must not become 6)
    m = Measure("x", "x", 0.94, "ge", {2022: 0.80, 2023: 0.82, 2024: 0.84})
    assert project(m, 2024).year == 2029


def test_no_projection_when_the_trend_moves_away_or_is_too_slow_or_short() -> None:
    away = Measure("a", "a", 1.0, "ge", {2022: 0.95, 2023: 0.94, 2024: 0.93})
    slow = Measure("s", "s", 1.0, "ge", {2022: 0.50, 2023: 0.51, 2024: 0.52})  # 48 years
    short = Measure("t", "t", 1.0, "ge", {2023: 0.90, 2024: 0.95})
    gap = Measure("g", "g", 1.0, "ge", {2022: 0.90, 2023: None, 2024: 0.95})  # a year without a value
    for m in (away, slow, short, gap):
        assert project(m, 2024).year is None, m.key
    assert "未向标准靠近" in project(away, 2024).basis
    assert "10 年内达不到" in project(slow, 2024).basis
    assert "只有 2 个" in project(short, 2024).basis


def _evaluation(year: int, certified: float, complete: bool = True, pending: bool = False) -> Evaluation:
    items = [
        ItemResult(
            "certified", "a", "持证上岗率", "", "pass" if certified >= 1 else "fail", "data", certified, 1.0
        ),
        ItemResult("ger", "a", "毛入园率", "", "pass", "data", 0.9, 0.85),
    ]
    if pending:
        items.append(ItemResult("plan", "b", "布局规划", "", "pending", "entered"))
    done = YearStatus("990101", year, 10, 10 if complete else 9, complete)
    return Evaluation("preschool", "普及普惠", "", "990101", year, {}, items, [], completeness=done)


def test_county_year_is_the_latest_of_its_failing_parts() -> None:
    history = {y: _evaluation(y, v) for y, v in ((2022, 0.90), (2023, 0.92), (2024, 0.94))}
    p = county_projection("990101", "preschool", history, 2024)
    # +0.02 a year, 0.06 short → 3 years → 2027; the passing 毛入园率 is not a part
    assert p.year == 2027 and p.text == "预计 2027 年" and [x.key for x in p.parts] == ["certified"]
    assert p.parts[0].current == "94%" and p.parts[0].threshold == "100%" and p.parts[0].change == "+2%"


def test_own_commitment_year_is_shown_and_a_late_trend_flagged() -> None:
    history = {y: _evaluation(y, v) for y, v in ((2022, 0.90), (2023, 0.92), (2024, 0.94))}
    p = county_projection("990101", "preschool", history, 2024, {"certified": 2025})
    assert p.parts[0].commitment == 2025 and p.parts[0].basis.endswith(
        "本县规划承诺 2025 年达到，按趋势赶不上"
    )


def test_pending_items_are_named_and_incomplete_data_is_not_judged() -> None:
    history = {y: _evaluation(y, v, pending=True) for y, v in ((2022, 0.90), (2023, 0.92), (2024, 0.94))}
    p = county_projection("990101", "preschool", history, 2024)
    assert p.year == 2027 and p.pending == ("布局规划",) and "另有 1 项待录入" in p.text
    history[2024] = _evaluation(2024, 0.94, complete=False)
    p = county_projection("990101", "preschool", history, 2024)
    assert p.year is None and p.text.startswith("无法评估") and p.parts == ()


def test_one_part_without_a_trend_leaves_the_county_unprojected() -> None:
    history = {y: _evaluation(y, v) for y, v in ((2022, 0.95), (2023, 0.94), (2024, 0.93))}
    p = county_projection("990101", "preschool", history, 2024)
    assert p.year is None and p.text.startswith(UNABLE) and p.parts[0].year_text == UNABLE


def test_passing_county_and_trend_years() -> None:
    history = {2024: _evaluation(2024, 1.0)}
    assert county_projection("990101", "preschool", history, 2024).text == "已达标（2024 学年）"
    flags = {2016: True, 2017: False, 2018: True, 2019: True, 2020: True, 2021: True, 2022: True, 2025: True}
    assert complete_years(flags, 2024) == [2018, 2019, 2020, 2021, 2022]


def test_a_maximum_is_followed_downwards_whatever_compare_says() -> None:
    # 规模不超过2000人 carries compare "ge": a failing value above its threshold must come down.
    items = {y: ItemResult("school_size", "a", "学校规模", "", "fail", "data", v, 2000.0) for y, v in
             ((2022, 2300.0), (2023, 2200.0), (2024, 2150.0))}  # fmt: skip
    done = {y: YearStatus("990101", y, 1, 1, True) for y in items}
    history = {
        y: Evaluation("balanced", "", "", "990101", y, {}, [i], [], completeness=done[y])
        for y, i in items.items()
    }
    p = county_projection("990101", "balanced", history, 2024)
    # x − 2023 = −1, 0, 1; Σxy = 2150 − 2300 = −150, Σxx = 2 → −75 a year
    # 150 over the bar / 75 a year = 2 years → 2026
    assert p.year == 2026 and p.parts[0].change == "-75"
