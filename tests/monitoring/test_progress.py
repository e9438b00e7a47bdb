"""The progress method on hand-worked cases: every status and every edge, the arithmetic in comments."""

from __future__ import annotations

import math

import pytest

from eduplan.monitoring.forecast import linear_forecast
from eduplan.monitoring.progress import Milestone, TargetSpec, cagr, judge, milestone_path


def spec(**kw: object) -> TargetSpec:
    base: dict[str, object] = {
        "key": "t",
        "indicator": "x",
        "comparator": "ge",
        "value": 72.0,
        "target_year": 2022,
        "baseline_value": 50.0,
        "baseline_year": 2020,
        "percent": False,
    }
    base.update(kw)
    return TargetSpec(**base)  # type: ignore[arg-type]


# Baseline 50 (2020), target 72 (2022): CAGR_r = (72/50)^(1/2) - 1 = 1.2 - 1 = 0.20.
@pytest.mark.parametrize(
    ("latest", "ratio", "status"),
    [
        (60.0, 1.00, "on_track"),  # CAGR_o = 60/50 - 1 = 0.20;  R = 0.20/0.20 = 1.00 >= 0.95
        (57.5, 0.75, "acceleration_needed"),  # CAGR_o = 0.15; R = 0.75 in [0.60, 0.95)
        (52.5, 0.25, "limited"),  # CAGR_o = 0.05; R = 0.25 in [0, 0.60)
        (45.0, -0.50, "deteriorating"),  # CAGR_o = -0.10; R = -0.50 < 0
    ],
)
def test_ratio_statuses(latest: float, ratio: float, status: str) -> None:
    j = judge(spec(), [(2020, 50.0), (2021, latest)])
    assert j.status == status
    assert j.ratio == pytest.approx(ratio)
    assert j.cagr_required == pytest.approx(0.20)
    assert (j.latest_value, j.latest_year, j.target_value) == (latest, 2021, 72.0)


def test_achieved_when_latest_meets_target() -> None:
    # 73 >= 72: achieved whatever the growth rate says.
    j = judge(spec(), [(2020, 50.0), (2021, 73.0)])
    assert j.status == "achieved"
    assert j.ratio is None


def test_gross_ratio_above_100_is_achieved() -> None:
    # Seed 000: 学前三年毛入园率 101.89% (2020) against 保持在100%以上 by 2025.
    s = spec(value=100.0, target_year=2025, baseline_value=None, baseline_year=None, percent=True)
    assert judge(s, [(2020, 101.89)]).status == "achieved"


@pytest.mark.parametrize(
    ("comparator", "target", "latest", "status"),
    [
        ("ge", 100.0, 99.18, "achieved"),  # |99.18 - 100| = 0.82 <= 1 point: reached
        ("ge", 100.0, 98.9, "on_track"),  # 1.1 points short: not reached; see the ratio below
        ("le", 0.0, 0.8, "achieved"),  # a 0% target (大班额) at 0.8%: within 1 point
    ],
)
def test_natural_limits(comparator: str, target: float, latest: float, status: str) -> None:
    # For ge 100 at 98.9: baseline 97 (2020), target 100 (2022): CAGR_r = sqrt(100/97) - 1 = 0.015346;
    # CAGR_o (2021) = 98.9/97 - 1 = 0.019588; R = 1.276 -> on track.
    s = spec(
        comparator=comparator,
        value=target,
        baseline_value=97.0 if target else 5.0,
        percent=True,
        bounded=True,
    )
    j = judge(s, [(2020, s.baseline_value), (2021, latest)])
    assert j.status == status


def test_natural_limit_is_only_for_bounded_rates() -> None:
    # 初中阶段毛入学率 99.53% against ≥ 100%: a gross ratio can exceed 100, so 0.47 points short is not reached.
    gross = spec(value=100.0, target_year=2025, baseline_value=98.0, percent=True, bounded=False)
    assert judge(gross, [(2020, 98.0), (2024, 99.53)]).status != "achieved"
    bounded = spec(value=100.0, target_year=2025, baseline_value=98.0, percent=True, bounded=True)
    assert judge(bounded, [(2020, 98.0), (2024, 99.53)]).status == "achieved"


def test_natural_limit_needs_percent_unit() -> None:
    # 99.5 places against 100 places is not within a percentage point of anything: not achieved.
    s = spec(value=100.0, baseline_value=90.0, percent=False)
    assert judge(s, [(2020, 90.0), (2021, 99.5)]).status != "achieved"


