"""School-year statistics: teachers (summed from units) and facilities, sized by school places."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from eduplan.demo.classes import STAGE_NAMES
from eduplan.demo.layout import LOCALE_CODES, URBAN
from eduplan.demo.params import series
from eduplan.demo.staffing import KG_NAME, qualifications, staff_of, teacher_roles, unit_teachers

if TYPE_CHECKING:
    from eduplan.demo.generate import World

QUALIFICATIONS = ("teachers_postgrad", "teachers_bachelor", "teachers_college", "teachers_secondary")


def _stage_key(stage_index: int) -> str:
    stage = STAGE_NAMES[stage_index]
    return KG_NAME.get(stage, stage)


def capacity(world: World) -> np.ndarray:
    """核定学位: pupils around 2018 (or at their most, for new schools) times a locale factor."""
    pupils = world.to_schools(world.pupils.sum(2)).astype(np.float64)
    factor_of = world.params["capacity_factor"]
    ref = min(max(2018, int(world.years[0])), int(world.years[-1])) - int(world.years[0])
    schools = world.layout.schools
    new = np.array([sc.opened > 2015 for sc in schools])
    pooled = np.array([sc.school_type in ("senior", "vocational", "special") for sc in schools])
    locale = np.array([factor_of[LOCALE_CODES[sc.locale]] for sc in schools])
    base = np.maximum(np.where(new, pupils.max(1), pupils[:, ref]), 20.0)
    return np.round(base * np.where(pooled, float(factor_of["county"]), locale) / 10) * 10


def _per_place(world: World, key: str) -> np.ndarray:
    """A per-place norm for each school, weighted by its pupils in each stage."""
    norm = np.array([float(world.params[key][_stage_key(int(s))]) for s in world.units.stage])
    pupils = world.pupils.sum((1, 2)).astype(np.float64) + 1.0
    return world.to_schools(norm * pupils) / world.to_schools(pupils)


def _expansion(world: World) -> np.ndarray:
    """Cumulative growth of county-town schools' buildings (new 校舍 in the expansion years)."""
    urban = np.array([sc.locale == URBAN for sc in world.layout.schools])
    grow = np.ones(len(world.years))
    for year, share in world.params["expansion"].items():
        grow = grow * np.where(world.years >= int(year), 1.0 + float(share), 1.0)
    return np.where(urban[:, None], grow[None, :], 1.0)


def _resources(world: World) -> np.ndarray:
    """Each school's county's resource level (1.0: the demo county's), as a column."""
    lay = world.layout
    return np.array([lay.counties[lay.tw_county[sc.township]].resources for sc in lay.schools])[:, None]


