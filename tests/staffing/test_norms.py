"""编制 and subject posts by the norms: hand-worked fixtures (the arithmetic in the comments)."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from eduplan.errors import ConfigError, NotFound
from eduplan.facts import TABLES, Facts
from eduplan.staffing.norms import establishment, load_norms, subject_demand
from eduplan.staffing.posts import county_totals, establishment_table, outlook, subject_table

APPROX = pytest.approx


def classes(rows: list[tuple[str, str, int, int]]) -> pl.DataFrame:
    return pl.DataFrame(
        rows,
        schema={"school": pl.String, "stage": pl.String, "grade": pl.Int64, "classes": pl.Int64},
        orient="row",
    )


def demand_of(frame: pl.DataFrame) -> dict[tuple[str, str], float]:
    return {(r["school"], r["pool"]): r["required"] for r in frame.iter_rows(named=True)}


def test_primary_posts_one_class_per_grade() -> None:
    # One class in each of grades 1-6; loads 14 (语数), 16 (体育), 18 (其他); 班主任 6 × 0.5 split over 语、数.
    got = demand_of(subject_demand(classes([("A", "primary", g, 1) for g in range(1, 7)]), load_norms()))
    assert got["A", "pe"] == APPROX(20 / 16)  # (4+4+3+3+3+3) = 20 periods ÷ 16
    assert got["A", "chinese"] == APPROX(42 / 14 + 1.5)  # (8+8+7+7+6+6) = 42 ÷ 14 = 3, + 6 × 0.5 ÷ 2 = 1.5
    assert got["A", "math"] == APPROX(26 / 14 + 1.5)  # (4+4+4+4+5+5) = 26 ÷ 14, + 1.5
    assert got["A", "music"] == APPROX(12 / 18)  # 2 × 6 = 12 ÷ 18
    assert got["A", "foreign_language"] == APPROX(8 / 16)  # grades 3-6: 2 each = 8 ÷ 16
    assert got["A", "science"] == APPROX(10 / 16)  # 1+1+2+2+2+2 = 10 ÷ 16
    assert got["A", "shared"] == APPROX(26 / 18)  # 劳动 6 + 综合实践 4 + 地方校本 (2+2+3+3+3+3) 16 = 26 ÷ 18
    assert ("A", "physics") not in got


def test_junior_posts_two_classes_per_grade() -> None:
    got = demand_of(subject_demand(classes([("B", "junior", g, 2) for g in range(1, 4)]), load_norms()))
    assert got["B", "physics"] == APPROX(1.0)  # (0+2+3) × 2 = 10 ÷ 10
    assert got["B", "chemistry"] == APPROX(0.6)  # 3 × 2 = 6 ÷ 10
    assert got["B", "biology"] == APPROX(1.2)  # (3+3) × 2 = 12 ÷ 10
    assert got["B", "history"] == APPROX(1.0)  # (2+2+2) × 2 = 12 ÷ 12
    assert got["B", "geography"] == APPROX(8 / 12)  # (2+2) × 2 = 8 ÷ 12
    assert got["B", "pe"] == APPROX(18 / 14)  # 3 × 3 × 2 = 18 ÷ 14
    assert got["B", "chinese"] == APPROX(3.0 + 1.5)  # (5+5+5) × 2 = 30 ÷ 10, + 6 classes × 0.5 ÷ 2


def test_curriculum_matches_the_national_plan() -> None:
    norms = load_norms()
    totals = [sum(p[g] for p in norms.periods.values()) for g in range(9)]
    assert totals == [26, 26, 30, 30, 30, 30, 34, 34, 34]  # 义务教育课程方案（2022年版）周总课时
    weeks = [35] * 8 + [33]
    assert sum(t * w for t, w in zip(totals, weeks, strict=True)) == 9522  # 九年总课时


def test_establishment_by_the_norms() -> None:
    rows = [
        # school, stage, locale, pupils, classes, boarders, school_pupils
        ("P", "primary", "urban", 380, 9, 0, 380),  # 380 ÷ 19 = 20
        ("J", "junior", "town", 270, 6, 100, 270),  # 270 ÷ 13.5 = 20, + 100 ÷ 50 = 2 → 22
        ("S", "primary", "rural", 57, 6, 0, 57),  # small rural: (57 ÷ 19 = 3 + 6 × 1.7 = 10.2) ÷ 2 = 6.6
        ("K", "preschool", "urban", 210, 7, 0, 0),  # 210 ÷ 7 = 30
        ("T", "special", "urban", 30, 4, 0, 0),  # 30 ÷ 3 = 10
        ("V", "vocational", "urban", 500, 10, 0, 0),  # no norm: null
    ]
    frame = pl.DataFrame(
        rows,
        schema=["school", "stage", "locale", "pupils", "classes", "boarders", "school_pupils"],
        orient="row",
    )
    due = dict(establishment(frame, load_norms()).select("school", "due").iter_rows())
    assert due == {
        "P": APPROX(20),
        "J": APPROX(22),
        "S": APPROX(6.6),
        "K": APPROX(30),
        "T": APPROX(10),
        "V": None,
    }


def test_province_file_overrides_and_is_checked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "98.yaml").write_text("establishment:\n  small_school:\n    method: max\n", "utf-8")
    (tmp_path / "97.yaml").write_text(
        "curriculum:\n  periods:\n    pe: [9, 4, 3, 3, 3, 3, 3, 3, 3]\n", "utf-8"
    )
    monkeypatch.setenv("EDUPLAN_STAFFING_DIR", str(tmp_path))
    load_norms.cache_clear()
    try:
        assert load_norms("98").small_method == "max"
        assert load_norms("98").province_file == str(tmp_path / "98.yaml")
        with pytest.raises(ConfigError, match="1 年级各科周课时合计 31，应为 26"):
            load_norms("97")
    finally:
        load_norms.cache_clear()


def _frame(table: str, rows: list[dict[str, object]]) -> pl.DataFrame:
    return TABLES[table].frame(rows)


def small_county() -> Facts:
    """Two primary schools with one class per grade: one with teacher records, one with the forms only."""
    facts = Facts.empty()
    facts.org_units = _frame("org_units", [
        {"code": "99", "name": "省", "level": "province"}, {"code": "9901", "name": "市", "level": "city", "parent": "99"},
        {"code": "990101", "name": "县", "level": "county", "parent": "9901"},
        {"code": "990101001", "name": "镇", "level": "township", "parent": "990101"},
    ])  # fmt: skip
    facts.schools = _frame("schools", [
        {"code": f"990101000{i}", "name": name, "township": "990101001", "school_type": "primary",
         "ownership": "public", "locale": "rural"} for i, name in ((1, "甲小学"), (2, "乙小学"))
    ])  # fmt: skip
    facts.grade_year = _frame("grade_year", [
        {"school": s, "year": 2024, "stage": "primary", "grade": g, "enrollment": 20, "classes": 1}
        for s in ("9901010001", "9901010002") for g in range(1, 7)
    ])  # fmt: skip
    facts.school_year = _frame("school_year", [
        {"school": "9901010001", "year": 2024, "teachers": 3, "staff": 4},
        {"school": "9901010002", "year": 2024, "teachers": 9, "teachers_pe": 2, "teachers_arts": 0, "staff": 10},
    ])  # fmt: skip
    facts.teachers = _frame("teachers", [
        {"teacher": f"T{i}", "year": 2024, "school": "9901010001", "stage": "primary", "subject": subject}
        for i, subject in enumerate(("chinese", "chinese", "pe"))
    ])  # fmt: skip
    return facts


def test_subject_table_from_records_and_from_the_forms() -> None:
    table = subject_table(small_county(), "990101", 2024)
    rec = {(r["subject"]): r for r in table.filter(pl.col("school") == "9901010001").iter_rows(named=True)}
    assert rec["chinese"]["in_post"] == 2 and rec["chinese"]["gap"] == APPROX(4.5 - 2)  # 3 + 1.5 班主任
    assert rec["pe"]["in_post"] == 1 and rec["pe"]["gap"] == APPROX(1.25 - 1)
    assert rec["math"]["in_post"] == 0 and rec["math"]["gap"] == APPROX(26 / 14 + 1.5)
    assert rec["total"]["in_post"] == 3 and rec["total"]["source"] == "records"
    agg = {r["subject"]: r for r in table.filter(pl.col("school") == "9901010002").iter_rows(named=True)}
    assert set(agg) == {"pe", "arts", "total"}  # what the forms carry
    assert agg["pe"]["in_post"] == 2 and agg["pe"]["gap"] == APPROX(1.25 - 2)
    assert agg["arts"]["required"] == APPROX(24 / 18)  # music 12 + art 12 periods ÷ 18
    assert agg["total"]["in_post"] == 9 and agg["total"]["stage"] is None


def test_county_totals_add_shortages_and_surpluses_school_by_school() -> None:
    table = pl.DataFrame(
        {"subject": ["pe", "pe"], "required": [2.0, 1.0], "in_post": [1, 3], "gap": [1.0, -2.0]}
    )
    row = county_totals(table).row(0, named=True)
    assert (row["gap"], row["shortage"], row["surplus"]) == (-1.0, 1.0, 2.0)


def test_establishment_table_against_staff() -> None:
    table = establishment_table(small_county(), "990101", 2024)
    first = table.row(0, named=True)
    # 120 pupils, rural, small (≤ 99? no: 120 > 99) → 120 ÷ 19 = 6.3158
    assert first["due"] == APPROX(120 / 19) and first["staff"] == 4 and first["gap"] == APPROX(120 / 19 - 4)


def test_no_schools_is_a_clear_error() -> None:
    with pytest.raises(NotFound, match="没有义务教育学校"):
        subject_table(small_county(), "990101", 2030)


def test_outlook_on_the_demo_years_ahead(demo_facts: Facts) -> None:
    frame = outlook(demo_facts, "990101", 2025, 5)
    assert sorted(frame["year"].unique().to_list()) == [2026, 2027, 2028, 2029, 2030]
    total = (
        frame.filter(pl.col("subject") == "total")
        .group_by("year")
        .agg(pl.col("in_post").sum(), pl.col("required").sum())
        .sort("year")
    )
    # Teachers reaching 60 leave; nobody is hired in the outlook, and falling births cut the posts due.
    assert total["in_post"].to_list() == sorted(total["in_post"].to_list(), reverse=True)
    assert total["required"][-1] < total["required"][0]
