"""Stage statistics, health, memberships, reported values and the planted missing values."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np
import polars as pl

from eduplan.demo.classes import STAGE_NAMES
from eduplan.demo.enrollment import GRADES
from eduplan.demo.layout import LOCALE_CODES, TOWN, URBAN, School
from eduplan.demo.names import CHINESE_ORDINALS
from eduplan.demo.params import series
from eduplan.demo.tabular import pick
from eduplan.facts import Facts

if TYPE_CHECKING:
    from eduplan.demo.generate import World

COMPULSORY_TYPES = ("primary", "teaching_point", "junior", "nine_year")


def stage_year_values(world: World) -> dict[str, np.ndarray]:
    """stage_year columns per unit and year (-1 = null)."""
    p, rng, units = world.params, world.rng, world.units
    schools = world.layout.schools
    pupils = world.pupils.sum(2)
    top = np.array([GRADES[STAGE_NAMES[int(s)]] - 1 for s in units.stage])
    last_top = world.pupils[np.arange(len(top)), :, top]
    graduates = np.zeros_like(pupils)
    graduates[:, 1:] = rng.binomial(last_top[:, :-1], float(p["graduate_share"]))
    locale = [LOCALE_CODES[schools[i].locale] for i in units.school]
    rates = np.array([p["transfers"][loc] for loc in locale])
    migrant_share = np.array([p["migrant_share"][loc] for loc in locale])
    private = np.array([schools[i].ownership == "private" for i in units.school])
    compulsory = np.isin(units.stage, (1, 2))
    migrant_share = np.where(private & compulsory, float(p["migrant_share"]["private_school"]), migrant_share)
    migrant = rng.binomial(pupils, migrant_share[:, None])
    purchased = np.where(private[:, None], rng.binomial(migrant, float(p["purchased_share"])), 0)
    boarding = np.array([schools[i].boarding for i in units.school])
    board_p = np.array([p["boarding_share"].get(STAGE_NAMES[int(s)], 0.0) for s in units.stage]) * boarding
    special = units.stage == 5
    disabled = np.where(special[:, None], pupils, rng.binomial(pupils, float(p["disabled_share"])))
    return {
        "entrants": world.pupils[:, :, 0],
        "graduates": graduates,
        "transfers_in": rng.binomial(pupils, rates[:, 0][:, None]),
        "transfers_out": rng.binomial(pupils, rates[:, 1][:, None]),
        "disabled": disabled,
        "migrant": migrant,
        "migrant_purchased": np.where(compulsory[:, None], purchased, -1),
        "boarders": rng.binomial(pupils, board_p[:, None]),
    }


def health_columns(world: World) -> dict[str, object]:
    """Tested, passing and good pupils; screened and myopic, for schools from primary up (not special)."""
    p, rng = world.params["health"], world.rng
    units = world.units
    pupils = world.pupils.sum(2)
    myopia_by_stage = np.array([p["myopia"].get(STAGE_NAMES[int(s)], 0.0) for s in units.stage])
    counted = np.isin(units.stage, (1, 2, 3, 4))
    school_pupils = world.to_schools(np.where(counted[:, None], pupils, 0))
    myopic_expected = world.to_schools(np.where(counted[:, None], pupils * myopia_by_stage[:, None], 0.0))
    s_idx, y_idx = np.nonzero(school_pupils[:, 1:] > 0)
    y_idx = y_idx + 1
    n = school_pupils[s_idx, y_idx]
    years = world.years[y_idx]
    tested = rng.binomial(n, float(p["tested"]))
    passed = rng.binomial(tested, float(p["passed"]))
    quality = rng.lognormal(0, world.params["noise"]["health_good_school"], len(world.layout.schools))[s_idx]
    good = np.minimum(rng.binomial(tested, np.clip(series(p["good"], years) * quality, 0, 0.95)), passed)
    screened = rng.binomial(n, float(p["screened"]))
    rate = myopic_expected[s_idx, y_idx] / n + float(p["myopia_trend"]) * (years - 2020)
    codes = [x.code for x in world.layout.schools]
    return {
        "school": pick(codes, s_idx), "year": years, "health_tested": tested, "health_passed": passed,
        "health_good": good, "vision_screened": screened, "myopic": rng.binomial(screened, np.clip(rate, 0, 1)),
    }  # fmt: skip


def membership_columns(world: World) -> Mapping[str, object]:
    """教育集团 (county-town and 镇区 centre schools) and 学区 (rural schools), joined in a fixed random order."""
    p, lay = world.params["memberships"], world.layout
    coverage = series(p["coverage"], world.years)
    start = {"group": int(p["group_start"]), "district": int(p["district_start"])}
    rows: dict[str, list[object]] = {"school": [], "year": [], "kind": [], "name": []}
    for c, members in enumerate(_compulsory_by_county(world)):
        order = np.random.default_rng([int(world.rng.integers(1 << 30)), c]).permutation(len(members))
        first_tw = lay.tw_county.index(c)
        name = lay.counties[c].name
        joined = [(members[r], *_membership_of(lay.schools[members[r]], first_tw, name)) for r in order]
        # 集团化 starts before 学区化: the first group school to join leads the queue.
        lead = next((k for k, (i, kind, _) in enumerate(joined)
                     if kind == "group" and lay.schools[i].opened <= start["group"]), 0)  # fmt: skip
        joined.insert(0, joined.pop(lead))
        for y, year in enumerate(world.years[1:], start=1):
            for i, kind, name in joined[: round(coverage[y] * len(members))]:
                if year >= start[kind] and world.open[i, y]:
                    for key, value in zip(rows, (lay.schools[i].code, int(year), kind, name), strict=True):
                        rows[key].append(value)
    return rows


def _compulsory_by_county(world: World) -> list[list[int]]:
    by_county: list[list[int]] = [[] for _ in world.layout.counties]
    for i, sc in enumerate(world.layout.schools):
        if sc.school_type in COMPULSORY_TYPES:
            by_county[world.layout.school_county[i]].append(i)
    return by_county


def _membership_of(sc: School, first_tw: int, county: str) -> tuple[str, str]:
    if sc.locale == URBAN or (sc.role == "centre" and sc.locale == TOWN):
        head = "实验中学" if sc.school_type == "junior" else "实验小学"
        return "group", f"{county}{head}教育集团"
    district = min((sc.township - first_tw) // 4, len(CHINESE_ORDINALS) - 1)
    return "district", f"{county}第{CHINESE_ORDINALS[district]}学区"


def plant_missing(facts: Facts) -> Facts:
    """A few values left missing on purpose (null, never 0), as real returns have them."""
    sy = facts.school_year
    first_county = facts.org_units.filter(pl.col("level") == "county")["code"][0]
    n = int(sy["school"].str.starts_with(first_county).sum())  # rows are grouped by school, county first
    if n == 0:
        return facts
    targets = {n // 7: "area_sports", n // 3: "teachers_backbone", n // 2: "equipment_value"}
    for row, column in targets.items():
        school, year = sy.row(row)[:2]
        hit = (pl.col("school") == school) & (pl.col("year") == year)
        sy = sy.with_columns(pl.when(hit).then(None).otherwise(pl.col(column)).alias(column))
    hy = facts.health_year
    if hy.height:
        school, year = hy.row(hy.height // 4)[:2]
        hit = (pl.col("school") == school) & (pl.col("year") == year)
        hy = hy.with_columns(pl.when(hit).then(None).otherwise(pl.col("myopic")).alias("myopic"))
    rep = facts.reported
    first = (pl.col("indicator") == "social_recognition") & (pl.col("year") == rep["year"].min())
    rep = rep.with_columns(
        pl.when(first).then(None).otherwise(pl.col(c)).alias(c) for c in ("value", "numerator", "denominator")
    )
    facts.school_year, facts.health_year, facts.reported = sy, hy, rep
    return facts
