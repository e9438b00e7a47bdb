"""目标分解 on the two counties (see conftest.py): 大班额比例 ≤ 50% judged for each county and the city."""

from __future__ import annotations

from eduplan.facts import Facts
from eduplan.monitoring.progress import TargetSpec
from eduplan.region.compare import comparison, coverage
from eduplan.region.source import indicator_values
from eduplan.region.targets import indicator_breakdown, standard_breakdown
from tests.region.conftest import CITY, JIA, YI, two_counties

SPEC = TargetSpec("t1", "large_class_share", "le", 50.0, 2025, direction="lower")


def _breakdown(facts: Facts):
    table = comparison(indicator_values(facts, ["large_class_share"]), coverage(facts, CITY, 2024, [JIA, YI]))
    return indicator_breakdown(SPEC, "大班额比例不高于50%", table, CITY)


def test_each_county_and_the_city_against_an_indicator_target(two: Facts) -> None:
    b = _breakdown(two)
    parts = {p.county: (p.status, round(p.value or 0, 2)) for p in b.parts}
    assert parts == {JIA: ("pass", 33.33), YI: ("fail", 100.0)}
    assert (b.status, b.value, b.status_name) == ("pass", 50.0, "达标")  # 12/24 = 50% ≤ 50%
    assert (b.count("pass"), b.count("fail")) == (1, 1)


def test_an_incomplete_county_and_the_city_are_undecided() -> None:
    b = _breakdown(two_counties(drop_yi_school_year=2024))
    yi = next(p for p in b.parts if p.county == YI)
    assert (yi.status, yi.status_name, yi.note) == ("incomplete", "无法评估", "当年数据不完整")
    assert b.status == "incomplete"


def test_a_count_of_counties_passing_a_standard() -> None:
    verdicts = {"a": ("pass", ""), "b": ("incomplete", "缺数据"), "c": ("fail", "校舍不足")}
    assert standard_breakdown("2个以上", 2027, verdicts, at_least=2).status == "incomplete"  # b may pass
    assert standard_breakdown("1个以上", 2027, verdicts, at_least=1).status == "pass"
    worse = verdicts | {"b": ("fail", "")}
    b = standard_breakdown("2个以上", 2027, worse, at_least=2)
    assert (b.status, b.note) == ("fail", "已达标 1 县，需 2 县")
    named = standard_breakdown("力争c县创建", 2025, verdicts, named=("c",))
    assert (named.status, [p.county for p in named.parts]) == ("fail", ["c"])
    assert standard_breakdown("x", 2025, verdicts, named=("z",)).parts[0].note == "未评估"


def test_before_the_target_year_a_target_not_met_is_not_yet_reached(two: Facts) -> None:
    early = TargetSpec("t2", "large_class_share", "le", 40.0, 2027, direction="lower")
    table = comparison(indicator_values(two, ["large_class_share"]), coverage(two, CITY, 2024, [JIA, YI]))
    b = indicator_breakdown(early, "到2027年大班额比例不高于40%", table, CITY)
    assert (b.status, b.status_name, b.year) == ("fail", "尚未达到", 2027)  # 50% in 2024, due in 2027
    yearly = TargetSpec("t3", "large_class_share", "le", 40.0, 2027, direction="lower", recurrence=True)
    assert indicator_breakdown(yearly, "每年", table, CITY).status_name == "未达标"
    verdicts = {"a": ("fail", "")}
    assert standard_breakdown("x", 2027, verdicts, at_least=1, as_of=2024).status_name == "尚未达到"
    assert standard_breakdown("x", 2027, verdicts, at_least=1, as_of=2027).status_name == "未达标"
