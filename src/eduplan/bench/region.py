"""Benchmark of the region views: a city of ten counties compared side by side, as the region page does it
(one engine run over the city's facts, the city row a ratio of sums) against the plain way (one engine run per
county, the city row summed from the counties' numerators and denominators afterwards). Both must agree."""

from __future__ import annotations

import time

import polars as pl

from eduplan.bench import best_time
from eduplan.facts import Facts
from eduplan.indicators.engine import compute

COUNTIES = 10
CITY = "9901"


def _county(facts: Facts, county: str) -> Facts:
    """The facts of one county (and the city and province above it)."""
    units = facts.org_units.filter(
        (pl.col("code") == county)
        | (pl.col("parent") == county)
        | (pl.col("level").is_in(["city", "province"]))
    )
    towns = units.filter(pl.col("level") == "township")["code"]
    schools = facts.schools.filter(pl.col("township").is_in(towns))
    frames = {}
    for name, frame in facts.frames().items():
        if name == "org_units":
            frame = units
        elif name == "schools":
            frame = schools
        elif "school" in frame.columns:
            frame = frame.filter(pl.col("school").is_in(schools["code"]))
        elif "township" in frame.columns:
            frame = frame.filter(pl.col("township").is_in(towns))
        elif "unit" in frame.columns:
            frame = frame.filter(pl.col("unit").str.starts_with(county))
        frames[name] = frame
    return Facts(**frames)


def plain(facts: Facts, counties: list[str], year: int) -> pl.DataFrame:
    """Each county's engine run, the city's numerator and denominator summed from the counties' rows."""
    rows = pl.concat(
        [
            compute(_county(facts, c)).filter((pl.col("unit") == c) & (pl.col("year") == year))
            for c in counties
        ]
    )
    return rows.group_by("code").agg(pl.col("numerator").sum(), pl.col("denominator").sum())


def run() -> None:
    from eduplan.demo.city import generate_city
    from eduplan.region.compare import region_counties, region_table

    start = time.perf_counter()
    facts = generate_city(COUNTIES)
    made = time.perf_counter() - start
    counties = region_counties(facts, CITY)
    year = int(facts.grade_year["year"].max())  # type: ignore[arg-type]

    def ours() -> pl.DataFrame:
        fresh = Facts(**facts.frames())  # a new object: no result remembered from the last run
        return region_table(fresh, CITY, year)

    table = ours()
    city = table.filter(pl.col("unit") == CITY).select("code", "numerator", "denominator")
    summed = plain(facts, counties, year)
    both = city.join(summed, on="code", suffix="_plain").filter(pl.col("numerator").is_not_null())
    agree = both.filter(
        ((pl.col("numerator") - pl.col("numerator_plain")).abs() < 1e-6)
        & ((pl.col("denominator").fill_null(0) - pl.col("denominator_plain").fill_null(0)).abs() < 1e-6)
    )
    differ = sorted(set(both["code"]) - set(agree["code"]))
    fast, slow = best_time(ours), best_time(lambda: plain(facts, counties, year))
    schools = facts.schools.height
    print(
        f"示例市 {len(counties)} 县 {schools} 所学校（生成 {made:.1f} s），{year} 学年各县比较："
        f"全市一次计算 {fast:.2f} s，逐县计算再求和 {slow:.2f} s（{slow / fast:.1f} 倍）；"
        f"全市分子分母两法一致 {agree.height}/{both.height} 项"
        + (f"（不一致：{'、'.join(differ)}：直报指标，县的直报值与其乡镇之和不同）" if differ else ""),
        flush=True,
    )
