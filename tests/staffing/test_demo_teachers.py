"""The demo's teacher records: the school_year counts exactly, and the rural pattern the plans describe."""

from __future__ import annotations

import polars as pl

from eduplan.demo import generate_province
from eduplan.demo.teachers import generate_teachers
from eduplan.facts import Facts
from eduplan.staffing.posts import subject_table

COUNTS = {
    "teachers": pl.len(),
    "teachers_pe": (pl.col("subject") == "pe").sum(),
    "teachers_arts": pl.col("subject").is_in(["music", "art"]).sum(),
    "teachers_backbone": pl.col("backbone").is_not_null().sum(),
    "teachers_bachelor": (pl.col("qualification") == "bachelor").sum(),
    "teachers_college": (pl.col("qualification") == "college").sum(),
}


def test_rosters_add_up_to_the_school_year_counts(demo_facts: Facts) -> None:
    records = demo_facts.teachers
    assert sorted(records["year"].unique().to_list()) == [2024, 2025]
    for year in (2024, 2025):
        got = (
            records.filter(pl.col("year") == year)
            .group_by("school")
            .agg(**{k: v.cast(pl.Int64) for k, v in COUNTS.items()})
        )
        want = demo_facts.school_year.filter(pl.col("year") == year).select("school", *COUNTS)
        joined = got.join(want, on="school", suffix="_form")
        assert joined.height == got.height  # every school with records has its form
        for column in COUNTS:
            known = joined.filter(pl.col(f"{column}_form").is_not_null())
            assert (known[column] == known[f"{column}_form"]).all(), (year, column)
        assert 3_000 <= joined["teachers"].sum() <= 3_200  # ≈3,100 compulsory-stage teachers


def test_the_later_roster_follows_the_earlier(demo_facts: Facts) -> None:
    first = demo_facts.teachers.filter(pl.col("year") == 2024)
    later = demo_facts.teachers.filter(pl.col("year") == 2025)
    both = first.join(later, on="teacher", suffix="_later")
    assert both.height > 0.9 * later.height  # most teachers stay
    assert (both["birth_year"] == both["birth_year_later"]).all()
    moved = both.filter(pl.col("school") != pl.col("school_later"))
    assert moved.height > 0 and (moved["joined_year_later"] == 2025).all()
    assert (first["birth_year"] + 60 > 2024).all() and (
        later["birth_year"] + 60 > 2025
    ).all()  # nobody past 60


def test_rural_schools_short_of_music_art_and_science(demo_facts: Facts) -> None:
    table = subject_table(demo_facts, "990101", 2024)
    short = (
        table.filter(pl.col("subject").is_in(["pe", "music", "art", "science"]))
        .group_by("locale", "subject")
        .agg((pl.col("gap").clip(lower_bound=0).sum() / pl.col("required").sum()).alias("share"))
    )
    share = {(r["locale"], r["subject"]): r["share"] for r in short.iter_rows(named=True)}
    for subject in ("pe", "music", "art", "science"):  # the share of posts short, school by school
        assert share["rural", subject] > 1.5 * share["urban", subject], subject
    chinese = table.filter((pl.col("subject") == "chinese") & (pl.col("locale") == "rural"))
    assert chinese["gap"].sum() < -50  # shrinking rural schools: a surplus of 语文 teachers


def test_ids_are_anonymous_and_every_county_gets_records() -> None:
    facts = generate_province(2)
    records = facts.teachers
    counties = {code[:6] for code in records["teacher"].unique().to_list()}
    assert counties == {"990101", "990102"}
    assert records["teacher"].str.contains(r"^\d{12}$").all()
    again = generate_teachers(facts)
    assert again.equals(records)
