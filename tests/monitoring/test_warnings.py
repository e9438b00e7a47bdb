"""Warnings raised and ranked on hand-made judgements."""

from __future__ import annotations

from eduplan.monitoring.progress import Milestone, TargetSpec, judge
from eduplan.monitoring.warnings import rank_warnings
from tests.monitoring.test_progress import spec


def _spec(key: str, **kw: object) -> TargetSpec:
    return spec(key=key, indicator=key, **kw)


def test_ranking_and_kinds() -> None:
    # a: 50 -> 45, R = -0.5: deteriorating; forecast 2022 = 40 (line through 50, 45) < 72.
    a = _spec("a")
    # b: 50 -> 60, R = 1.0, on track, but the explicit 2021 milestone 65 is missed (status capped).
    b = _spec("b", milestones=(Milestone(2021, 65.0),))
    # c: no data at all.
    c = _spec("c", target_year=2025)
    # d: achieved in 2020 but nothing since: data missing for 2021-2022 when judged as of 2022.
    d = _spec("d", value=40.0, target_year=2021)
    pairs = [
        (a, judge(a, [(2020, 50.0), (2021, 45.0)]), "甲"),
        (b, judge(b, [(2020, 50.0), (2021, 60.0)]), "乙"),
        (c, judge(c, []), "丙"),
        (d, judge(d, [(2020, 50.0)]), "丁"),
    ]
    warnings = rank_warnings(pairs, as_of=2022, findings={"b": ["2021 年 2 所学校缺少体质测试人数"]})
    assert [(w.kind, w.label) for w in warnings] == [
        ("off_track", "甲"),
        ("forecast_miss", "甲"),
        ("forecast_miss", "乙"),  # b: line through 50, 60 -> 70 in 2022 < 72
        ("milestone_missed", "乙"),
        ("data_missing", "丁"),  # deadline 2021 sorts before 2025
        ("data_missing", "丙"),
        ("quality", "乙"),
    ]
    assert warnings[0].message.startswith("甲：倒退")
