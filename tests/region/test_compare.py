"""The city row is a ratio of sums; county rows, completeness, ranking and spread (values worked by hand, see
conftest.py)."""

from __future__ import annotations

import pytest

from eduplan.facts import Facts
from eduplan.region.compare import comparison, coverage, region_counties, spread
from eduplan.region.source import indicator_values
from tests.region.conftest import CITY, JIA, YI, two_counties


def _rows(facts: Facts, year: int, code: str = "large_class_share") -> dict[str, dict]:
    cover = coverage(facts, CITY, year, region_counties(facts, CITY))
    table = comparison(indicator_values(facts, [code]), cover)
    return {r["unit"]: r for r in table.iter_rows(named=True)}


def test_counties_of_a_city_and_of_its_province(two: Facts) -> None:
    assert region_counties(two, CITY) == [JIA, YI]
    assert region_counties(two, "99") == [JIA, YI]


def test_city_value_is_a_ratio_of_sums_not_an_average(two: Facts) -> None:
    rows = _rows(two, 2024)
    assert rows[JIA]["value"] == pytest.approx(100 * 6 / 18)
    assert rows[YI]["value"] == pytest.approx(100.0)
    city = rows[CITY]
    assert (city["numerator"], city["denominator"]) == (12, 24)
    assert city["value"] == pytest.approx(50.0)  # the mean of the two rates would be 66.67
    assert city["level"] == "city"
    assert (city["counties"], city["complete_counties"], city["complete"]) == (2, 2, True)
    # 大班额 is better lower: 甲县 33.3% ranks first, 乙县 100% second; the city is not ranked.
    assert (rows[JIA]["rank"], rows[YI]["rank"], city["rank"]) == (1, 2, None)


def test_an_incomplete_county_is_labelled_unranked_and_the_city_says_what_it_covers() -> None:
    facts = two_counties(drop_yi_school_year=2024)
    rows = _rows(facts, 2024)
    assert rows[YI]["complete"] is False
    assert rows[YI]["data"] == "数据不完整（已报 0/1 所）"
    assert rows[YI]["rank"] is None and rows[JIA]["rank"] == 1
    city = rows[CITY]
    assert (city["counties"], city["complete_counties"], city["complete"]) == (2, 1, False)
    assert city["data"] == "覆盖 2 县，1 县数据完整"
    cover = coverage(facts, CITY, 2024, [JIA, YI])
    assert cover.label({YI: "乙县"}) == "覆盖 2 县：1 县数据完整，乙县数据不完整（已报 0/1 所）"
    # 2023 is untouched: complete.
    assert _rows(facts, 2023)[CITY]["complete"] is True


def test_a_missing_input_leaves_the_city_without_a_value(two: Facts) -> None:
    """Ages 3-5 are known for 甲县's first township only (甲县's second lacks 3 ages, 乙县's two lack 6): the
    city has no 学前三年毛入园率 and says why."""
    rows = _rows(two, 2024, "preschool_ger")
    assert rows[CITY]["value"] is None
    assert rows[CITY]["reason"] == "分母“3—5周岁常住人口”缺少 9 项数据"


def test_spread_over_ranked_counties(two: Facts) -> None:
    cover = coverage(two, CITY, 2024, [JIA, YI])
    table = comparison(indicator_values(two, ["large_class_share"]), cover)
    row = spread(table, CITY).row(0, named=True)
    assert row["ranked"] == 2
    assert row["min"] == pytest.approx(100 / 3) and row["max"] == pytest.approx(100.0)
    assert row["median"] == pytest.approx((100 / 3 + 100) / 2)
    assert row["max_over_min"] == pytest.approx(3.0)


def test_map_values_by_county_township_and_school() -> None:
    """大班额 2024 by township: 甲县 T1 6/12 (primary 0 of 6, junior 6 of 6) = 50%, T2 0/6 = 0%; 乙县 T1 6/6.
    With 乙县's year incomplete its township and school have no value to colour."""
    from eduplan.region.compare import area_values, school_values

    facts = two_counties(drop_yi_school_year=2024)
    values = indicator_values(facts, ["large_class_share"])
    cover = coverage(facts, CITY, 2024, [JIA, YI])
    towns = area_values(values, facts, cover, "large_class_share", "township")
    assert towns.select("unit", "value", "complete").rows() == [
        ("990101001", 50.0, True), ("990101002", 0.0, True), ("990102001", None, False),
        ("990102002", None, False),  # 乙县's second township has no school
    ]  # fmt: skip
    counties = area_values(values, facts, cover, "large_class_share", "county")
    assert counties.select("unit", "name").rows() == [(JIA, "示例县"), (YI, "乙县")]
    schools = school_values(values, facts, cover, "large_class_share")
    assert schools.select("unit", "value", "longitude").rows() == [
        ("1399010001", 0.0, 114.0), ("1399010002", 100.0, 114.02), ("1399010003", 0.0, 114.1),
        ("1399020002", None, 114.6),
    ]  # fmt: skip
