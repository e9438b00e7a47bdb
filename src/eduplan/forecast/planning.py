"""Planning-norms check (seed 004): schools needed for the resident population against schools present."""

from __future__ import annotations

import math

import polars as pl

from eduplan.forecast.norms import Norms, PlanningRule, load_norms

CHECK_SCHEMA = {
    "rule": pl.String,
    "label": pl.String,
    "area": pl.String,
    "people": pl.Int64,
    "required": pl.Int64,
    "actual": pl.Int64,
    "shortfall": pl.Int64,
}


def open_schools(schools: pl.DataFrame, grade_year: pl.DataFrame, year: int) -> pl.DataFrame:
    """code, township, school_type, ownership, classes: schools teaching in ``year`` with their class count."""
    classes = grade_year.filter(pl.col("year") == year).group_by("school").agg(pl.col("classes").sum())
    return schools.join(classes.rename({"school": "code"}), on="code").select(
        "code", "township", "school_type", "ownership", "classes"
    )


def _per_people(rule: PlanningRule, teaching: pl.DataFrame, residents: pl.DataFrame) -> pl.DataFrame:
    fits = teaching.filter(
        pl.col("school_type").is_in(list(rule.school_types)) & (pl.col("classes") >= rule.min_classes)
    )
    counts = fits.group_by("township").agg(pl.len().cast(pl.Int64).alias("actual"))
    rows = residents.join(counts, on="township", how="left").with_columns(pl.col("actual").fill_null(0))
    # One school per `people` residents, rounded up: a township of 10,001 needs two primary schools.
    required = [math.ceil(p / rule.people) for p in rows["residents"].to_list()]
    return rows.with_columns(pl.Series("required", required, pl.Int64)).select(
        pl.lit(rule.code).alias("rule"),
        pl.lit(rule.label).alias("label"),
        pl.col("township").alias("area"),
        pl.col("residents").cast(pl.Int64).alias("people"),
        "required",
        "actual",
        (pl.col("required") - pl.col("actual")).clip(0).alias("shortfall"),
    )


def _villages(rule: PlanningRule, villages: pl.DataFrame) -> pl.DataFrame:
    big = villages.filter(pl.col("residents") > rule.village_people)
    return big.select(
        pl.lit(rule.code).alias("rule"),
        pl.lit(rule.label).alias("label"),
        pl.col("village").alias("area"),
        pl.col("residents").cast(pl.Int64).alias("people"),
        pl.lit(1, pl.Int64).alias("required"),
        pl.col("public_kindergarten").cast(pl.Int64).alias("actual"),
        (1 - pl.col("public_kindergarten").cast(pl.Int64)).alias("shortfall"),
    )


def planning_check(
    teaching: pl.DataFrame,
    residents: pl.DataFrame | None,
    villages: pl.DataFrame | None = None,
    norms: Norms | None = None,
) -> pl.DataFrame:
    """rule, label, area, people, required, actual, shortfall. ``residents``: township, residents (常住人口);
    ``villages``: village, residents, public_kindergarten. Rules whose population data is missing are skipped."""
    n = norms or load_norms()
    parts = []
    for rule in n.rules:
        if rule.kind == "per_people" and residents is not None:
            parts.append(_per_people(rule, teaching, residents))
        elif rule.kind == "village" and villages is not None:
            parts.append(_villages(rule, villages))
    if not parts:
        return pl.DataFrame(schema=CHECK_SCHEMA)
    return pl.concat([p.cast(CHECK_SCHEMA) for p in parts])  # type: ignore[arg-type]
