"""普及普惠 (教督〔2020〕1号 as the provinces publish it): the three rates, 班额达标率 ≥ 85%, 专任教师:幼儿 ≥ 1:15,
持证上岗 100%, the facility, funding and pay items; a province's stricter file."""

from __future__ import annotations

from typing import Any

import pytest

from eduplan.standards.items import Entry
from eduplan.standards.preschool import evaluate_preschool

from .builders import YEAR, CountyBuilder

# 40 专任教师 (all certified) and 5 000 m² of buildings per kindergarten.
KINDER = {"staff": 50, "teachers": 40, "teachers_certified": 40, "area_building": 5000.0}
ENTERED = ("plan", "community_kindergartens", "funding", "facility_outdoor", "facility_activity_rooms",
           "no_primary_school_style", "teacher_management", "certified")  # fmt: skip


def _county(public: int, county: str = "990101", resources: dict[str, Any] | None = None) -> CountyBuilder:
    # Kindergartens: public `public`, 普惠性民办 200, 民办 100 pupils, classes of about 20; 3-5 岁 population 700.
    b = CountyBuilder(county=county)
    for i, (own, n) in enumerate((("public", public), ("private_inclusive", 200), ("private", 100)), start=1):
        b.school(f"{county}0{i:03d}", "preschool", n, resources or KINDER, school_type="kindergarten",
                 ownership=own, classes=n // 20)  # fmt: skip
    for school in b.schools:
        school["opened_year"] = 2010
    b.population += [
        {"township": b.town, "year": YEAR, "age": a, "population": p}
        for a, p in ((3, 240), (4, 230), (5, 230))
    ]
    return b


def _items(b: CountyBuilder, entered: dict[str, Entry] | None = None) -> dict[str, Any]:
    return {i.code: i for i in evaluate_preschool(b.build(), b.county, YEAR, entered).items}


def test_three_rates_by_hand() -> None:
    # GER 600/700 = 0.857; inclusive (300+200)/600 = 0.833; public 300/600 = 0.5 (exactly the threshold).
    items = _items(_county(300))
    assert items["preschool_ger"].value == pytest.approx(600 / 700)
    assert items["preschool_inclusive_share"].value == pytest.approx(500 / 600)
    assert items["preschool_public_share"].value == pytest.approx(0.5)
    assert {
        items[c].status for c in ("preschool_ger", "preschool_inclusive_share", "preschool_public_share")
    } == {"pass"}
    assert items["township_public_centre"].status == "pass"


def test_public_share_below_half_fails() -> None:
    # Public 250: 250/550 = 0.4545 < 0.5.
    result = evaluate_preschool(_county(250).build(), "990101", YEAR)
    assert next(i for i in result.items if i.code == "preschool_public_share").status == "fail"
    assert result.verdict == "fail"


def test_class_size_compliance_counts_classes_by_hand() -> None:
    # One kindergarten, grades given directly. 小班 52 in 2 classes → 26 + 26: both over 25; 中班 61 in 2 →
    # 30 + 31: one over 30; 大班 70 in 2 → 35 + 35: none over 35. Compliant 6 − 3 = 3 of 6 = 50% < 85%.
    b = _county(300)
    b.grade_year = [g for g in b.grade_year if g["school"] != "9901010001"]
    b.grade_year += [{"school": "9901010001", "year": YEAR, "stage": "preschool", "grade": g, "enrollment": e,
                      "classes": 2} for g, e in ((1, 52), (2, 61), (3, 70))]  # fmt: skip
    # The other two kindergartens (from _county): 200 in 4+3+3 classes and 100 in 2+2+1, all within their
    # limits (17, 22, 22 and 17, 16/17, 33): 15 more compliant classes → (3 + 15) / (6 + 15) = 18/21 = 0.857.
    item = _items(b)["class_size_compliance"]
    assert (item.value, item.threshold) == (pytest.approx(18 / 21), 0.85)
    assert item.status == "pass" and item.detail.startswith("达标班级 18/21")
    # 小班 156 in 6 classes instead: 26 each, all 6 over → over 6 + 1 = 7 of 6 + 2 + 2 + 15 = 25 → 18/25 = 0.72.
    b.grade_year[-3] |= {"enrollment": 156, "classes": 6}
    worse = _items(b)["class_size_compliance"]
    assert (worse.value, worse.status, worse.failing) == (pytest.approx(0.72), "fail", ["9901010001"])


def test_teacher_child_ratio_is_children_per_teacher() -> None:
    # 600 children / 120 专任教师 = 5 per teacher: 1:5 meets 1:15. With 10 teachers per kindergarten:
    # 600 / 30 = 20 per teacher, worse than 1:15.
    item = _items(_county(300))["teacher_child_ratio"]
    assert (item.value, item.threshold, item.status) == (5.0, 15.0, "pass")
    assert (item.text(item.value), item.text(item.threshold)) == ("1:5", "1:15")
    few = _items(_county(300, resources=KINDER | {"teachers": 10, "teachers_certified": 10}))[
        "teacher_child_ratio"
    ]
    assert (few.value, few.status) == (20.0, "fail")


def test_certification_needs_the_principals_checked_by_hand() -> None:
    # Every teacher certified (120/120): the statistics do not count 园长, so the item waits for an entry.
    items = _items(_county(300))
    assert (items["certified"].status, items["certified"].value) == ("pending", 1.0)
    assert "园长" in items["certified"].missing[0]
    assert _items(_county(300), {"certified": Entry(True, "园长持证核查表")})["certified"].status == "pass"
    # One uncertified teacher in each kindergarten (117/120): fails whatever the entry says.
    one_short = _county(300, resources=KINDER | {"teachers_certified": 39})
    assert _items(one_short, {"certified": Entry(True, "x")})["certified"].status == "fail"


def test_building_area_by_era() -> None:
    # 10.44 m² per child: 300 children need 3 132 m²; with 3 000 m² the public kindergarten (opened 2010)
    # falls short, 2 of 3 older kindergartens meet it (67% ≥ 50%): pass. Opened in 2018 it must meet it: fail.
    b = _county(300, resources=KINDER | {"area_building": 3000.0})
    item = _items(b)["facility_building"]
    assert (item.status, item.value, item.failing) == ("pass", pytest.approx(2 / 3), ["9901010001"])
    b.schools[0]["opened_year"] = 2018
    assert _items(b)["facility_building"].status == "fail"


def test_passes_only_when_every_item_is_decided() -> None:
    b = _county(300)
    b.reported += [
        {"unit": "990101", "year": YEAR, "indicator": "preschool_social_recognition", "value": 92.0},
        {"unit": "990101", "year": YEAR, "indicator": "preschool_pay_parity", "value": 0.8},
    ]
    entered = {code: Entry(True, "佐证") for code in ENTERED}
    result = evaluate_preschool(b.build(), "990101", YEAR, entered)
    assert result.verdict == "pass", result.missing
    del entered["funding"]
    result = evaluate_preschool(b.build(), "990101", YEAR, entered)
    assert result.verdict == "incomplete"
    assert result.missing == [
        "公办园生均公用经费财政拨款标准和普惠性民办园生均财政补助标准已制定并落实：尚未录入判定与佐证"
    ]


def test_the_invented_rules_are_gone() -> None:
    # No "every grade's average within the limit" rule and no 教职工:幼儿 ≤ 1:7 rule decide anything.
    codes = set(_items(_county(300)))
    assert not codes & {"class_size", "staff_ratio"}
    assert {
        "class_size_compliance",
        "teacher_child_ratio",
        "certified",
        "pay_parity",
        "social_recognition",
    } <= codes


def test_json_fixed_point() -> None:
    data = evaluate_preschool(_county(300).build(), "990101", YEAR).to_json()
    assert data["verdict"] in ("pass", "fail", "incomplete") and data["year"] == YEAR
    items = {i["code"]: i for i in data["items"]}
    assert all({"code", "status", "value", "threshold"} <= set(i) for i in data["items"])
    assert (
        items["class_size_compliance"]["threshold"] == 0.85 and items["class_size_compliance"]["value"] == 1.0
    )
    assert items["teacher_child_ratio"]["threshold"] == 15 and items["teacher_child_ratio"]["value"] == 5.0


def test_province_file_is_stricter_without_code_change() -> None:
    # The same county in 河南 (41): data/provinces/41.yaml raises 毛入园率 to 90%; 0.857 fails there.
    result = evaluate_preschool(_county(300, county="410101").build(), "410101", YEAR)
    ger = next(i for i in result.items if i.code == "preschool_ger")
    assert ger.threshold == 0.90
    assert ger.status == "fail"
    assert result.province_file is not None and result.province_file.endswith("41.yaml")
