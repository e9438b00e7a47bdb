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


def test_a_count_split_among_counties_and_the_parts_checked_against_the_whole() -> None:
    from eduplan.region.targets import Assigned, assigned_breakdown

    # 新增学位 1000 split 400 + 300 + 200 = 900: 100 short of the whole; done 450 + 300 + 100 = 850 < 1000
    parts = {"a": Assigned(400, 450), "b": Assigned(300, 300), "c": Assigned(200, 100)}
    b = assigned_breakdown("新增学位1000个", 2025, "count", parts, 2025, total=1000)
    assert [(p.county, p.status, p.target, p.value) for p in b.parts] == [
        ("a", "pass", 400, 450), ("b", "pass", 300, 300), ("c", "fail", 200, 100)
    ]  # fmt: skip
    assert (b.status, b.value, b.target) == ("fail", 850, 1000)
    assert b.mismatch == "各县分解之和 900 少于全市目标 1000（相差 100）"
    assert b.note == "各县合计完成 850，全市目标 1000"
    # before 2025 the county short of its part has not yet reached it
    early = assigned_breakdown("新增学位1000个", 2025, "count", parts, 2024, total=1000)
    assert early.parts[2].status_name == "尚未达到"


def test_an_unreported_county_leaves_a_count_undecided_until_the_others_reach_it() -> None:
    from eduplan.region.targets import Assigned, assigned_breakdown

    parts = {"a": Assigned(3, 4), "b": Assigned(3, None)}
    b = assigned_breakdown(
        "各县至少3个", 2027, "count", parts, 2027
    )  # no city total: the sum of the parts, 6
    assert (b.status, b.target, b.mismatch, b.parts[1].note) == ("incomplete", 6, "", "未报进度")
    assert b.note == "各县合计完成 4，各县分解之和 6；1 县未报进度"
    done = assigned_breakdown("全市至少4个", 2027, "count", parts, 2027, total=4)
    assert done.status == "pass" and done.mismatch == "各县分解之和 6 多于全市目标 4（相差 2）"


def test_a_named_countys_own_commitment_and_a_rate_for_every_county() -> None:
    from eduplan.region.targets import Assigned, assigned_breakdown

    own = assigned_breakdown(
        "恩平市至少新创建5个基础教育集团", 2025, "count", {"e": Assigned(5, 2, own=True)}, 2024, 5
    )
    assert (own.parts[0].own, own.status, own.status_name) == (True, "fail", "尚未达到")
    rates = {"a": Assigned(5, 6.5), "b": Assigned(5, 4.0), "c": Assigned(5, None, complete=False)}
    r = assigned_breakdown("交流轮岗不低于5%", 2027, "rate", rates, 2027, total=5, whole=5.4)
    assert [p.status for p in r.parts] == ["pass", "fail", "incomplete"]
    assert r.status == "incomplete"  # c's year is incomplete: the city's 5.4 is not judged
    del rates["c"]
    assert assigned_breakdown("x", 2027, "rate", rates, 2027, total=5, whole=5.4).status == "pass"
    low = assigned_breakdown(
        "大班额不高于1%", 2027, "rate", {"a": Assigned(1, 0.5)}, 2027, 1, higher=False, whole=0.5
    )
    assert low.parts[0].status == "pass" and low.status == "pass"


def test_without_a_city_total_one_countys_surplus_covers_no_other() -> None:
    from eduplan.region.targets import Assigned, assigned_breakdown

    # 各县至少 1 个: 2 + 0 = 2 ≥ 1 + 1, yet b has none
    b = assigned_breakdown("各县全覆盖", 2027, "count", {"a": Assigned(1, 2), "b": Assigned(1, 0)}, 2027)
    assert (b.status, b.value, b.target) == ("fail", 2, 2)
