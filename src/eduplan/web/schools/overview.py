"""The county page's figures: each school's and township's latest statistics, computed on the facts frames.

Pure Polars (no Django), so that it can be tested on hand-made facts. Totals are sums over grades and
schools; a figure nobody reported stays null (shown as —), never 0.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from eduplan.facts import LOCALES, OWNERSHIPS, SCHOOL_TYPES, Facts


@dataclass(frozen=True)
class Overview:
    year: int | None  # the school year shown: the one asked for, else the latest with enrollment
    years: list[int]  # the school years with enrollment, newest first
    schools: pl.DataFrame  # one row per school, sorted by township then code
    townships: pl.DataFrame  # one row per township of the region

    def totals(self) -> dict[str, int | None]:
        """The region's schools, pupils, classes, large classes and teachers in the latest year."""
        sums = self.townships.select(
            _total(c) for c in ("enrollment", "classes", "large_classes", "teachers")
        )
        return {"schools": self.schools.height, **sums.row(0, named=True)}


def _total(column: str) -> pl.Expr:
    """Sum that stays null when every value is missing (rather than 0)."""
    return pl.when(pl.col(column).is_not_null().any()).then(pl.col(column).sum()).alias(column)


def _ratio(numerator: str, denominator: str, name: str) -> pl.Expr:
    return (
        pl.when(pl.col(denominator) > 0)
        .then(pl.col(numerator) / pl.col(denominator))
        .otherwise(None)
        .alias(name)
    )


def county_overview(facts: Facts, year: int | None = None) -> Overview:
    """Enrollment, classes, large classes and teachers of every school and township in one school year."""
    grades = facts.grade_year
    years = sorted(set(grades.filter(pl.col("enrollment").is_not_null())["year"]), reverse=True)
    latest = year if year in years else (years[0] if years else None)
    by_school = (
        grades.filter(pl.col("year") == latest)
        .group_by("school")
        .agg(_total("enrollment"), _total("classes"), _total("classes_56_65"), _total("classes_66_plus"))
        .with_columns(
            pl.when(pl.col("classes_56_65").is_null() & pl.col("classes_66_plus").is_null())
            .then(None)
            .otherwise(pl.col("classes_56_65").fill_null(0) + pl.col("classes_66_plus").fill_null(0))
            .alias("large_classes")
        )
    )
    teachers = facts.school_year.filter(pl.col("year") == latest).select("school", "teachers")
    townships = facts.org_units.select(
        pl.col("code").alias("township"), pl.col("name").alias("township_name")
    )
    schools = (
        facts.schools.select("code", "name", "township", "school_type", "ownership", "locale")
        .join(by_school, left_on="code", right_on="school", how="left")
        .join(teachers, left_on="code", right_on="school", how="left")
        .join(townships, on="township", how="left")
        .with_columns(
            pl.col("school_type")
            .replace_strict({k: v[0] for k, v in SCHOOL_TYPES.items()}, default=None)
            .alias("type_name"),
            pl.col("ownership").replace_strict(OWNERSHIPS, default=None).alias("ownership_name"),
            pl.col("locale").replace_strict(LOCALES, default=None).alias("locale_name"),
            _ratio("enrollment", "classes", "class_size"),
            _ratio("enrollment", "teachers", "pupils_per_teacher"),
        )
        .sort("township", "code")
    )
    return Overview(latest, years, schools, _by_township(facts, schools))


def _by_township(facts: Facts, schools: pl.DataFrame) -> pl.DataFrame:
    sums = schools.group_by("township").agg(
        pl.len().alias("school_count"),
        *(_total(c) for c in ("enrollment", "classes", "large_classes", "teachers")),
    )
    return (
        facts.org_units.filter(pl.col("level") == "township")
        .select(pl.col("code").alias("township"), pl.col("name").alias("township_name"))
        .join(sums, on="township", how="left")
        .with_columns(pl.col("school_count").fill_null(0), _ratio("enrollment", "classes", "class_size"))
        .sort("township")
    )


def school_history(facts: Facts) -> pl.DataFrame:
    """One school's figures by school year (the facts of a single school, as `load_facts(code)` gives them)."""
    grades = facts.grade_year.group_by("year").agg(
        _total("enrollment"), _total("classes"), _total("classes_56_65"), _total("classes_66_plus")
    )
    entrants = facts.stage_year.group_by("year").agg(_total("entrants"), _total("graduates"))
    staff = facts.school_year.select("year", "teachers", "staff")
    years = pl.concat([f.select("year") for f in (grades, entrants, staff)]).unique()
    return (
        years.join(grades, on="year", how="left")
        .join(entrants, on="year", how="left")
        .join(staff, on="year", how="left")
        .with_columns(
            _ratio("enrollment", "classes", "class_size"),
            _ratio("enrollment", "teachers", "pupils_per_teacher"),
        )
        .sort("year")
    )