def facilities(world: World) -> dict[str, np.ndarray]:
    p, rng, n = world.params, world.rng, len(world.layout.schools)
    sd = p["noise"]
    places = capacity(world)[:, None] * _expansion(world) * _resources(world)
    teaching = (
        places
        * _per_place(world, "area_teaching_per_place")[:, None]
        * rng.lognormal(0, sd["area_teaching"], (n, 1))
    )
    sports = (
        places
        * _per_place(world, "area_sports_per_place")[:, None]
        * rng.lognormal(0, sd["area_sports"], (n, 1))
    )
    junior = world.to_schools(world.pupils.sum((1, 2)) * (world.units.stage == 2)) > 0
    equip = (
        places
        * series(p["equipment_per_place"], world.years)[None, :]
        * np.where(junior, float(p["junior_equipment_factor"]), 1.0)[:, None]
    )
    equip = equip * rng.lognormal(0, sd["equipment"], (n, 1))
    classes = world.to_schools(world.classes.total.sum(2))
    mm = (
        classes
        * _resources(world)
        * series(p["multimedia_per_class"], world.years)[None, :]
        * rng.lognormal(0, sd["multimedia"], (n, 1))
    )
    pupils = world.to_schools(world.pupils.sum(2))
    rooms = np.where(classes >= 6, 1 + classes // 24, 0)
    books_norm = _per_place(world, "books_per_pupil")[:, None]
    return {
        "area_building": np.round(
            teaching * float(p["building_per_teaching"]) * rng.lognormal(0, sd["area_building"], (n, 1)), 1
        ),
        "area_teaching": np.round(teaching, 1),
        "area_sports": np.round(sports, 1),
        "equipment_value": np.round(equip, -2),
        "multimedia_classrooms": np.rint(mm).astype(np.int64),
        "computers": np.rint(
            pupils * float(p["computers_per_pupil"]) * rng.lognormal(0, sd["computers"], (n, 1)) + 4
        ).astype(np.int64),
        "books": np.rint(
            pupils * books_norm * _resources(world) * rng.lognormal(0, sd["books"], (n, 1))
        ).astype(np.int64),
        "music_rooms": rooms.astype(np.int64),
        "art_rooms": rooms.astype(np.int64),
    }


def funds(world: World, teachers: np.ndarray) -> dict[str, np.ndarray]:
    """生均公用经费 at the national basic standard (small schools funded as 100 pupils), and the budget."""
    p = world.params
    pupils = world.to_schools(world.pupils.sum(2)).astype(np.float64)
    standard = _per_place(world, "public_funds_per_pupil")[:, None] * series(
        p["public_funds_index"], world.years
    )
    funded = np.maximum(pupils, float(p["funded_minimum_pupils"]))
    per_pupil = np.divide(standard * funded, pupils, out=np.zeros_like(pupils), where=pupils > 0)
    budget = standard * funded + teachers * float(p["salary_per_teacher"])
    return {"public_funds_per_pupil": np.round(per_pupil, 1), "budget": np.round(budget, -2)}


def teacher_values(world: World) -> dict[str, np.ndarray]:
    units, years, rng = world.units, world.years, world.rng
    pupils = world.pupils.astype(np.float64)
    per_unit = unit_teachers(world.layout, world.params, units, pupils, world.classes.total, years, rng)
    out: dict[str, np.ndarray] = {"teachers": world.to_schools(per_unit)}
    for name, part in zip(
        QUALIFICATIONS, qualifications(world.params, units, per_unit, years, rng), strict=True
    ):
        out[name] = world.to_schools(part)
    roles = teacher_roles(world.params, units, per_unit, years, rng)
    for name, arr in roles.items():
        summed = world.to_schools(np.maximum(arr, 0))
        any_valid = world.to_schools((arr >= 0).astype(np.int64)) > 0
        out[name] = np.where(any_valid, summed, -1)
    out["staff"] = world.to_schools(staff_of(world.params, units, per_unit, rng))
    return out


def people_values(world: World, teachers: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Certification, 双师型, the principal."""
    tp, rng, n = world.params["teachers"], world.rng, len(world.layout.schools)
    ownership = np.array([tp["certified"][sc.ownership] for sc in world.layout.schools])
    vocational = np.array([sc.school_type == "vocational" for sc in world.layout.schools])
    t = teachers["teachers"]
    lo, hi = tp["principal_age"]
    base = rng.integers(lo, hi, (n, 1))
    age = lo + (base - lo + (world.years[None, :] - 2016)) % (hi - lo + 1)
    return {
        "teachers_certified": rng.binomial(t, ownership[:, None]),
        "teachers_dual_qualified": np.where(
            vocational[:, None], rng.binomial(t, float(tp["dual_qualified"])), -1
        ),
        "principal_age": age.astype(np.int64),
        "principal_rotated": rng.random(t.shape) < float(tp["principal_rotated"]),
    }


def school_year_values(world: World) -> dict[str, np.ndarray]:
    """Every school_year column except the keys, as (schools, years) arrays (-1 / NaN = null)."""
    teachers = teacher_values(world)
    out = dict(teachers)
    out.update(people_values(world, teachers))
    out.update(facilities(world))
    out.update(funds(world, teachers["teachers"]))
    return out
