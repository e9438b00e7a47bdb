"""From a region's `Facts` to the projection's inputs, at a chosen level (school, zone, township, county)."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from eduplan.errors import DataError
from eduplan.facts import Facts
from eduplan.forecast.chain import Chain, full_chain
from eduplan.forecast.cohort import DEFAULT_METHOD, History, Method, Projection, forecast
from eduplan.forecast.panel import build_history, projection_frame, ratios_frame

LEVELS = {"school": "学校", "zone": "学区", "township": "乡镇", "county": "县"}


def unit_expr(level: str) -> pl.Expr:
    """The unit key of a school at ``level``. Zone names repeat across counties (城关第一片区), so a zone's
    key is "county code-zone name"; a school without a zone forms its township's zone."""
    if level == "school":
        return pl.col("code")
    if level == "zone":
        return pl.coalesce(
            pl.concat_str(pl.col("township").str.slice(0, 6), pl.lit("-"), pl.col("zone")), pl.col("township")
        )
    if level == "township":
        return pl.col("township")
    if level == "county":
        return pl.col("township").str.slice(0, 6)
    raise DataError(f"未知的预测层级：{level}", english=f"unknown level {level}")


def placement(schools: pl.DataFrame, level: str) -> pl.DataFrame:
    """school, unit, area: births and feeding grades are counted by township (the area)."""
    return schools.select(
        pl.col("code").alias("school"), unit_expr(level).alias("unit"), pl.col("township").alias("area")
    )


def cohorts(births: pl.DataFrame, population: pl.DataFrame) -> pl.DataFrame:
    """area, birth_year, size: registered births; for a birth year a township has no births for, its children
    of that cohort counted by age (the latest count, which already includes migration)."""
    from_births = births.filter(pl.col("births").is_not_null()).select(
        pl.col("township").alias("area"),
        pl.col("year").alias("birth_year"),
        pl.col("births").cast(pl.Float64).alias("size"),
    )
    from_population = (
        population.filter(pl.col("population").is_not_null())
        .with_columns((pl.col("year") - pl.col("age")).alias("birth_year"))
        .sort("year")
        .group_by("township", "birth_year")
        .agg(pl.col("population").last().cast(pl.Float64).alias("size"))
        .select(pl.col("township").alias("area"), "birth_year", "size")
        .join(from_births, on=["area", "birth_year"], how="anti")
    )
    return pl.concat([from_births, from_population])


@dataclass(frozen=True)
class EnrollmentForecast:
    level: str
    units: list[str]
    history: History
    projection: Projection
    frame: pl.DataFrame  # unit, year, stage, grade, enrollment, low, high
    ratios: pl.DataFrame  # unit, stage, grade, source, ratio, spread


def history_of(facts: Facts, level: str, chain: Chain | None = None) -> tuple[History, list[str]]:
    place = placement(facts.schools, level)
    enrollment = facts.grade_year.select("school", "year", "stage", "grade", "enrollment")
    h = build_history(enrollment, place, cohorts(facts.births, facts.population), chain or full_chain())
    return h, place["unit"].unique().sort().to_list()


def forecast_facts(
    facts: Facts, level: str, origin: int, horizon: int, method: Method = DEFAULT_METHOD
) -> EnrollmentForecast:
    """Projected enrollment by unit, stage and grade for origin + 1 … origin + horizon."""
    h, units = history_of(facts, level)
    if not h.year0 < origin <= h.last_year:
        raise DataError(
            f"起始年份 {origin} 不在数据年份 {h.year0 + 1}–{h.last_year} 之内",
            english=f"origin {origin} outside {h.year0 + 1}-{h.last_year}",
        )
    p = forecast(h, origin, horizon, method.for_totals() if level == "county" else method)
    return EnrollmentForecast(level, units, h, p, projection_frame(p, h, units), ratios_frame(p, h, units))


def stage_totals(frame: pl.DataFrame) -> pl.DataFrame:
    """unit, stage, year, demand, low, high: the projected pupils of each stage."""
    return (
        frame.group_by("unit", "stage", "year")
        .agg(pl.col("enrollment").sum().alias("demand"), pl.col("low").sum(), pl.col("high").sum())
        .sort("unit", "stage", "year")
    )
