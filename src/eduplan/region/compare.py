"""Counties side by side: the region's own row (a ratio of sums), each county's row, completeness, ranking, spread.

The region's value comes from the engine, which sums every county's numerator and denominator terms before it
divides; this module never averages county rates. A county whose year is incomplete keeps its value (on what was
reported) but is labelled, is left out of the ranking and of the spread, and its verdicts are 无法评估; the
region's row names how many of its counties it covers with complete data.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import polars as pl

from eduplan.errors import NotFound
from eduplan.facts import Facts
from eduplan.indicators.catalogue import load_catalogue
from eduplan.indicators.completeness import YearStatus, reporting, statuses
from eduplan.memo import per_facts

REGION_LEVELS = ("city", "province")
NO_DATA = "无数据"


def unit_level(facts: Facts, unit: str) -> str | None:
    """The level (province, city, county, township) of an org unit of `facts`, None when it is not one."""
    row = facts.org_units.filter(pl.col("code") == unit)
    return str(row["level"][0]) if row.height else None


def region_counties(facts: Facts, region: str) -> list[str]:
    """The counties below a city or province, by code (walking the parent links, not code prefixes)."""
    units = facts.org_units.select("code", "level", "parent")
    if not units.filter(pl.col("code") == region).height:
        raise NotFound(f"没有区划代码为 {region} 的市或省", english=f"unknown region {region}")
    below, found = {region}, []
    for _ in range(3):  # province → city → county
        children = units.filter(pl.col("parent").is_in(list(below)))
        found += children.filter(pl.col("level") == "county")["code"].to_list()
        below = set(children.filter(pl.col("level") != "county")["code"].to_list())
    return sorted(found)


@dataclass(frozen=True)
class Coverage:
    """Which counties of a region have complete data in a year."""

    region: str
    year: int
    counties: tuple[str, ...]
    labels: dict[str, str]  # county → 数据完整 / 数据不完整（已报 r/n 所） / 无数据
    incomplete: tuple[str, ...]

    @property
    def complete(self) -> bool:
        return bool(self.counties) and not self.incomplete

    def label(self, names: Mapping[str, str]) -> str:
        """覆盖 5 县，均数据完整 · or · 覆盖 5 县：4 县数据完整，青山县数据不完整（已报 30/31 所）."""
        n = len(self.counties)
        if not self.incomplete:
            return f"覆盖 {n} 县，均数据完整"
        lacking = "；".join(f"{names.get(c, c)}{self.labels[c]}" for c in self.incomplete)
        return f"覆盖 {n} 县：{n - len(self.incomplete)} 县数据完整，{lacking}"


def coverage(facts: Facts, region: str, year: int, counties: Sequence[str]) -> Coverage:
    """The completeness of each county of `region` in `year` (issue 10's reporting rates)."""
    frame = per_facts(facts, "reporting", lambda: reporting(facts))
    found: dict[str, YearStatus | None] = {c: statuses(frame, c).get(year) for c in counties}
    labels = {c: NO_DATA if s is None else s.label for c, s in found.items()}
    incomplete = tuple(c for c, s in found.items() if s is None or not s.complete)
    return Coverage(region, year, tuple(counties), labels, incomplete)


def directions() -> dict[str, str]:
    """Each catalogue indicator's good direction (higher, lower)."""
    return {i.code: i.direction for i in load_catalogue()}


def comparison(values: pl.DataFrame, cover: Coverage, good: Mapping[str, str] | None = None) -> pl.DataFrame:
    """The region's row and each county's row of every indicator in `values` (the engine's rows) in the year
    of `cover`, with columns complete, data (the completeness label), counties, complete_counties and rank
    (1 = best among the counties with complete data and a value; null otherwise)."""
    good = directions() if good is None else good
    units = [cover.region, *cover.counties]
    rows = values.filter(pl.col("unit").is_in(units) & (pl.col("year") == cover.year))
    n, k = len(cover.counties), len(cover.counties) - len(cover.incomplete)
    ok = {c: c not in cover.incomplete for c in cover.counties} | {cover.region: cover.complete}
    data = dict(cover.labels) | {cover.region: f"覆盖 {n} 县，{k} 县数据完整"}
    rows = rows.with_columns(
        pl.col("unit").replace_strict(ok, return_dtype=pl.Boolean).alias("complete"),
        pl.col("unit").replace_strict(data, return_dtype=pl.String).alias("data"),
        pl.when(pl.col("unit") == cover.region).then(n).otherwise(1).cast(pl.Int64).alias("counties"),
        pl.when(pl.col("unit") == cover.region)
        .then(k)
        .otherwise(pl.col("unit").replace_strict(ok, return_dtype=pl.Boolean).cast(pl.Int64))
        .cast(pl.Int64)
        .alias("complete_counties"),
    )
    order = {c: i for i, c in enumerate(good)}
    position = pl.col("code").replace_strict(order, default=len(order), return_dtype=pl.Int64)
    return _ranked(rows, cover.region, good).sort(position, pl.col("unit") != cover.region, "unit")


def _ranked(rows: pl.DataFrame, region: str, good: Mapping[str, str]) -> pl.DataFrame:
    lower = pl.col("code").replace_strict(good, default="higher") == "lower"
    key = pl.when(lower).then(pl.col("value")).otherwise(-pl.col("value"))
    ranked = pl.col("complete") & pl.col("value").is_not_null() & (pl.col("unit") != region)
    rank = pl.when(ranked).then(key).rank("min").over("code")
    return rows.with_columns(pl.when(ranked).then(rank).cast(pl.Int64).alias("rank"))


def spread(table: pl.DataFrame, region: str) -> pl.DataFrame:
    """Per indicator, over the counties ranked in `table` (complete data, a value): how many, lowest, median,
    highest, and the highest ÷ lowest (null when the lowest is 0)."""
    counties = table.filter(pl.col("rank").is_not_null() & (pl.col("unit") != region))
    return (
        counties.group_by("code", maintain_order=True)
        .agg(
            pl.len().cast(pl.Int64).alias("ranked"),
            pl.col("value").min().alias("min"),
            pl.col("value").median().alias("median"),
            pl.col("value").max().alias("max"),
        )
        .with_columns(pl.when(pl.col("min") != 0).then(pl.col("max") / pl.col("min")).alias("max_over_min"))
    )


def region_table(
    facts: Facts, region: str, year: int | None = None, codes: Sequence[str] | None = None
) -> pl.DataFrame:
    """`comparison` of `region` in `year` (every year the region has values when None), years ascending."""
    from eduplan.region.source import indicator_values

    counties = region_counties(facts, region)
    values = indicator_values(facts, codes)
    years = [year] if year is not None else sorted(values.filter(pl.col("unit") == region)["year"].unique())
    frames = [comparison(values, coverage(facts, region, y, counties)) for y in years]
    return pl.concat(frames) if frames else comparison(values.clear(), coverage(facts, region, 0, counties))


def area_values(values: pl.DataFrame, facts: Facts, cover: Coverage, code: str, level: str) -> pl.DataFrame:
    """(unit, name, value, complete) of indicator `code` for the counties of `cover`, or their townships
    (`level` = "township"), in its year: what a map colours. A unit of an incomplete county has no value."""
    units = facts.org_units.select("code", "name", "level", "parent")
    if level == "county":
        wanted = units.filter(pl.col("code").is_in(list(cover.counties))).with_columns(county=pl.col("code"))
    else:
        wanted = units.filter((pl.col("level") == "township") & pl.col("parent").is_in(list(cover.counties)))
        wanted = wanted.with_columns(county=pl.col("parent"))
    return _located_values(values, wanted.rename({"code": "unit"}), cover, code)


def school_values(values: pl.DataFrame, facts: Facts, cover: Coverage, code: str) -> pl.DataFrame:
    """(unit, name, value, complete, longitude, latitude) of the located schools of the counties of `cover`
    for indicator `code` in its year (none when the indicator has no school values)."""
    towns = facts.org_units.filter(pl.col("level") == "township").select(
        pl.col("code").alias("township"), pl.col("parent").alias("county")
    )
    schools = (
        facts.schools.filter(pl.col("longitude").is_not_null() & pl.col("latitude").is_not_null())
        .join(towns, on="township", how="inner")
        .filter(pl.col("county").is_in(list(cover.counties)))
        .select(pl.col("code").alias("unit"), "name", "county", "longitude", "latitude")
    )
    found = _located_values(values, schools, cover, code)
    return found.filter(pl.col("value").is_not_null() | ~pl.col("complete"))


def _located_values(values: pl.DataFrame, units: pl.DataFrame, cover: Coverage, code: str) -> pl.DataFrame:
    rows = values.filter((pl.col("code") == code) & (pl.col("year") == cover.year))
    rows = rows.select(pl.col("unit").cast(pl.String), "value")  # the engine's units are categorical
    complete = ~pl.col("county").is_in(list(cover.incomplete))
    joined = units.join(rows, on="unit", how="left").with_columns(complete.alias("complete"))
    keep = [c for c in ("unit", "name", "value", "complete", "longitude", "latitude") if c in joined.columns]
    return joined.with_columns(pl.when(pl.col("complete")).then(pl.col("value"))).select(keep).sort("unit")
