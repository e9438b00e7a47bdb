"""The report's 评价, 进度 and 说明 of a target, and number formatting: exact values worked out by hand."""

from __future__ import annotations

from dataclasses import replace

import pytest

from eduplan.monitoring.progress import STATUSES
from eduplan.reports.content import TargetLine
from eduplan.reports.numbers import difference, money, num
from eduplan.reports.ratings import RATINGS, STATUS_RATINGS, counts, gap, note, progress, rating

# 学前三年毛入园率（农村）: 84% in 2021, 86% in 2024, ≥ 90% by 2025.
RURAL = TargetLine(
    number=2, label="学前三年毛入园率（农村）", unit="%", comparator="ge", target_value=90.0, target_year=2025,
    status="limited", baseline_value=84.0, baseline_year=2021, latest_value=86.0, latest_year=2024, ratio=0.45,
    forecast_value=86.5, source="manual",
)  # fmt: skip


def test_every_progress_status_has_a_rating() -> None:
    assert set(STATUSES) <= set(STATUS_RATINGS)
    assert set(STATUS_RATINGS.values()) <= set(RATINGS)
    # Issue 10's statuses are mapped already: 未实现（到期） and 无法评估.
    assert STATUS_RATINGS["not_achieved"] == "未实现（到期）" and STATUS_RATINGS["incomplete"] == "无法评估"


@pytest.mark.parametrize(
    ("status", "ratio", "latest_year", "word"),
    [
        ("achieved", None, 2024, "提前实现"),  # met before the target year
        ("achieved", None, 2025, "已实现"),  # met in the target year
        ("on_track", 1.0, 2024, "快于预期"),  # growing exactly as fast as required: at the required path
        ("on_track", 1.3, 2024, "快于预期"),
        ("on_track", 0.97, 2024, "基本符合预期"),  # within the measure's 5% tolerance
        ("on_track", None, 2024, "基本符合预期"),  # one data point that met its year's milestone
        ("acceleration_needed", 0.8, 2024, "滞后"),
        ("limited", 0.45, 2024, "滞后"),
        ("deteriorating", -0.2, 2024, "滞后"),
        ("not_achieved", None, 2025, "未实现（到期）"),
        ("no_data", None, None, "无法评估"),
        ("a_status_from_the_future", None, 2024, "无法评估"),  # never a pass or fail on what we do not know
    ],
)
def test_rating(status: str, ratio: float | None, latest_year: int | None, word: str) -> None:
    assert rating(replace(RURAL, status=status, ratio=ratio, latest_year=latest_year)) == word


def test_progress_is_the_share_of_the_planned_change() -> None:
    # (86 − 84) / (90 − 84) = 2 / 6 = 33.3%
    assert progress(RURAL) == "33.3%"
    assert progress(replace(RURAL, status="achieved")) == "已达到"
    assert progress(replace(RURAL, latest_value=None)) == "—"
    assert progress(replace(RURAL, baseline_value=90.0)) == "—"  # no planned change to measure against
    # A yearly target: 3 years met, 2022 missed.
    yearly = replace(RURAL, recurrence=True, years_met=(2021, 2023, 2024), milestones_missed=(2022,))
    assert progress(yearly) == "3/4年达标"
    # Moving away from the target shows as a negative share: (82 − 84) / 6 = −33.3%.
    assert progress(replace(RURAL, latest_value=82.0)) == "-33.3%"


def test_note_and_gap() -> None:
    assert note(RURAL, "滞后") == "实际年均增长率为所需的45%；按近期趋势预计2025年为86.5%；数据为手工填报"
    assert gap(RURAL) == 4.0
    # A lower-is-better target: 大班额比例 8% now, ≤ 5% wanted: 3 points still to go.
    lower = replace(RURAL, comparator="le", target_value=5.0, latest_value=8.0)
    assert gap(lower) == 3.0
    stalled = replace(RURAL, ratio=0.0, baseline_value=84.62, baseline_year=2020, source="computed")
    assert note(stalled, "滞后").startswith("较2020年（84.62%）没有提高")
    missed = replace(
        RURAL, milestones_missed=(2023, 2024), milestone_value=88.0, ratio=1.2, source="computed"
    )
    assert note(missed, "滞后").startswith(
        "2023、2024年未达到年度目标（2024年应为88%）；实际年均增长率为所需的120%"
    )
    unknown = replace(RURAL, status="no_data", reason="没有该指标的数据", forecast_value=None, source="none")
    assert note(unknown, "无法评估") == "没有该指标的数据"


def test_target_text() -> None:
    assert RURAL.target_text() == "≥90%"
    assert replace(RURAL, recurrence=True, target_value=10.0).target_text() == "每年≥10%"
    assert replace(RURAL, comparator="range", value_high=98.0).target_text() == "90%—98%"
    assert (
        replace(RURAL, comparator="change", step=2.0, target_value=60.0).target_text()
        == "每年+2个百分点（至60%）"
    )


def test_counts_keep_every_rating_in_order() -> None:
    lines = [RURAL, replace(RURAL, status="achieved"), replace(RURAL, status="no_data")]
    assert counts(lines) == {"提前实现": 1, "已实现": 0, "快于预期": 0, "基本符合预期": 0, "滞后": 1,
                             "未实现（到期）": 0, "无法评估": 1}  # fmt: skip


def test_numbers() -> None:
    assert num(101.89, "%") == "101.89%" and num(86.0, "%") == "86%" and num(None) == "—"
    assert num(1071.4, "个") == "1,071个" and num(0.0, "%") == "0%"
    assert difference(-5.38, "%") == "5.38个百分点" and difference(12, "人") == "12人"
    assert money(12_420_000) == "1,242.0万元" and money(1_191_000_000) == "11.91亿元"