def test_lower_is_better() -> None:
    # Baseline 40 (2020), target <= 10 (2022): CAGR_r = sqrt(10/40) - 1 = -0.5.
    s = spec(comparator="le", value=10.0, baseline_value=40.0)
    # 20 in 2021: CAGR_o = 20/40 - 1 = -0.5; R = d * CAGR_o / |CAGR_r| = -1 * -0.5 / 0.5 = 1.0
    down = judge(s, [(2020, 40.0), (2021, 20.0)])
    assert (down.status, down.ratio) == ("on_track", pytest.approx(1.0))
    # 44 in 2021: CAGR_o = 0.1; R = -1 * 0.1 / 0.5 = -0.2
    up = judge(s, [(2020, 40.0), (2021, 44.0)])
    assert (up.status, up.ratio) == ("deteriorating", pytest.approx(-0.2))


def test_change_target() -> None:
    # 每年提升2个百分点 from 50 (2020) to 2025: target = 50 + 2 * 5 = 60; CAGR_r = 1.2^(1/5) - 1 = 0.037137.
    s = spec(comparator="change", value=2.0, target_year=2025, percent=True)
    # 54 in 2022: CAGR_o = sqrt(1.08) - 1 = 0.039230; R = 1.0564; milestone 2022 = 50 + 2 * 2 = 54, met.
    good = judge(s, [(2020, 50.0), (2022, 54.0)])
    assert (good.target_value, good.status, good.milestone_value) == (60.0, "on_track", 54.0)
    assert good.ratio == pytest.approx(1.0564, abs=1e-4)
    # 53 in 2022: CAGR_o = sqrt(1.06) - 1 = 0.029563; R = 0.7961; milestone 54 missed.
    slow = judge(s, [(2020, 50.0), (2022, 53.0)])
    assert (slow.status, slow.milestones_missed) == ("acceleration_needed", (2022,))
    assert slow.ratio == pytest.approx(0.7961, abs=1e-4)


def test_change_target_without_baseline_has_no_target_value() -> None:
    s = spec(comparator="change", value=2.0, baseline_value=None, baseline_year=None)
    # The first observation becomes the baseline: 50 (2020) + 2 * 2 = 54 by 2022.
    assert judge(s, [(2020, 50.0), (2021, 53.0)]).target_value == 54.0
    assert judge(s, []).status == "no_data"


def test_recurrence_each_year_is_a_deadline() -> None:
    s = spec(
        value=5.0, target_year=2025, recurrence=True, baseline_value=None, baseline_year=None, percent=True
    )
    # 5.5 >= 5 in the latest year: achieved for that year; 2021 (4) was missed.
    ok = judge(s, [(2021, 4.0), (2022, 5.5)])
    assert (ok.status, ok.years_met, ok.milestones_missed) == ("achieved", (2022,), (2021,))
    # 3 -> 4 against 5: one-year horizon, CAGR_o = 4/3 - 1 = 0.3333, CAGR_r = 5/3 - 1 = 0.6667, R = 0.5.
    limited = judge(s, [(2021, 3.0), (2022, 4.0)])
    assert (limited.status, limited.ratio) == ("limited", pytest.approx(0.5))
    # 6 -> 4: CAGR_o = 4/6 - 1 = -0.3333, CAGR_r = 5/6 - 1 = -0.1667, R = -0.3333 / 0.1667 = -2.
    worse = judge(s, [(2021, 6.0), (2022, 4.0)])
    assert (worse.status, worse.ratio) == ("deteriorating", pytest.approx(-2.0))


def test_one_data_point() -> None:
    s = spec(
        value=60.0,
        target_year=2030,
        baseline_value=None,
        baseline_year=None,
        milestones=(Milestone(2021, 45.0),),
    )
    assert judge(s, [(2021, 46.0)]).status == "on_track"  # 46 >= the 2021 milestone 45
    assert judge(s, [(2021, 44.0)]).status == "acceleration_needed"  # 44 < 45
    no_milestone = judge(
        spec(value=60.0, target_year=2030, baseline_value=None, baseline_year=None), [(2021, 44.0)]
    )
    assert (no_milestone.status, no_milestone.latest_value) == ("no_data", 44.0)


