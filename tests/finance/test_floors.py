"""Each school's floor, worked out by hand: 63 pupils funded as 100, boarders, special pupils, a county override."""

from __future__ import annotations

from typing import Any

import polars as pl
import pytest

from eduplan.facts import TABLES, Facts
from eduplan.finance.floors import (
    assess,
    county_totals,
    floors,
    need_ahead,
    rule_codes,
    rule_text,
    school_floors,
    stage_counts,
    underfunded,
)
from eduplan.finance.rules import _national, resolve

from .builders import RURAL_JUNIOR, RURAL_PRIMARY, SPECIAL, URBAN_JUNIOR, small_county


def national(county: str) -> Any:
    """The national rules alone (no province or county file), for fixtures independent of the demo's files."""
    return resolve(_national(), county)


def _one(facts: Facts, school: str, year: int = 2024, rules_of: Any = None) -> dict[str, Any]:
    result = school_floors(facts, rules_of or national)
    return result.schools.filter((pl.col("school") == school) & (pl.col("year") == year)).row(0, named=True)


@pytest.fixture(scope="module")
def county() -> Facts:
    return small_county()


def test_school_of_63_pupils_is_funded_as_100_with_special_pupils_and_boarders(county: Facts) -> None:
    # National 2024 (中西部): 100 counted − 3 disabled = 97 × 600 + 3 × 6000 + 20 boarders × 200 = 80,200.
    row = _one(county, RURAL_PRIMARY)
    assert (row["pupils"], row["counted_pupils"], row["disabled"], row["boarders"]) == (63, 100, 3, 20)
    assert row["floor"] == 80_200
    result = school_floors(county, national)
    text = rule_text(row, result.parts)
    assert (
        text
        == "小学 97 人 × 600 元 + 随班就读残疾学生 3 人 × 6000 元 + 寄宿生（另加） 20 人 × 200 元；不足 100 人按 100 人核定（实有 63 人）"
    )
    assert rule_codes(row, result.parts) == ["small_school", "special", "boarding"]


def test_the_same_school_in_town_is_funded_on_its_pupils() -> None:
    facts = small_county()
    facts.schools = facts.schools.with_columns(
        pl.when(pl.col("code") == RURAL_PRIMARY)
        .then(pl.lit("town"))
        .otherwise(pl.col("locale"))
        .alias("locale")
    )
    # 60 × 600 + 3 × 6000 + 20 × 200 = 58,000: the small-school rule covers 乡村 only.
    row = _one(facts, RURAL_PRIMARY)
    assert (row["counted_pupils"], row["floor"]) == (63, 58_000)


def test_special_school_pupils_at_6000_and_boarders_on_top(county: Facts) -> None:
    # 40 × 6000 + 10 × 200 = 242,000.
    assert _one(county, SPECIAL)["floor"] == 242_000


def test_county_override_funds_a_rural_junior_school_as_500_and_raises_the_rate(county: Facts) -> None:
    # Demo rules for 990101 (示例县, after 南丰县): 农村初中 under 500 counted as 500; 初中 800 × 1.1³ = 1064.8.
    from eduplan.finance.rules import rules_for

    row = _one(county, RURAL_JUNIOR, rules_of=rules_for)
    assert (row["pupils"], row["counted_pupils"], row["floor"]) == (300, 500, 532_400)
    assert (
        _one(county, URBAN_JUNIOR, rules_of=rules_for)["floor"] == 319_440
    )  # 300 × 1064.8: urban, no minimum
    assert _one(county, RURAL_JUNIOR)["floor"] == 240_000  # national: 300 × 800, 初中 minimum 100


def test_a_nine_year_school_shares_the_added_pupils_between_its_stages() -> None:
    rows = [{"school": "9901010009", "year": 2024, "stage": s, "grade": 1, "enrollment": n}
            for s, n in (("primary", 40), ("junior", 20))]  # fmt: skip
    facts = Facts.empty()
    facts.schools = TABLES["schools"].frame([{"code": "9901010009", "name": "九年一贯制", "township": "990101002",
                                              "school_type": "nine_year", "ownership": "public", "locale": "rural"}])  # fmt: skip
    facts.grade_year = TABLES["grade_year"].frame(rows)
    # 60 pupils counted as 100: the 40 added split 2:1 → 66.67 × 600 + 33.33 × 800 = 40,000 + 26,666.67.
    result = floors(stage_counts(facts), facts.schools, national)
    assert result.schools["floor"].to_list() == [66_666.67]
    assert result.parts.sort("part")["count"].round(2).to_list() == [33.33, 66.67]


