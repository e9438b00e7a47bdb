"""Split what a multi-stage school owns between its stages, by weighted pupils (教督〔2012〕3号)."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from importlib import resources

import polars as pl
import yaml

from eduplan.facts import SCHOOL_YEAR, Facts

KEYS = ("school", "year", "stage")
RESOURCE_COLUMNS = tuple(
    c.name for c in SCHOOL_YEAR.columns if c.kind in ("int", "float") and c.name != "year"
)
# Per-school attributes that must not be split: an age, a per-pupil amount.
NOT_SPLIT = ("principal_age", "public_funds_per_pupil")


@cache
def stage_weights() -> tuple[dict[str, float], float]:
    data = yaml.safe_load(resources.files(__package__).joinpath("stage_weights.yaml").read_text("utf-8"))
    return {k: float(v) for k, v in data["weights"].items()}, float(data["default_weight"])


def stage_pupils(facts: Facts) -> pl.DataFrame:
    """Pupils per (school, year, stage): the sum of its grades; null when every grade is missing."""
    return (
        facts.grade_year.group_by(KEYS)
        .agg(
            pl.col("enrollment").sum().alias("pupils"), pl.col("enrollment").is_not_null().any().alias("_any")
        )
        .with_columns(pl.when(pl.col("_any")).then(pl.col("pupils")).alias("pupils"))
        .drop("_any")
    )


def shares(pupils: pl.LazyFrame, school: Sequence[str] = ("school", "year")) -> pl.LazyFrame:
    """`pupils` (school…, stage, pupils, …) with `share`: the stage's weighted share of the school's resources.

    `school` names the columns that identify one school in one year (the engine packs them into one integer).
    """
    weights, default = stage_weights()
    weight = pl.col("stage").replace_strict(weights, default=default, return_dtype=pl.Float64)
    pupils = pupils.with_columns((pl.col("pupils") * weight).alias("_weighted"), weight.alias("_weight"))
    # One group-by for the school totals, joined back (cheaper than four window expressions).
    totals = pupils.group_by(*school).agg(
        pl.col("_weighted").sum().alias("_total"),
        pl.col("_weight").sum().alias("_weights"),
        pl.len().alias("_stages"),
        pl.col("pupils").is_null().any().alias("_unknown"),
    )
    # A stage whose pupils are unknown makes every share of that school unknown (not the rest 100%);
    # a school with no pupils at all splits by the weights alone (a choice: the source assumes pupils).
    share = (
        pl.when(pl.col("_stages") == 1)
        .then(pl.lit(1.0))
        .when(pl.col("_unknown"))
        .then(pl.lit(None, dtype=pl.Float64))
        .when(pl.col("_total") == 0)
        .then(pl.col("_weight") / pl.col("_weights"))
        .otherwise(pl.col("_weighted") / pl.col("_total"))
    )
    joined = pupils.join(totals, on=list(school), how="left")
    return joined.with_columns(share.alias("share")).drop(
        "_weighted", "_weight", "_total", "_weights", "_stages", "_unknown"
    )


def stage_shares(facts: Facts, pupils: pl.DataFrame | None = None) -> pl.DataFrame:
    """(school, year, stage, pupils, share): the stage's weighted share of the school's resources.

    `pupils` (school, year, stage, pupils) may be passed when the caller has already summed the grades.
    """
    return shares((stage_pupils(facts) if pupils is None else pupils).lazy()).collect()


def split_resources(
    facts: Facts, pupils: pl.DataFrame | None = None, columns: tuple[str, ...] | None = None
) -> pl.DataFrame:
    """School resources per (school, year, stage), each multiplied by the stage's share; plus pupils and share.

    `columns` limits the school_year columns joined (all resource columns when None).
    """
    shares = stage_shares(facts, pupils)
    school_year = (
        facts.school_year if columns is None else facts.school_year.select("school", "year", *columns)
    )
    joined = shares.join(school_year, on=["school", "year"], how="left")
    split = [
        (pl.col(c) * pl.col("share")).alias(c)
        for c in RESOURCE_COLUMNS
        if c not in NOT_SPLIT and c in joined.columns
    ]
    return joined.with_columns(split)