def test_text_baseline_gives_a_second_point() -> None:
    # Baseline 50 from the plan text (2020), one observation 60 (2021): R = 0.20 / 0.20 = 1.0.
    assert judge(spec(), [(2021, 60.0)]).status == "on_track"


def test_observed_baseline_beats_the_text() -> None:
    # Text says 50 in 2020 but the data say 48: baseline 48; CAGR_o = 60/48 - 1 = 0.25;
    # CAGR_r = sqrt(72/48) - 1 = 0.224745; R = 1.1124.
    j = judge(spec(), [(2020, 48.0), (2021, 60.0)])
    assert j.baseline_value == 48.0
    assert j.ratio == pytest.approx(1.1124, abs=1e-4)


def test_missing_years_are_skipped() -> None:
    # Baseline 10 (2020), target 640 (2026): CAGR_r = 64^(1/6) - 1 = 1.0. Null and NaN years are dropped;
    # latest 80 (2023): CAGR_o = 8^(1/3) - 1 = 1.0; R = 1.0.
    s = spec(value=640.0, target_year=2026, baseline_value=10.0)
    j = judge(s, [(2020, 10.0), (2021, None), (2022, math.nan), (2023, 80.0)])  # type: ignore[list-item]
    assert (j.status, j.latest_year) == ("on_track", 2023)
    assert j.ratio == pytest.approx(1.0)


def test_no_data() -> None:
    j = judge(spec(), [])
    assert (j.status, j.latest_value, j.forecast_value) == ("no_data", None, None)


def test_as_of_ignores_later_years() -> None:
    j = judge(spec(), [(2020, 50.0), (2021, 60.0), (2022, 80.0)], as_of=2021)
    assert (j.status, j.latest_year) == ("on_track", 2021)


def test_deadline_passed_is_not_achieved_on_that_years_value() -> None:
    # Target 60 by 2021 from 50 (2020): R would be 0.99 (on track), but 2021 is the target year and 59.9 < 60.
    j = judge(spec(value=60.0, target_year=2021), [(2020, 50.0), (2021, 59.9)])
    assert (j.status, j.status_label) == ("not_achieved", "未实现（到期）")
    assert j.forecast_value is None and j.forecast_meets_target is None
    assert "2021" in j.reason and "59.9" in j.reason


def test_past_due_target_is_judged_on_the_target_year_not_later_years() -> None:
    # Target 60 by 2021: 61 in 2021 achieves it even though 2022 fell back to 58; and the reverse is not achieved.
    assert (
        judge(spec(value=60.0, target_year=2021), [(2020, 50.0), (2021, 61.0), (2022, 58.0)]).status
        == "achieved"
    )
    late = judge(spec(value=60.0, target_year=2021), [(2020, 50.0), (2021, 58.0), (2022, 61.0)])
    assert (late.status, late.latest_value, late.latest_year) == ("not_achieved", 58.0, 2021)


def test_no_value_in_the_target_year_is_no_verdict() -> None:
    j = judge(spec(value=60.0, target_year=2021), [(2020, 50.0), (2022, 61.0)])
    assert j.status == "no_data" and "目标年 2021 没有数据" in j.reason


def test_forecast_reaching_the_target_explains_a_lagging_status() -> None:
    # Base 50 (2018), target 72 by 2024: CAGR_r = (72/50)^(1/6) − 1 = 0.0627. Values 50 (2020), 56 (2021),
    # 62 (2022): CAGR_o = (62/50)^(1/4) − 1 = 0.0553, R = 0.88 → acceleration needed. The last three points rise
    # 6 a year: 2024 = 62 + 2·6 = 74 ≥ 72, so the forecast reaches the target and the reason says why both hold.
    s = spec(value=72.0, target_year=2024, baseline_value=50.0, baseline_year=2018)
    j = judge(s, [(2018, 50.0), (2020, 50.0), (2021, 56.0), (2022, 62.0)])
    assert j.status == "acceleration_needed" and j.forecast_meets_target is True
    assert "可达到目标" in j.reason and "近年增速已足以按期实现" in j.reason


def test_missed_explicit_milestone_caps_on_track() -> None:
    # R = 1.0 as in the first case, but the explicit 2021 milestone is 65 and 60 < 65.
    j = judge(spec(milestones=(Milestone(2021, 65.0),)), [(2020, 50.0), (2021, 60.0)])
    assert (j.status, j.milestones_missed) == ("acceleration_needed", (2021,))


