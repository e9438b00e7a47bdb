"""What is stored for a county, computed from its facts (framework-free: Polars in, Polars out)."""

from __future__ import annotations

import polars as pl

from eduplan.facts import Facts
from eduplan.indicators.engine import compute

COLUMNS = ("year", "unit", "level", "code", "value", "numerator", "denominator", "reason")
# As the table holds them (the engine's codes, levels and reasons are categorical: text here).
SCHEMA = {"year": pl.Int64, "unit": pl.String, "level": pl.String, "code": pl.String, "value": pl.Float64,
          "numerator": pl.Float64, "denominator": pl.Float64, "reason": pl.String}  # fmt: skip


COUNTY_DIGITS = 6


def county_indicators(facts: Facts, county: str) -> pl.DataFrame:
    """Every indicator of the county, its townships and schools, every year (the county's facts also hold
    the city and province above it, for names; their values from one county's data are not theirs). For a
    city or province (fewer digits), its own rows only, from the facts of all its counties (ratios of the
    sums of all of them): the rows below it are stored under each county."""
    values = compute(facts)
    below = pl.col("level").is_in(["township", "school"]) & pl.lit(len(county) == COUNTY_DIGITS)
    inside = values.filter((pl.col("unit") == county) | below)
    return inside.select(pl.col(c).cast(SCHEMA[c]) for c in COLUMNS)
