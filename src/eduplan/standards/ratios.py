"""County-level ratios the evaluations need: from the indicators engine when it knows the code, else directly.

Each direct formula sums numerators and denominators over the county, never averaging school ratios.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import polars as pl

from eduplan.errors import EduplanError
from eduplan.facts import Facts
from eduplan.indicators.catalogue import load_catalogue
from eduplan.indicators.engine import compute
from eduplan.memo import per_facts
from eduplan.standards.county import County


@dataclass(frozen=True)
class Ratio:
    value: float | None
    numerator: float | None
    denominator: float | None
    origin: str  # "engine" or "direct"


def _ratio(num: float | None, den: float | None) -> Ratio:
    value = num / den if num is not None and den else None
    return Ratio(value, num, den, "direct")


def _enrolment(c: County, stage: str, year: int | None = None) -> pl.DataFrame:
    codes = c.schools.select(pl.col("code").alias("school"), "ownership")
    grades = c.facts.grade_year.filter((pl.col("year") == (year or c.year)) & (pl.col("stage") == stage))
    return grades.join(codes, on="school", how="inner")


def preschool_ger(c: County) -> Ratio:
    """学前三年毛入园率 = 在园幼儿数 / 3-5 周岁人口（县内各乡镇合计）."""
    pupils = _enrolment(c, "preschool")["enrollment"].sum()
    pop = c.facts.population.filter(
        (pl.col("year") == c.year)
        & pl.col("age").is_between(3, 5)
        & pl.col("township").str.starts_with(c.unit)
    )["population"]
    return _ratio(float(pupils), float(pop.sum()) if pop.len() else None)


def _preschool_share(c: County, ownerships: tuple[str, ...]) -> Ratio:
    frame = _enrolment(c, "preschool")
    part = frame.filter(pl.col("ownership").is_in(ownerships))["enrollment"].sum()
    return _ratio(float(part), float(frame["enrollment"].sum()))


def preschool_inclusive_share(c: County) -> Ratio:
    """普惠性幼儿园覆盖率 = 公办园与普惠性民办园在园幼儿 / 全部在园幼儿."""
    return _preschool_share(c, ("public", "private_inclusive"))


def preschool_public_share(c: County) -> Ratio:
    """公办园在园幼儿占比."""
    return _preschool_share(c, ("public",))


def migrant_public_purchased_share(c: County) -> Ratio:
    """随迁子女在公办学校与政府购买学位的民办学校就读的比例（义务教育阶段）."""
    codes = c.schools.select(pl.col("code").alias("school"), "ownership")
    rows = c.facts.stage_year.filter(
        (pl.col("year") == c.year) & pl.col("stage").is_in(["primary", "junior"])
    )
    rows = rows.join(codes, on="school", how="inner")
    public = float(rows.filter(pl.col("ownership") == "public")["migrant"].sum())
    bought = float(rows.filter(pl.col("ownership") != "public")["migrant_purchased"].sum())
    total = rows["migrant"].sum()
    return _ratio(public + bought, float(total) if rows["migrant"].is_not_null().any() else None)


def junior_retention_rate(c: County) -> Ratio:
    """初中三年巩固率 = 本年初三在校生 / 两年前初一在校生（同一届学生，全县合计）."""
    now = _enrolment(c, "junior").filter(pl.col("grade") == 3)["enrollment"]
    then = _enrolment(c, "junior", c.year - 2).filter(pl.col("grade") == 1)["enrollment"]
    if then.len() == 0:
        return _ratio(None, None)
    return _ratio(float(now.sum()), float(then.sum()))


DIRECT: dict[str, Callable[[County], Ratio]] = {
    "preschool_ger": preschool_ger,
    "preschool_inclusive_share": preschool_inclusive_share,
    "preschool_public_share": preschool_public_share,
    "migrant_public_purchased_share": migrant_public_purchased_share,
    "junior_retention_rate": junior_retention_rate,
}


def _engine_frame(facts: Facts, code: str) -> pl.DataFrame | None:
    """The engine's rows of `code` for every unit and year (None when the engine does not know the code);
    one run per facts serves every year a page evaluates."""

    def run() -> pl.DataFrame | None:
        try:
            return compute(facts, codes=[code])
        except EduplanError:
            return None  # the engine does not know the code: compute directly

    return per_facts(facts, ("engine", code), run)


def _from_engine(c: County, code: str) -> Ratio | None:
    frame = _engine_frame(c.facts, code)
    if frame is None:
        return None
    row = frame.filter((pl.col("unit") == c.unit) & (pl.col("year") == c.year) & (pl.col("code") == code))
    if row.is_empty() or row["value"][0] is None:
        return None
    r = row.row(0, named=True)
    # The engine gives percent indicators in percent (its catalogue's scale); the standards compare fractions.
    scale = load_catalogue().get(code).scale
    return Ratio(r["value"] / scale, r.get("numerator"), r.get("denominator"), "engine")


def county_ratio(c: County, code: str) -> Ratio:
    """The county's value of `code`: the engine's when it has one, else the direct formula's, else unknown."""
    direct = DIRECT.get(code)
    return _from_engine(c, code) or (direct(c) if direct else Ratio(None, None, None, "engine"))


def reported(c: County, indicator: str, unit: str | None = None) -> float | None:
    """A value reported directly for the county (or `unit`) in `facts.reported`."""
    rows = c.facts.reported.filter(
        (pl.col("unit") == (unit or c.unit)) & (pl.col("year") == c.year) & (pl.col("indicator") == indicator)
    )
    return rows["value"][0] if rows.height else None