def test_seed_000_health_milestones() -> None:
    # 体质健康优良率: 45% 2021, 50% 2022, +2 a year 2023-2024, +1 a year 2025-2030 -> 60% in 2030.
    ms = (
        Milestone(2021, 45),
        Milestone(2022, 50),
        Milestone(2023, 52),
        Milestone(2024, 54),
        Milestone(2030, 60),
    )
    s = spec(
        value=60.0, target_year=2030, baseline_value=47.84, baseline_year=2020, milestones=ms, percent=True
    )
    path = milestone_path(s, range(2020, 2031))
    assert [path[y] for y in (2020, 2021, 2022, 2024, 2025, 2027, 2030)] == pytest.approx(
        [47.84, 45, 50, 54, 55, 57, 60]
    )


def test_range_target() -> None:
    # 生师比 between 12 and 14 from 17 (2020) by 2022: aim at 14, lower is better;
    # CAGR_r = sqrt(14/17) - 1 = -0.092524; 15.5 in 2021: CAGR_o = 15.5/17 - 1 = -0.088235; R = 0.9536.
    s = spec(comparator="range", value=12.0, value_high=14.0, baseline_value=17.0)
    j = judge(s, [(2020, 17.0), (2021, 15.5)])
    assert (j.status, j.target_value) == ("on_track", 14.0)
    assert judge(s, [(2020, 17.0), (2021, 13.0)]).status == "achieved"


def test_zero_baseline_uses_open_sdg_substitute() -> None:
    # Open SDG: a zero base becomes 0.001 so the growth rate exists.
    assert cagr(0.0, 0.002, 1) == pytest.approx(1.0)


def test_forecast_is_linear_on_last_three_points() -> None:
    # Last three: (2020, 50), (2021, 52), (2022, 54): slope 2; 2025 -> 54 + 2 * 3 = 60. 2019 is ignored.
    assert linear_forecast([(2019, 1.0), (2020, 50.0), (2021, 52.0), (2022, 54.0)], 2025) == 60.0
    assert linear_forecast([(2022, 40.0)], 2025) == 40.0  # one point: flat
    assert linear_forecast([], 2025) is None


def test_forecast_clipped_to_natural_limits() -> None:
    # 98, 98.5, 98.8 (2020-2022): mean 98.4333, slope (0.4333 + 0.3667) / 2 = 0.4; 2025 = 98.4333 + 0.4 * 4
    # = 100.0333, clipped to 100 for a percentage.
    s = spec(
        value=100.0, target_year=2025, baseline_value=None, baseline_year=None, percent=True, bounded=True
    )
    assert judge(s, [(2020, 98.0), (2021, 98.5), (2022, 98.8)]).forecast_value == 100.0
    assert linear_forecast([(2020, 98.0), (2021, 99.0), (2022, 100.0)], 2025, lower=0, upper=100) == 100.0
    # A gross ratio already above 100 is not clipped: 98, 101, 101.5: mean 100.1667, slope (2.1667 + 1.3333) / 2
    # = 1.75; 2025 = 100.1667 + 1.75 * 4 = 107.1667.
    gross = judge(s, [(2020, 98.0), (2021, 101.0), (2022, 101.5)])
    assert gross.forecast_value == pytest.approx(107.166667)


def test_recurrence_judges_only_years_after_the_baseline() -> None:
    # Baseline 2020: 2018 and 2019 (below 10) are history, not missed deadlines; 2021 (9) is missed, 2022 (11) met.
    s = spec(
        value=10.0, target_year=2025, recurrence=True, baseline_value=12.56, baseline_year=2020, percent=True
    )
    j = judge(s, [(2018, 8.0), (2019, 9.0), (2020, 12.56), (2021, 9.0), (2022, 11.0)])
    assert (j.status, j.years_met, j.milestones_missed) == ("achieved", (2022,), (2021,))


def test_baseline_year_without_data_moves_to_next_year() -> None:
    # Baseline year 2020 has no value: Open SDG takes the next year with data, 2021 (50). Target 72 in 2023:
    # CAGR_r = (72/50)^(1/2) - 1 = 0.2; 60 in 2022: CAGR_o = 0.2; R = 1.0.
    s = spec(baseline_value=None, baseline_year=2020, target_year=2023)
    j = judge(s, [(2021, 50.0), (2022, 60.0)])
    assert (j.baseline_year, j.baseline_value, j.status) == (2021, 50.0, "on_track")
    assert j.ratio == pytest.approx(1.0)
