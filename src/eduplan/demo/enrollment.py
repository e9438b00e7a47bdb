"""Enrollment by school, stage, year and grade, following birth cohorts.

A school keeps a steady share of the cohort it takes in (its share is fixed when the cohort enters), so
grade g in year t is grade g-1 in year t-1 times the cohort's survival and migration in the township.
Rural pupils who choose county-town schools (进城就读) are pooled per county and shared among the town's
schools; senior, vocational and special schools draw on the whole county.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from eduplan.demo.layout import COUNTY_POOLED, STAGE_INDEX, TOWN, URBAN, Layout
from eduplan.demo.params import Params, series
from eduplan.demo.population import People

MAX_GRADES = 9
FIRST_AGE = {"preschool": 3, "primary": 6, "junior": 12, "senior": 15, "vocational": 15, "special": 6}
GRADES = {"preschool": 3, "primary": 6, "junior": 3, "senior": 3, "vocational": 3, "special": 9}
ROLE_WEIGHT_KEY = {"village_kg": "public_kg"}


@dataclass(frozen=True)
class Units:
    """School-stage units: the unit of enrollment (a nine-year school has a primary and a junior unit)."""

    school: np.ndarray
    stage: np.ndarray
    township: np.ndarray
    county: np.ndarray
    weight: np.ndarray
    drift: np.ndarray
    opened: np.ndarray
    closed: np.ndarray  # 9999 when open throughout
    receiver: np.ndarray  # unit taking the pupils when this one closes (itself when never closed)


def build_units(layout: Layout, params: Params, school_idx: np.ndarray, stage_idx: np.ndarray) -> Units:
    schools = layout.schools
    drift_of = {role: float(v["drift"]) for role, v in params["weights"].items() if isinstance(v, dict)}
    role = [schools[i].role for i in school_idx]
    tw = np.array([schools[i].township for i in school_idx], dtype=np.int64)
    closed = np.array([schools[i].closed or 9999 for i in school_idx], dtype=np.int64)
    receiver = np.arange(len(school_idx))
    centre = {(int(t), int(s)): u for u, (t, s, r) in enumerate(zip(tw, stage_idx, role, strict=True))
              if r == "centre" and closed[u] == 9999}  # fmt: skip
    for u in np.flatnonzero(closed < 9999):
        receiver[u] = centre.get((int(tw[u]), int(stage_idx[u])), u)
    return Units(
        school=school_idx,
        stage=stage_idx,
        township=tw,
        county=np.array(layout.tw_county, dtype=np.int64)[tw],
        weight=np.array([schools[i].weight for i in school_idx]),
        drift=np.array([drift_of[ROLE_WEIGHT_KEY.get(r, r)] for r in role]),
        opened=np.array([schools[i].opened for i in school_idx], dtype=np.int64),
        closed=closed,
        receiver=receiver,
    )


def _out_to_town(layout: Layout, params: Params, stage: str, cohorts: np.ndarray) -> np.ndarray:
    """Share of each township's cohort that goes to county-town schools: (townships, years, grades)."""
    locale = np.array(layout.tw_locale)
    factor = np.where(
        locale == URBAN, 0.0, np.where(locale == TOWN, params["to_town"]["town_locale_factor"], 1.0)
    )
    if stage not in params["to_town"]:
        return np.zeros((len(locale), *cohorts.shape))
    rate = series(params["to_town"][stage], cohorts)
    urbanising = np.array([c.urbanising for c in layout.counties])[np.array(layout.tw_county)]
    return np.minimum(factor * urbanising, 0.9)[:, None, None] * rate[None, :, :]


def _demand(layout: Layout, params: Params, people: People, stage: str, cohorts: np.ndarray) -> np.ndarray:
    """Pupils wanted per group (township, or county for pooled stages): (groups, years, grades)."""
    ages = FIRST_AGE[stage] + np.arange(GRADES[stage])
    pop = people.population[:, :, ages]
    years = people.years[:, None] + 0 * ages[None, :]
    when = years if stage == "preschool" else cohorts
    demand = pop * series(params["participation"][stage], when)[None, :, :]
    tw_county = np.array(layout.tw_county)
    if stage in ("preschool", "senior"):  # where counties differ most (普及 of 学前 and 高中阶段)
        demand *= np.array([c.access for c in layout.counties])[tw_county][:, None, None]
    if stage in COUNTY_POOLED:
        pooled = np.zeros((len(layout.counties), *demand.shape[1:]))
        np.add.at(pooled, tw_county, demand)
        return pooled
    if stage == "junior":
        caught = np.zeros_like(demand)
        np.add.at(caught, np.array(layout.tw_junior_catch), demand)
        demand = caught
    out = demand * _out_to_town(layout, params, stage, cohorts)
    demand = demand - out
    town_pool = np.zeros((len(layout.counties), *demand.shape[1:]))
    np.add.at(town_pool, tw_county, out)
    urban_tw = np.flatnonzero(np.array(layout.tw_locale) == URBAN)
    demand[urban_tw] += town_pool[tw_county[urban_tw]]
    return demand


def simulate_enrollment(
    layout: Layout, params: Params, people: People, units: Units, rng: np.random.Generator
) -> np.ndarray:
    """Pupils (float) per unit, year and grade: (units, years, MAX_GRADES)."""
    years = people.years
    first_cohort = int(params["sim_first_cohort"])
    cohort_noise = rng.lognormal(
        0.0,
        params["noise"]["cohort_share"],
        (len(units.school), int(params["last_supported_year"]) - first_cohort + 1),
    )
    out = np.zeros((len(units.school), len(years), MAX_GRADES))
    for stage, s in STAGE_INDEX.items():
        members = np.flatnonzero(units.stage == s)
        if len(members) == 0:
            continue
        n = GRADES[stage]
        cohorts = years[:, None] - np.arange(n)[None, :]
        group = units.county[members] if stage in COUNTY_POOLED else units.township[members]
        demand = _demand(layout, params, people, stage, cohorts)
        w = units.weight[members][:, None, None] * np.exp(
            units.drift[members][:, None, None] * (cohorts - 2016)
        )
        w = (
            w
            * (cohorts[None] >= units.opened[members][:, None, None])
            * cohort_noise[members][:, cohorts - first_cohort]
        )
        norm = np.zeros((demand.shape[0], *w.shape[1:]))
        np.add.at(norm, group, w)
        share = w / np.where(norm[group] > 0, norm[group], 1.0)
        out[members, :, :n] = share * demand[group]
    out *= rng.lognormal(0.0, params["noise"]["cell"], out.shape)
    return _close(out, units, years)


def _close(pupils: np.ndarray, units: Units, years: np.ndarray) -> np.ndarray:
    """Closed units hand their pupils to their township's centre school."""
    for u in np.flatnonzero(units.closed < 9999):
        after = years >= units.closed[u]
        pupils[units.receiver[u], after] += pupils[u, after]
        pupils[u, after] = 0.0
    return pupils
