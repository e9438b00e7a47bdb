"""普及普惠: 毛入园率 ≥ 85%, 普惠性覆盖率 ≥ 80%, 公办园占比 ≥ 50%; a province's stricter file."""

from __future__ import annotations

import pytest

from eduplan.standards.preschool import evaluate_preschool

from .builders import YEAR, CountyBuilder

KINDER = {"staff": 50}


def _county(public: int, county: str = "990101") -> CountyBuilder:
    # Kindergartens: public `public`, 普惠性民办 200, 民办 100 pupils, classes of about 20; 3-5 岁 population 700.
    b = CountyBuilder(county=county)
    for i, (own, n) in enumerate((("public", public), ("private_inclusive", 200), ("private", 100)), start=1):
        b.school(
            f"{county}0{i:03d}",
            "preschool",
            n,
            KINDER,
            school_type="kindergarten",
            ownership=own,
            classes=n // 20,
        )
    b.population += [
        {"township": b.town, "year": YEAR, "age": a, "population": p}
        for a, p in ((3, 240), (4, 230), (5, 230))
    ]
    return b


def test_three_rates_by_hand() -> None:
    # GER 600/700 = 0.857; inclusive (300+200)/600 = 0.833; public 300/600 = 0.5 (exactly the threshold).
    result = evaluate_preschool(_county(300).build(), "990101", YEAR)
    rates = {i.code: i for i in result.items}
    assert rates["preschool_ger"].value == pytest.approx(600 / 700)
    assert rates["preschool_inclusive_share"].value == pytest.approx(500 / 600)
    assert rates["preschool_public_share"].value == pytest.approx(0.5)
    assert {
        rates[c].status for c in ("preschool_ger", "preschool_inclusive_share", "preschool_public_share")
    } == {"pass"}
    assert rates["township_public_centre"].status == "pass"
    assert rates["class_size"].status == "pass"  # at most 22.7 (小班), 22 (中班), 33 (大班) a class
    assert rates["staff_ratio"].status == "pass"  # 600 pupils / 150 staff = 4 ≤ 7
    assert result.verdict == "pass"


def test_public_share_below_half_fails() -> None:
    # Public 250: 250/550 = 0.4545 < 0.5.
    result = evaluate_preschool(_county(250).build(), "990101", YEAR)
    rates = {i.code: i for i in result.items}
    assert rates["preschool_public_share"].status == "fail"
    assert result.verdict == "fail"


def test_province_file_is_stricter_without_code_change() -> None:
    # The same county in 河南 (41): data/provinces/41.yaml raises 毛入园率 to 90%; 0.857 fails there.
    result = evaluate_preschool(_county(300, county="410101").build(), "410101", YEAR)
    ger = next(i for i in result.items if i.code == "preschool_ger")
    assert ger.threshold == 0.90
    assert ger.status == "fail"
    assert result.province_file is not None and result.province_file.endswith("41.yaml")