def test_coverage_and_missing_standards() -> None:
    facts = Facts.empty()
    kinds = [("9901010011", "kindergarten", "public", "preschool"), ("9901010012", "kindergarten", "private", "preschool"),
             ("9901010013", "senior", "public", "senior")]  # fmt: skip
    facts.schools = TABLES["schools"].frame(
        [{"code": c, "name": c, "township": "990101001", "school_type": t, "ownership": o, "locale": "urban"}
         for c, t, o, _ in kinds]
    )  # fmt: skip
    facts.grade_year = TABLES["grade_year"].frame(
        [
            {"school": c, "year": y, "stage": s, "grade": 1, "enrollment": 100}
            for c, _, _, s in kinds
            for y in (2023, 2024)
        ]
    )
    result = floors(stage_counts(facts), facts.schools, national).schools
    # Only the public kindergarten, only from 2024 (600 × 100); the private one is not covered; 普通高中 has no
    # national floor (a province file sets it).
    assert result.select("school", "year", "floor").rows() == [("9901010011", 2024, 60_000.0)]
    from eduplan.finance.rules import rules_for

    senior = floors(stage_counts(facts), facts.schools, rules_for).schools.filter(
        pl.col("school") == "9901010013"
    )
    assert senior["floor"].to_list() == [100_000.0, 100_000.0]  # 示例省: 1000 元


def test_allocation_gap_status_and_since(county: Facts) -> None:
    from eduplan.finance.rules import rules_for

    result = school_floors(county, rules_for).schools
    by = {(r["school"], r["year"]): r for r in result.iter_rows(named=True)}
    primary = by[RURAL_PRIMARY, 2024]  # 97 × 798.6 + 3 × 6000 + 20 × 200 = 99,464.20 against 90,000
    assert (primary["floor"], primary["allocated"], primary["gap"], primary["status"], primary["since"]) == (
        99_464.2, 90_000, 9_464.2, "under", 2023)  # fmt: skip
    assert (by[RURAL_JUNIOR, 2024]["gap"], by[RURAL_JUNIOR, 2024]["since"]) == (212_960, 2024)
    assert by[RURAL_JUNIOR, 2023]["status"] == "ok"  # allocated exactly the floor
    assert (by[URBAN_JUNIOR, 2024]["gap"], by[URBAN_JUNIOR, 2024]["status"]) == (0, "ok")
    special = by[SPECIAL, 2024]  # no allocation reported: neither met nor missed
    assert (special["status"], special["gap"], special["since"]) == ("unknown", None, None)
    totals = county_totals(result.filter(pl.col("year") == 2024)).row(0, named=True)
    assert (totals["floor"], totals["allocated"], totals["gap"], totals["under"], totals["unknown"]) == (
        1_193_304.2, 729_440, 222_424.2, 2, 1)  # fmt: skip
    assert underfunded(result, 2024)["school"].to_list() == [RURAL_JUNIOR, RURAL_PRIMARY]


def test_a_run_of_gaps_breaks_at_a_year_without_data() -> None:
    floors_frame = pl.DataFrame(
        {"school": ["s"] * 4, "year": [2020, 2021, 2023, 2024], "floor": [100.0] * 4},
    )
    allocation = TABLES["school_finance"].frame(
        [
            {"school": "s", "year": y, "allocated": a}
            for y, a in ((2020, 90), (2021, 90), (2023, 90), (2024, 90))
        ]
    )
    from eduplan.finance.floors import Floors

    result = assess(Floors(floors_frame, pl.DataFrame()), allocation).schools
    assert result["since"].to_list() == [2020, 2020, 2023, 2023]  # 2022 missing: a new run from 2023


def test_need_ahead_from_a_flat_forecast(county: Facts) -> None:
    # A forecast that keeps every stage as in 2024: the need is the 2024 floors at each year's rates.
    forecast = pl.DataFrame(
        [{"unit": s, "year": y, "stage": st, "grade": 1, "enrollment": n, "low": n - 10.0, "high": n + 10.0}
         for s, st, n in ((RURAL_PRIMARY, "primary", 63.0), (URBAN_JUNIOR, "junior", 300.0)) for y in (2025, 2026)]
    )  # fmt: skip
    ahead = need_ahead(county, forecast, 2024, national)
    rows = {r["year"]: r for r in ahead.iter_rows(named=True)}
    # 2024: 80,200 + 240,000 + 240,000 + 242,000 = 802,200 (national rules); the forecast years hold the same
    # pupils (the rural junior and special schools, not forecast, are held at 2024).
    assert rows[2024]["need"] == 802_200 and rows[2024]["allocated"] == 729_440
    assert rows[2025]["need"] == rows[2026]["need"] == 802_200
    # Low: 53 pupils, disabled and boarders at 2024's shares (3 and 20 of 63), still counted as 100:
    # (100 − 3 × 53/63) × 600 + 3 × 53/63 × 6000 + 20 × 53/63 × 200 = 76,993.65; the junior school 290 × 800.
    disabled, boarders = 3 * 53 / 63, 20 * 53 / 63
    low_primary = (100 - disabled) * 600 + disabled * 6000 + boarders * 200
    assert round(low_primary, 2) == 76_993.65
    assert rows[2025]["need_low"] == round(low_primary + 290 * 800 + 240_000 + 242_000, 2) == 790_993.65
