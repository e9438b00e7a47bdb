"""School places by county for a region: the shortfalls of its townships summed per county and stage.

A county's net gap (its total demand − its total places) hides a full town school behind empty village ones;
the region view adds up only the townships' shortfalls (demand above places), so a supervisor sees where
places are missing, and counts the townships short.
"""

from __future__ import annotations

import polars as pl

from eduplan.facts import Facts


def county_shortfalls(gaps: pl.DataFrame, facts: Facts) -> pl.DataFrame:
    """(county, stage, year, shortfall, townships_short, net_gap) from a township places report's `gaps`
    (unit, stage, year, gap): the positive township gaps summed, how many townships are short, the net gap."""
    towns = facts.org_units.filter(pl.col("level") == "township").select(
        pl.col("code").alias("unit"), pl.col("parent").alias("county")
    )
    return (
        gaps.join(towns, on="unit", how="inner")
        .group_by("county", "stage", "year")
        .agg(
            pl.col("gap").clip(lower_bound=0).sum().alias("shortfall"),
            (pl.col("gap") > 0).sum().cast(pl.Int64).alias("townships_short"),
            pl.col("gap").sum().alias("net_gap"),
        )
        .sort("county", "stage", "year")
    )
