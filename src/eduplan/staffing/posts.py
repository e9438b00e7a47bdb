"""Posts due against teachers in post, per school and subject: now, and years ahead from the enrollment forecast.

In post comes from the teacher records (专任教师名册) of the school and year when there are any; a school that
reported only the aggregate forms (教基4155) is compared on what those carry: PE, arts (music and art
together) and all teachers. `gap` = required − in post: above 0 a shortage (缺编), below 0 a surplus (超编).
"""

from __future__ import annotations

import math

import polars as pl

from eduplan.errors import DataError, NotFound
from eduplan.facts import STAGE_NAMES, SUBJECTS, Facts
from eduplan.staffing.norms import COMPULSORY, SHARED, Norms, establishment, load_norms, subject_demand

ARTS, TOTAL = "arts", "total"
SUBJECT_NAMES = {
    **{k: v for k, v in SUBJECTS.items() if k not in ("labour", "practice", "psychology", "other")},
    SHARED: "可兼任课程（劳动、综合实践、心理健康、地方与校本）",
    ARTS: "艺术（音乐、美术）",
    TOTAL: "合计",
}
PRIORITY = ("pe", "music", "art", ARTS)  # 音体美: the pages and the plan list them first
RETIREMENT_AGE = 60  # the general statutory age; the records carry no sex, so one age for all
TABLE_SCHEMA = {
    "school": pl.String,
    "name": pl.String,
    "locale": pl.String,
    "stage": pl.String,
    "subject": pl.String,
    "required": pl.Float64,
    "in_post": pl.Int64,
    "gap": pl.Float64,
    "source": pl.String,
}


def norms_for(unit: str) -> Norms:
    return load_norms(unit[:2])


def county_schools(facts: Facts, unit: str, year: int) -> pl.DataFrame:
    """The compulsory-stage schools of `unit` open in `year` (NotFound when there are none)."""
    schools = facts.schools.filter(
        pl.col("township").str.starts_with(unit)
        & (pl.col("opened_year").is_null() | (pl.col("opened_year") <= year))
        & (pl.col("closed_year").is_null() | (pl.col("closed_year") > year))
    )
    teaching = facts.grade_year.filter(
        (pl.col("year") == year) & pl.col("stage").is_in(COMPULSORY) & (pl.col("enrollment").fill_null(0) > 0)
    )["school"].unique()
    schools = schools.filter(pl.col("code").is_in(teaching.implode()))
    if schools.is_empty():
        raise NotFound(
            f"{unit} 在 {year} 学年没有义务教育学校的在校生统计",
            english=f"no compulsory schools in {unit} for {year}",
        )
    return schools


def classes_of(facts: Facts, year: int, codes: list[str]) -> pl.DataFrame:
    """school, stage, grade, classes, enrollment of the compulsory stages in `year`."""
    return facts.grade_year.filter(
        (pl.col("year") == year) & pl.col("stage").is_in(COMPULSORY) & pl.col("school").is_in(codes)
    ).select("school", "stage", "grade", "classes", "enrollment")


def roster(facts: Facts, codes: list[str], year: int) -> pl.DataFrame:
    """The compulsory-stage teacher records of these schools in `year`."""
    return facts.teachers.filter(
        (pl.col("year") == year) & pl.col("school").is_in(codes) & pl.col("stage").is_in(COMPULSORY)
    )


def in_post(teachers: pl.DataFrame, norms: Norms) -> pl.DataFrame:
    """school, stage, pool, in_post: teachers counted in the demand pool of their main subject."""
    pools = pl.col("subject").replace_strict(norms.pools, default=pl.col("subject"))
    return (
        teachers.with_columns(pools.alias("pool"))
        .group_by("school", "stage", "pool")
        .agg(pl.len().cast(pl.Int64).alias("in_post"))
    )


