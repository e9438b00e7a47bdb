"""Reported indicators: values from the 直报指标值 table, rolled up where numerator and denominator are reported.

A unit's own reported row wins. A unit without one gets the sums of the numerators and denominators reported at
the finest level that carries them (so a county is never counted twice from both its townships and schools).
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from eduplan.facts import Facts
from eduplan.indicators.catalogue import LEVEL_ORDER, Indicator

NOT_REPORTED = "未填报（直报指标：学校统计表无法计算，需在直报指标值表中填报）"


def ancestry(facts: Facts, tree: pl.DataFrame, schools_of: pl.Series | None = None) -> pl.DataFrame:
    """(unit, level, ancestor, ancestor_level): every school and area with each of its coarser ancestors.

    `schools_of` limits the schools to those codes (the schools that reported something): far fewer rows.
    """
    chain = ("township", "county", "city", "province")
    parts = []
    for i, lv in enumerate(chain):
        for up in chain[i + 1 :]:
            parts.append(
                tree.select(
                    pl.col(lv).alias("unit"),
                    pl.lit(lv).alias("level"),
                    pl.col(up).alias("ancestor"),
                    pl.lit(up).alias("ancestor_level"),
                ).unique()
            )
    schools = facts.schools.select(pl.col("code").alias("unit"), "township")
    if schools_of is not None:
        schools = schools.filter(pl.col("unit").is_in(schools_of.implode()))
    schools = schools.join(tree, on="township", how="inner")
    for up in chain:
        parts.append(
            schools.select(
                "unit",
                pl.lit("school").alias("level"),
                pl.col(up).alias("ancestor"),
                pl.lit(up).alias("ancestor_level"),
            )
        )
    return pl.concat(parts).unique()


def _unit_levels(facts: Facts, tree: pl.DataFrame) -> pl.DataFrame:
    areas = [tree.select(pl.col(lv).alias("unit"), pl.lit(lv).alias("level")) for lv in tree.columns]
    schools = facts.schools.select(pl.col("code").alias("unit"), pl.lit("school").alias("level"))
    return pl.concat([*areas, schools]).unique(subset="unit", keep="first")


def _scales(inds: Sequence[Indicator]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "code": [i.code for i in inds],
            "scale": [i.scale for i in inds],
            "additive": [not i.denominator_label for i in inds],
            "min_rank": [LEVEL_ORDER.index(i.level) for i in inds],
        }
    )


def _ratio() -> pl.Expr:
    return (
        pl.when(pl.col("additive"))
        .then(pl.col("numerator"))
        .when(pl.col("denominator") > 0)
        .then(pl.col("numerator") / pl.col("denominator") * pl.col("scale"))
    )


def _rolled(direct: pl.DataFrame, facts: Facts, tree: pl.DataFrame) -> pl.DataFrame:
    # An additive indicator (a count such as 培训人次) reported as a bare value rolls up by its value.
    direct = direct.with_columns(
        pl.when(pl.col("additive"))
        .then(pl.coalesce("numerator", "value"))
        .otherwise("numerator")
        .alias("numerator")
    )
    usable = direct.filter(
        pl.col("numerator").is_not_null() & (pl.col("additive") | pl.col("denominator").is_not_null())
    )
    rank = pl.col("level").replace_strict({lv: i for i, lv in enumerate(LEVEL_ORDER)}, return_dtype=pl.Int64)
    finest = usable.with_columns(rank.alias("rank")).filter(
        pl.col("rank") == pl.col("rank").min().over("code")
    )
    reporting = finest.filter(pl.col("level") == "school")["unit"].unique()
    up = finest.join(ancestry(facts, tree, reporting), on=["unit", "level"], how="inner")
    return up.group_by(
        "code", pl.col("ancestor").alias("unit"), pl.col("ancestor_level").alias("level"), "year"
    ).agg(pl.col("numerator").sum(), pl.col("denominator").sum(), pl.first("scale"), pl.first("additive"))


def reported_values(
    facts: Facts, inds: Sequence[Indicator], tree: pl.DataFrame | None = None
) -> pl.DataFrame:
    """Rows in engine.OUTPUT_SCHEMA for the reported indicators `inds`, over every area unit and year."""
    from eduplan.indicators.engine import OUTPUT_SCHEMA, hierarchy, years_of

    tree = hierarchy(facts) if tree is None else tree
    scales = _scales(inds)
    rows = facts.reported.rename({"indicator": "code"}).join(scales, on="code", how="inner")
    levels = _unit_levels(facts, tree)
    direct = rows.join(levels, on="unit", how="left").with_columns(pl.col("level").fill_null("school"))
    direct = direct.with_columns(pl.coalesce(pl.col("value"), _ratio()).alias("value"))
    rolled = _rolled(direct, facts, tree).with_columns(_ratio().alias("value"))
    rolled = rolled.join(direct.select("code", "unit", "year"), on=["code", "unit", "year"], how="anti")
    cols = ["code", "unit", "level", "year", "value", "numerator", "denominator"]
    known = pl.concat([direct.select(cols), rolled.select(cols)], how="vertical_relaxed")
    areas = levels.filter(pl.col("level") != "school")
    years = pl.DataFrame({"year": years_of(facts)}, schema={"year": pl.Int64})
    ranks = areas.with_columns(
        pl.col("level")
        .replace_strict({lv: i for i, lv in enumerate(LEVEL_ORDER)}, return_dtype=pl.Int64)
        .alias("r")
    )
    grid = scales.join(ranks, how="cross").filter(pl.col("r") >= pl.col("min_rank")).join(years, how="cross")
    grid = grid.select("code", "unit", "level", "year").join(
        known, on=["code", "unit", "level", "year"], how="left"
    )
    finer = known.join(grid.select("code", "unit", "year"), on=["code", "unit", "year"], how="anti")
    out = pl.concat([grid, finer], how="vertical_relaxed").with_columns(
        pl.when(pl.col("value").is_null()).then(pl.lit(NOT_REPORTED)).alias("reason")
    )
    return out.select(pl.col(k).cast(v) for k, v in OUTPUT_SCHEMA.items())
