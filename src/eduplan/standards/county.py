"""A county's schools in one year, per stage, with the resources each stage owns and the sample flags."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from eduplan.errors import DataError, NotFound
from eduplan.facts import LEVELS, Facts
from eduplan.indicators.completeness import YearStatus, missing_text, year_status
from eduplan.indicators.split import split_resources
from eduplan.standards.loader import Standard

COMPULSORY = ("primary", "junior")


@dataclass(frozen=True)
class County:
    """The facts of one county (schools whose township lies in it) and the year under evaluation."""

    facts: Facts
    unit: str
    year: int
    schools: pl.DataFrame  # the county's schools open in `year`
    status: YearStatus | None = None  # the year's reporting completeness (None: nobody reported that year)

    @property
    def complete(self) -> bool:
        """Every open school reported every core table this year (as far as the setting requires)."""
        return self.status is not None and self.status.complete

    @property
    def reported_share(self) -> str:
        """已报 r/n 所, for the details of undecided items."""
        return self.status.label if self.status is not None else "该学年没有学校报送数据"

    @property
    def townships(self) -> list[str]:
        units = self.facts.org_units
        mine = units.filter((pl.col("parent") == self.unit) & (pl.col("level") == "township"))
        return mine["code"].to_list()


def county(facts: Facts, unit: str, year: int) -> County:
    """Scope `facts` to the county `unit` in `year`, with the year's reporting completeness; NotFound when the
    county has no school open that year (a year nobody reported is still evaluated: every part undecided)."""
    level = facts.org_units.filter(pl.col("code") == unit)["level"]
    if level.len() and level[0] != "county":
        raise DataError(
            f"督导评估以县（区）为单位：{unit} 是{LEVELS.get(level[0], level[0])}级区划",
            english=f"{unit} is a {level[0]}, not a county",
        )
    schools = facts.schools.filter(
        pl.col("township").str.starts_with(unit)
        & (pl.col("opened_year").is_null() | (pl.col("opened_year") <= year))
        & (pl.col("closed_year").is_null() | (pl.col("closed_year") > year))
    )
    if schools.is_empty():
        raise NotFound(f"区划 {unit} 在 {year} 学年没有学校数据", english=f"no schools in {unit} for {year}")
    return County(facts, unit, year, schools, year_status(facts, unit).get(year))


def missing_reports(c: County) -> list[str]:
    """The schools that did not report this year, per core table (empty when the year is complete)."""
    return [] if c.complete else missing_text(c.facts, c.unit, c.year)


def _reported_school_values(c: County, indicators: list[str]) -> pl.DataFrame | None:
    rep = c.facts.reported.filter(pl.col("indicator").is_in(indicators) & (pl.col("year") == c.year))
    if rep.is_empty():
        return None
    return rep.pivot(on="indicator", index="unit", values="value").rename({"unit": "school"})


def school_stages(c: County, standard: Standard) -> pl.DataFrame:
    """One row per (school, stage) of the compulsory stages: pupils, classes, split resources, `excluded` reason.

    Resources reported per school in `facts.reported` (e.g. teachers_mid_title) are split by the same share.
    """
    split = split_resources(c.facts).filter(
        (pl.col("year") == c.year) & pl.col("stage").is_in(standard.stages)
    )
    reported = [i.reported for i in standard.indicators if i.reported]
    extra = _reported_school_values(c, reported) if reported else None
    if extra is not None:
        split = split.join(extra, on="school", how="left").with_columns(
            *(pl.col(r) * pl.col("share") for r in reported if r in extra.columns)
        )
    for r in reported:
        if r not in split.columns:
            split = split.with_columns(pl.lit(None, dtype=pl.Float64).alias(r))
    classes = (
        c.facts.grade_year.filter(pl.col("year") == c.year)
        .group_by("school", "stage")
        .agg(pl.col("classes").sum())
    )
    info = c.schools.select("code", "name", "school_type", "ownership", "locale").rename({"code": "school"})
    frame = info.join(split, on="school", how="inner").join(classes, on=["school", "stage"], how="left")
    return frame.with_columns(_excluded(standard)).sort("stage", "school")


def _excluded(standard: Standard) -> pl.Expr:
    small = (pl.col("school_type") == "teaching_point") & (
        pl.col("pupils").fill_null(0) < standard.min_pupils_teaching_point
    )
    return (
        pl.when(~pl.col("ownership").is_in(standard.ownerships))
        .then(pl.lit("民办学校不计入"))
        .when(small)
        .then(pl.lit(f"不足{standard.min_pupils_teaching_point}人的教学点不计入"))
        .when(pl.col("pupils").fill_null(0) <= 0)
        .then(pl.lit("无在校生"))
        .otherwise(pl.lit(None, dtype=pl.String))
        .alias("excluded")
    )


def indicator_values(frame: pl.DataFrame, standard: Standard) -> pl.DataFrame:
    """Add one column per indicator: Σ numerator columns / pupils × per (null when any input is missing)."""
    exprs = []
    for ind in standard.indicators:
        value = pl.lit(None, dtype=pl.Float64)
        for stage in reversed(standard.stages):
            cols = ind.numerator.get(stage, ())
            total = pl.sum_horizontal(*cols) if cols else pl.lit(None)
            has_all = (
                pl.all_horizontal(*(pl.col(col).is_not_null() for col in cols)) if cols else pl.lit(False)
            )
            here = pl.when(has_all).then(total / pl.col("pupils") * ind.per)
            value = pl.when(pl.col("stage") == stage).then(here).otherwise(value)
        exprs.append(value.cast(pl.Float64).alias(ind.code))
    return frame.with_columns(exprs)