def _with_gap(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.with_columns((pl.col("required") - pl.col("in_post")).alias("gap"))


def _from_records(demand: pl.DataFrame, posted: pl.DataFrame, codes: list[str]) -> pl.DataFrame:
    rows = (
        demand.select("school", "stage", "pool", "required")
        .filter(pl.col("school").is_in(codes))
        .join(posted, on=["school", "stage", "pool"], how="full", coalesce=True)
        .with_columns(pl.col("required").fill_null(0.0), pl.col("in_post").fill_null(0))
    )
    totals = rows.group_by("school", "stage").agg(pl.col("required").sum(), pl.col("in_post").sum())
    totals = totals.with_columns(pl.lit(TOTAL).alias("pool"))
    both = pl.concat([rows, totals.select(rows.columns)])
    return _with_gap(both).rename({"pool": "subject"}).with_columns(pl.lit("records").alias("source"))


def _from_aggregates(demand: pl.DataFrame, school_year: pl.DataFrame, codes: list[str]) -> pl.DataFrame:
    """PE, arts and all teachers of schools without records: demand of both stages against the school's forms."""
    mine = demand.filter(pl.col("school").is_in(codes))
    pool = pl.col("pool")
    wanted = {
        "pe": (pool == "pe", "teachers_pe"),
        ARTS: (pool.is_in(["music", "art"]), "teachers_arts"),
        TOTAL: (pl.lit(True), "teachers"),
    }
    parts = []
    for subject, (which, column) in wanted.items():
        need = mine.filter(which).group_by("school").agg(pl.col("required").sum())
        have = school_year.select("school", pl.col(column).cast(pl.Int64).alias("in_post"))
        parts.append(
            need.join(have, on="school", how="left").with_columns(
                pl.lit(None, pl.String).alias("stage"), pl.lit(subject).alias("subject")
            )
        )
    frame = pl.concat([p.select("school", "stage", "subject", "required", "in_post") for p in parts])
    return _with_gap(frame).with_columns(pl.lit("aggregate").alias("source"))


def subject_table(facts: Facts, unit: str, year: int, norms: Norms | None = None) -> pl.DataFrame:
    """school, name, locale, stage, subject, required, in_post, gap, source for the compulsory schools of `unit`."""
    norms = norms or norms_for(unit)
    schools = county_schools(facts, unit, year)
    codes = schools["code"].to_list()
    demand = subject_demand(classes_of(facts, year, codes), norms)
    teachers = roster(facts, codes, year)
    return _compare(facts, schools, demand, teachers, teachers["school"].unique().to_list(), year, norms)


def _compare(
    facts: Facts, schools: pl.DataFrame, demand: pl.DataFrame, teachers: pl.DataFrame, recorded: list[str],
    year: int, norms: Norms,
) -> pl.DataFrame:  # fmt: skip
    codes = schools["code"].to_list()
    aggregate = [c for c in codes if c not in set(recorded)]
    school_year = facts.school_year.filter(pl.col("year") == year)
    parts = [_from_records(demand, in_post(teachers, norms), recorded)]
    if aggregate:
        parts.append(_from_aggregates(demand, school_year, aggregate))
    info = schools.select(pl.col("code").alias("school"), "name", "locale")
    frame = pl.concat(
        [p.select("school", "stage", "subject", "required", "in_post", "gap", "source") for p in parts]
    )
    return (
        frame.join(info, on="school")
        .select(list(TABLE_SCHEMA))
        .cast(TABLE_SCHEMA)  # type: ignore[arg-type]
        .sort("school", "stage", "subject", nulls_last=True)
    )


def county_totals(table: pl.DataFrame) -> pl.DataFrame:
    """subject, required, in_post, gap, shortage, surplus: shortage and surplus summed school by school, so
    that one school's surplus does not hide another's shortage."""
    return (
        table.filter(pl.col("in_post").is_not_null())
        .group_by("subject")
        .agg(
            pl.col("required").sum(),
            pl.col("in_post").sum(),
            pl.col("gap").sum(),
            pl.col("gap").clip(lower_bound=0).sum().alias("shortage"),
            (-pl.col("gap")).clip(lower_bound=0).sum().alias("surplus"),
        )
        .sort("subject")
    )


# ---------------------------------------------------------------------------------------------- 编制


def establishment_table(facts: Facts, unit: str, year: int, norms: Norms | None = None) -> pl.DataFrame:
    """school, name, locale, due, staff, gap, basis: 编制 due (教职工, every stage) against 教职工数 in post."""
    norms = norms or norms_for(unit)
    schools = facts.schools.filter(pl.col("township").str.starts_with(unit))
    grades = facts.grade_year.filter(
        (pl.col("year") == year) & pl.col("school").is_in(schools["code"].implode())
    )
    stages = grades.group_by("school", "stage").agg(
        pl.col("enrollment").sum().alias("pupils"), pl.col("classes").sum()
    )
    if stages.is_empty():
        raise NotFound(f"{unit} 没有 {year} 学年的在校生统计", english=f"no enrolment in {unit} for {year}")
    boarders = facts.stage_year.filter(pl.col("year") == year).select("school", "stage", "boarders")
    compulsory = (
        stages.filter(pl.col("stage").is_in(COMPULSORY))
        .group_by("school")
        .agg(pl.col("pupils").sum().alias("school_pupils"))
    )
    frame = (
        stages.join(boarders, on=["school", "stage"], how="left")
        .join(compulsory, on="school", how="left")
        .join(schools.select(pl.col("code").alias("school"), "locale"), on="school")
    )
    due = establishment(frame, norms)
    per_school = due.group_by("school").agg(
        pl.col("due").sum(),
        pl.concat_str(pl.col("stage").replace_strict(STAGE_NAMES), pl.lit("："), pl.col("basis"))
        .sort_by("stage")
        .str.join("；")
        .alias("basis"),
    )
    staff = facts.school_year.filter(pl.col("year") == year).select("school", "staff")
    info = schools.select(pl.col("code").alias("school"), "name", "locale")
    return (
        per_school.join(info, on="school")
        .join(staff, on="school", how="left")
        .with_columns((pl.col("due") - pl.col("staff")).alias("gap"))
        .select("school", "name", "locale", "due", "staff", "gap", "basis")
        .sort("school")
    )


# ---------------------------------------------------------------------------------------------- years ahead


def projected_classes(enrollment: pl.DataFrame, sizes: pl.DataFrame) -> pl.DataFrame:
    """school, year, stage, grade, classes from projected pupils: ⌈pupils ÷ standard class size⌉, one class
    for a grade of fewer pupils than that, none for a grade projected empty (under half a pupil)."""
    joined = enrollment.join(sizes, on=["stage", "grade"])
    classes = [
        0 if e < 0.5 else max(1, math.ceil(e / s - 1e-9))
        for e, s in zip(joined["enrollment"], joined["size"], strict=True)
    ]
    return joined.with_columns(pl.Series("classes", classes, pl.Int64))


def outlook(
    facts: Facts, unit: str, origin: int, horizon: int = 5, norms: Norms | None = None,
    retirement_age: int = RETIREMENT_AGE,
) -> pl.DataFrame:  # fmt: skip
    """The subject table for origin + 1 … origin + horizon: classes from the enrollment forecast; in post the
    origin year's teachers who have not yet reached `retirement_age` (aggregates: unchanged). Adds `year`."""
    from eduplan.forecast.places import class_sizes
    from eduplan.forecast.report import school_forecast

    norms = norms or norms_for(unit)
    schools = county_schools(facts, unit, origin)
    codes = schools["code"].to_list()
    try:
        forecast = school_forecast(facts, origin, horizon).frame
    except DataError as exc:
        raise DataError(f"无法预测 {origin} 年以后的在校生：{exc.message}", english=exc.english) from exc
    enrollment = forecast.rename({"unit": "school"}).filter(
        pl.col("school").is_in(codes) & pl.col("stage").is_in(COMPULSORY)
    )
    classes = projected_classes(enrollment, class_sizes())
    teachers = roster(facts, codes, origin)
    recorded = teachers["school"].unique().to_list()
    years = []
    for year in range(origin + 1, origin + horizon + 1):
        demand = subject_demand(classes.filter(pl.col("year") == year), norms)
        staying = teachers.filter(
            pl.col("birth_year").is_null() | (pl.col("birth_year") + retirement_age > year)
        )
        frame = _compare(facts, schools, demand, staying, recorded, origin, norms)
        years.append(frame.with_columns(pl.lit(year, pl.Int64).alias("year")))
    return pl.concat(years)
