"""Reporting completeness: which schools open in a year have reported each core table (DHIS2's reporting rate).

A year is complete for a county when, for every core table, the schools that reported it divided by the
schools open that year reaches the required share (1.0 unless a setting lowers it). Pages, commands and
evaluations default to the latest complete year and label any other year 数据不完整（已报 r/n 所）.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from eduplan.facts import Facts

# The tables every open school reports each year; a school has reported a table when it has a row there.
CORE_TABLES = ("school_year", "stage_year", "grade_year")
CORE_LABELS = {"school_year": "学校年度统计", "stage_year": "分学段统计", "grade_year": "分年级统计"}
SCHEMA = {
    "county": pl.String(),
    "year": pl.Int64(),
    "table": pl.String(),
    "open": pl.Int64(),
    "reported": pl.Int64(),
    "rate": pl.Float64(),
}


@dataclass(frozen=True)
class YearStatus:
    """The completeness of one county and year: the weakest core table decides."""

    county: str
    year: int
    open: int
    reported: int
    complete: bool

    @property
    def label(self) -> str:
        """数据完整, or 数据不完整（已报 r/n 所） naming the weakest table's count."""
        if self.complete:
            return "数据完整"
        return f"数据不完整（已报 {self.reported}/{self.open} 所）"


def _school_counties(facts: Facts) -> pl.DataFrame:
    """Each school with its county (the township's parent) and the years it was open."""
    towns = facts.org_units.select(pl.col("code").alias("township"), pl.col("parent").alias("county"))
    return facts.schools.select(
        pl.col("code").alias("school"), "township", "opened_year", "closed_year"
    ).join(towns, on="township", how="left")


def _open(schools: pl.DataFrame, years: pl.DataFrame) -> pl.DataFrame:
    """(county, year, school) for every school open in each year: opened by then, not yet closed."""
    return (
        schools.join(years, how="cross")
        .filter(
            (pl.col("opened_year").is_null() | (pl.col("opened_year") <= pl.col("year")))
            & (pl.col("closed_year").is_null() | (pl.col("year") < pl.col("closed_year")))
        )
        .select("county", "year", "school")
    )


def reporting(facts: Facts, years: list[int] | None = None) -> pl.DataFrame:
    """Per (county, year, core table): schools open, schools that reported, and their ratio.

    `years` defaults to every year any core table holds. A school that reported but is not listed as open
    (closed, or not yet opened) still counts as reported and as open, so the rate never exceeds 1."""
    if years is None:
        years = sorted({int(y) for t in CORE_TABLES for y in getattr(facts, t)["year"].unique().to_list()})
    if not years:
        return pl.DataFrame(schema=SCHEMA)
    schools = _school_counties(facts)
    year_frame = pl.DataFrame({"year": years}, schema={"year": pl.Int64()})
    open_rows = _open(schools, year_frame)
    parts = []
    for table in CORE_TABLES:
        sent = (
            getattr(facts, table)
            .filter(pl.col("year").is_in(years))
            .select("school", "year")
            .unique()
            .join(schools.select("school", "county"), on="school", how="inner")
            .with_columns(pl.lit(True).alias("sent"))
        )
        both = open_rows.join(sent, on=["county", "year", "school"], how="full", coalesce=True)
        parts.append(
            both.group_by("county", "year")
            .agg(
                pl.len().cast(pl.Int64).alias("open"),
                pl.col("sent").fill_null(False).sum().cast(pl.Int64).alias("reported"),
            )
            .with_columns(pl.lit(table).alias("table"))
        )
    frame = pl.concat(parts).with_columns((pl.col("reported") / pl.col("open")).alias("rate"))
    return frame.select(list(SCHEMA)).sort("county", "year", "table")


def year_status(facts: Facts, county: str, required_share: float = 1.0) -> dict[int, YearStatus]:
    """Each year's completeness for `county`, by the weakest core table."""
    rows = reporting(facts).filter(pl.col("county") == county)
    status: dict[int, YearStatus] = {}
    for year, group in rows.group_by("year"):
        weakest = group.sort("rate").row(0, named=True)
        all_tables = group.height == len(CORE_TABLES)
        status[int(year[0])] = YearStatus(  # type: ignore[arg-type]
            county,
            int(year[0]),  # type: ignore[arg-type]
            int(weakest["open"]),
            int(weakest["reported"]),
            all_tables and float(weakest["rate"]) >= required_share,
        )
    return dict(sorted(status.items()))


def latest_complete_year(facts: Facts, county: str, required_share: float = 1.0) -> int | None:
    """The latest year every open school of `county` reported every core table (None when there is none)."""
    complete = [y for y, s in year_status(facts, county, required_share).items() if s.complete]
    return max(complete) if complete else None
