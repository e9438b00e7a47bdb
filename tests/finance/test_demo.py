"""The demo's money: every county has a budget, some schools are underfunded, per-student spending falls once."""

from __future__ import annotations

import polars as pl

from eduplan.demo import generate_province
from eduplan.facts import Facts
from eduplan.finance.budget import county_years
from eduplan.finance.floors import school_floors


def test_demo_county_has_underfunded_schools_and_one_fall(demo_facts: Facts) -> None:
    assessed = school_floors(demo_facts).schools
    year = assessed.filter(pl.col("year") == 2024)
    assert year.filter(pl.col("status") == "under").height >= 3
    assert year.filter(pl.col("status") == "ok").height > year.height / 2
    # Some small schools are funded on their actual pupils: under, since the first year with a floor.
    small = year.filter((pl.col("counted_pupils") > pl.col("pupils")) & (pl.col("status") == "under"))
    assert small.height >= 1
    last = assessed.filter(pl.col("year") == assessed["year"].max())
    assert last.filter(pl.col("status") == "unknown").height >= 1  # a school has not reported its last year
    falls = [
        y.year
        for y in county_years(demo_facts.county_finance, "990101")
        if y.nondecreasing()["per_student"] is False
    ]
    assert falls == [2022]


def test_every_county_of_a_province_has_a_budget_and_one_fall() -> None:
    facts = generate_province(3, first_year=2019, last_year=2024)
    counties = facts.org_units.filter(pl.col("level") == "county")["code"].to_list()
    assert sorted(facts.county_finance["county"].unique().to_list()) == sorted(counties)
    for county in counties:
        years = county_years(facts.county_finance, county)
        assert [y.year for y in years] == list(range(2019, 2025))
        assert sum(y.nondecreasing()["per_student"] is False for y in years) == 1
    towns = facts.schools.select(
        pl.col("code").alias("school"), pl.col("township").str.slice(0, 6).alias("county")
    )
    funded = facts.school_finance.join(towns, on="school")["county"].unique().to_list()
    assert sorted(funded) == sorted(counties)
