"""The demo's money, as a function of its facts: each school's allocation around its floor, every county's budget.

Schools: most get their floor or a little more; a few are underfunded from a drawn year on; some small schools
are funded on their actual pupils (the 100-pupil rule ignored); a few have not reported the last year. Counties:
一般公共预算教育支出 per student grows each year but falls once (the demo county in 2022); teachers' pay is drawn
around civil servants' (below it in some years); the last year's civil-servant reference is not yet published.
Numbers and shares are in params.yaml (`finance`).
"""

from __future__ import annotations

import numpy as np
import polars as pl

from eduplan.demo.params import Params, load_params
from eduplan.facts import Facts
from eduplan.finance.floors import floors, stage_counts

DEMO_COUNTY = "990101"  # repeated from eduplan.demo to avoid a cycle: that package imports this module


def generate_finance(facts: Facts) -> Facts:
    """`facts` with school_finance and county_finance filled in for every county and year it holds."""
    params = load_params()
    counts = stage_counts(
        facts, facts.school_year["year"].unique().to_list()
    )  # not the enrollment-only history
    result = floors(counts, facts.schools)
    facts.school_finance = _schools(result.schools, facts, params)
    facts.county_finance = _counties(counts, facts, params)
    return facts


def _rng(params: Params, *keys: int) -> np.random.Generator:
    return np.random.default_rng([int(params["seed"]), 16, *keys])


def _schools(floored: pl.DataFrame, facts: Facts, params: Params) -> pl.DataFrame:
    p = params["finance"]
    rows = floored.select("school", "year", "county", "floor", "pupils", "counted_pupils").sort(
        "school", "year"
    )
    codes = rows["school"].unique().sort()
    rng = _rng(params, 1)
    under = rng.random(len(codes)) < float(p["under_share"])
    first = rng.integers(int(p["under_from"][0]), int(p["under_from"][1]) + 1, len(codes))
    on_actual = rng.random(len(codes)) < float(p["small_on_actual"])
    late_draw = rng.random(len(codes))
    project = rng.random(len(codes)) < float(p["project_share"])
    per_school = pl.DataFrame(
        {
            "school": codes,
            "under": under,
            "first": first,
            "on_actual": on_actual,
            "late": late_draw,
            "project": project,
        }
    )
    lo, hi = (float(x) for x in p["allocation_above"])
    ulo, uhi = (float(x) for x in p["under_factor"])
    n = rows.height
    draws = pl.DataFrame({"above": rng.uniform(lo, hi, n), "below": rng.uniform(ulo, uhi, n),
                          "project_yuan": rng.uniform(5e5, 3e6, n)})  # fmt: skip
    last = rows["year"].max()
    # At least one school per county has not reported its last year yet: rank the draws within the county.
    county = pl.col("county")
    in_last = (pl.col("year") == last).cast(pl.Int64)
    late = (pl.col("late") * in_last).rank("ordinal", descending=True).over(county) <= (
        (in_last.sum().over(county) * float(p["unreported_last_year"])).round(0).clip(1)
    )
    factor = (
        pl.when(pl.col("under") & (pl.col("year") >= pl.col("first")))
        .then(pl.col("below"))
        .when(pl.col("on_actual") & (pl.col("counted_pupils") > pl.col("pupils")))
        .then(pl.col("pupils") / pl.col("counted_pupils"))
        .otherwise(pl.col("above"))
    )
    allocated = (pl.col("floor") * factor / 100).floor() * 100  # whole hundreds of 元, as budgets are written
    teachers = facts.school_year.select("school", "year", "teachers")
    salary = float(params["salary_per_teacher"])
    return (
        pl.concat([rows, draws], how="horizontal")
        .join(per_school, on="school")
        .join(teachers, on=["school", "year"], how="left")
        .with_columns(pl.when(~(late & (pl.col("year") == last))).then(allocated).alias("allocated"))
        .select(
            "school",
            "year",
            "allocated",
            (pl.col("teachers") * salary).alias("budget_personnel"),
            pl.col("allocated").alias("budget_public"),
            pl.when(pl.col("project"))
            .then((pl.col("project_yuan") / 1e4).round(0) * 1e4)
            .alias("budget_project"),
        )
    )


def _counties(counts: pl.DataFrame, facts: Facts, params: Params) -> pl.DataFrame:
    towns = facts.schools.select(
        pl.col("code").alias("school"), pl.col("township").str.slice(0, 6).alias("county")
    )
    known = facts.org_units.filter(pl.col("level") == "county")["code"].to_list()
    years = facts.school_finance["year"].unique().to_list()
    students = (
        counts.join(towns, on="school")
        .filter(pl.col("county").is_in(known) & pl.col("year").is_in(years))
        .group_by("county", "year")
        .agg(pl.col("pupils").sum().cast(pl.Int64).alias("students"))
        .sort("county", "year")
    )
    parts = [
        _county(county, part, params) for (county,), part in students.group_by("county", maintain_order=True)
    ]
    return pl.concat(parts) if parts else facts.county_finance


def _county(county: str, rows: pl.DataFrame, params: Params) -> pl.DataFrame:
    p = params["finance"]
    rng = _rng(params, 2, int(county))
    years = rows["year"].to_list()
    fall_year = int(p["fall_year"]) if county == DEMO_COUNTY else int(rng.choice(years[1:]))
    lo, hi = (float(x) for x in p["per_student_growth"])
    per_student, per = [], float(p["per_student"]) * float(rng.uniform(0.85, 1.15))
    for i, year in enumerate(years):
        if i:
            per *= 1 - float(p["fall"]) if year == fall_year else 1 + float(rng.uniform(lo, hi))
        per_student.append(per)
    spending = np.round(np.array(per_student) * rows["students"].to_numpy() / 1e4, 1)  # 万元
    civil = float(p["civil_servant_pay"]) * 1.05 ** (np.array(years) - years[0])
    low, high = (float(x) for x in p["teacher_pay_ratio"])
    ratio = rng.uniform(low, high, len(years))
    civil_known = np.where(np.array(years) == years[-1], np.nan, np.round(civil, -1))  # not yet published
    return pl.DataFrame(
        {
            "county": county,
            "year": years,
            "education_spending": spending,
            "education_surcharge": np.round(spending * float(p["surcharge_share"]), 1),
            "students": rows["students"],
            "teacher_pay": np.round(civil * ratio, -1),
            "civil_servant_pay": civil_known,
            "total_spending": np.round(spending / float(p["budget_share"]), 1),
            "gdp": np.round(spending / float(p["gdp_share"]), 0),
        },
        schema_overrides={"year": pl.Int64},
        nan_to_null=True,
    )
