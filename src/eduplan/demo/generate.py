"""Runs the simulation for a list of counties and assembles the fact tables."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from eduplan.demo import extras, finance, resources
from eduplan.demo.classes import Classes, count_classes
from eduplan.demo.enrollment import Units, build_units, simulate_enrollment
from eduplan.demo.layout import LOCALE_CODES, CountySpec, Layout, build_layout, stage_units
from eduplan.demo.params import Params
from eduplan.demo.population import People, simulate_population
from eduplan.demo.reported import reported_frame
from eduplan.demo.tabular import pick, to_frame
from eduplan.demo.teachers import with_teachers
from eduplan.facts import STAGES, Facts


@dataclass(frozen=True)
class History:
    """School years before the first full year: enrollment by grade (with classes) and population only.

    A county's archive keeps its old enrollment returns longer than its resource returns; indicators that follow a
    cohort back (九年义务教育巩固率 needs primary grade 1 eight years earlier) need them.
    """

    years: np.ndarray
    population: np.ndarray  # (townships, years, ages 0..18), float
    pupils: np.ndarray  # (units, years, grades) int
    classes: Classes
    rng: np.random.Generator


@dataclass
class World:
    """Every simulated array, with `years[0]` one year before the first output year."""

    params: Params
    layout: Layout
    people: People
    units: Units
    pupils: np.ndarray  # (units, years, grades) int
    classes: Classes
    years: np.ndarray
    open: np.ndarray  # (schools, years) bool
    rng: np.random.Generator
    history: History | None = None

    def to_schools(self, per_unit: np.ndarray) -> np.ndarray:
        out = np.zeros((len(self.layout.schools), *per_unit.shape[1:]), dtype=per_unit.dtype)
        np.add.at(out, self.units.school, per_unit)
        return out


def _enroll(
    layout: Layout, params: Params, people: People, units: Units, seed: int, years: np.ndarray
) -> tuple[np.ndarray, Classes]:
    # The same generator for the main years and the history: its first draw fixes each school's share of each
    # birth cohort, so a cohort keeps its schools from grade 1 in the history to grade 9 in the main years.
    pupils = np.rint(simulate_enrollment(layout, params, people, units, np.random.default_rng([seed, 3])))
    pupils = pupils.astype(np.int64)
    return pupils, count_classes(layout, params, units, pupils.astype(np.float64), years)


def simulate_history(layout: Layout, params: Params, units: Units, seed: int, years: np.ndarray) -> History:
    """Enrollment and population of the history years, from their own generators so the main years stay as
    they are whatever the history's length."""
    people = simulate_population(layout, params, np.random.default_rng([seed, 2]), years)
    pupils, classes = _enroll(layout, params, people, units, seed, years)
    return History(years, people.population, pupils, classes, np.random.default_rng([seed, 6]))


def simulate(
    specs: list[CountySpec],
    seed: int,
    first_year: int,
    last_year: int,
    params: Params,
    history_from: int | None = None,
) -> World:
    """Full statistics for `first_year`..`last_year`; enrollment and population only from `history_from`."""
    layout = build_layout(specs, seed, params)
    years = np.arange(first_year - 1, last_year + 1)
    people = simulate_population(layout, params, np.random.default_rng([seed, 2]), years)
    school_idx, stage_idx = stage_units(layout)
    units = build_units(layout, params, school_idx, stage_idx)
    pupils, classes = _enroll(layout, params, people, units, seed, years)
    opened = np.array([s.opened for s in layout.schools])
    closed = np.array([s.closed or 9999 for s in layout.schools])
    is_open = (opened[:, None] <= years[None, :]) & (years[None, :] < closed[:, None])
    rng = np.random.default_rng([seed, 4])
    history = None
    if history_from is not None and history_from < first_year:
        history = simulate_history(layout, params, units, seed, np.arange(history_from, first_year))
    return World(params, layout, people, units, pupils, classes, years, is_open, rng, history)


def org_units_frame(world: World) -> pl.DataFrame:
    rows = world.layout.org_rows
    return to_frame("org_units", {
        "code": [r[0] for r in rows], "name": [r[1] for r in rows],
        "level": [r[2] for r in rows], "parent": [r[3] for r in rows],
    })  # fmt: skip


def schools_frame(world: World) -> pl.DataFrame:
    lay = world.layout
    capacity = resources.capacity(world)
    s = lay.schools
    return to_frame("schools", {
        "code": [x.code for x in s], "name": [x.name for x in s],
        "township": [lay.tw_code[x.township] for x in s], "school_type": [x.school_type for x in s],
        "ownership": [x.ownership for x in s], "locale": [LOCALE_CODES[x.locale] for x in s],
        "urban_rural_code": [x.urc for x in s], "boarding": [x.boarding for x in s], "zone": [x.zone for x in s],
        "longitude": np.array([x.lon for x in s]), "latitude": np.array([x.lat for x in s]),
        "opened_year": np.array([x.opened for x in s]), "closed_year": np.array([x.closed or -1 for x in s]),
        "declared_capacity": capacity.astype(np.int64),
    })  # fmt: skip


def _cells(world: World, mask: np.ndarray) -> tuple[np.ndarray, ...]:
    """Indices (first axis, year) of the true cells of `mask`, output years only."""
    keep = mask.copy()
    keep[:, 0] = False  # the year before first_year only seeds graduates
    return np.nonzero(keep)


def school_year_frame(world: World) -> pl.DataFrame:
    values = resources.school_year_values(world)
    s_idx, y_idx = _cells(world, world.open & (world.to_schools(world.pupils.sum(2)) > 0))
    codes = [x.code for x in world.layout.schools]
    columns: dict[str, object] = {"school": pick(codes, s_idx), "year": world.years[y_idx]}
    for name, arr in values.items():
        columns[name] = arr[s_idx, y_idx]
    return to_frame("school_year", columns)


def stage_year_frame(world: World) -> pl.DataFrame:
    values = extras.stage_year_values(world)
    pupils = world.pupils.sum(2)
    u_idx, y_idx = _cells(world, pupils > 0)
    codes = [x.code for x in world.layout.schools]
    columns: dict[str, object] = {
        "school": pick(codes, world.units.school[u_idx]),
        "year": world.years[y_idx],
        "stage": pick(STAGES, world.units.stage[u_idx]),
    }
    for name, arr in values.items():
        columns[name] = arr[u_idx, y_idx]
    frame = to_frame("stage_year", columns)
    h = world.history
    if h is None:
        return frame
    # History years: the school had the stage, its measures (entrants, boarders …) were not kept — missing, not 0,
    # so an indicator over them reads "no data" rather than 0.
    u_idx, y_idx = np.nonzero(h.pupils.sum(2) > 0)
    keys = {"school": pick(codes, world.units.school[u_idx]), "year": h.years[y_idx],
            "stage": pick(STAGES, world.units.stage[u_idx])}  # fmt: skip
    missing = {name: np.full(len(u_idx), np.nan) for name in values}
    return pl.concat([to_frame("stage_year", {**keys, **missing}), frame])


def _grade_rows(
    world: World, pupils: np.ndarray, classes: Classes, years: np.ndarray, rng: np.random.Generator
) -> pl.DataFrame:
    u_idx, y_idx, g_idx = np.nonzero(pupils > 0)
    counts = pupils[u_idx, y_idx, g_idx]
    codes = [x.code for x in world.layout.schools]
    female = rng.binomial(counts, float(world.params["female_share"]))
    return to_frame("grade_year", {
        "school": pick(codes, world.units.school[u_idx]), "year": years[y_idx],
        "stage": pick(STAGES, world.units.stage[u_idx]), "grade": g_idx + 1,
        "enrollment": counts, "enrollment_female": female,
        "classes": classes.total[u_idx, y_idx, g_idx],
        "classes_56_65": classes.large[u_idx, y_idx, g_idx],
        "classes_66_plus": classes.oversized[u_idx, y_idx, g_idx],
    })  # fmt: skip


def grade_year_frame(world: World) -> pl.DataFrame:
    c = world.classes
    main = Classes(c.total[:, 1:], c.large[:, 1:], c.oversized[:, 1:])
    frame = _grade_rows(world, world.pupils[:, 1:], main, world.years[1:], world.rng)
    h = world.history
    if h is None:
        return frame
    return pl.concat([_grade_rows(world, h.pupils, h.classes, h.years, h.rng), frame])


def _population_rows(world: World, population: np.ndarray, years: np.ndarray) -> pl.DataFrame:
    pop = np.rint(population).astype(np.int64)
    t_idx, y_idx, a_idx = np.indices(pop.shape).reshape(3, -1)
    return to_frame("population", {
        "township": pick(world.layout.tw_code, t_idx), "year": years[y_idx],
        "age": a_idx, "population": pop.reshape(-1),
    })  # fmt: skip


def population_frame(world: World) -> pl.DataFrame:
    frame = _population_rows(world, world.people.population[:, 1:, :], world.years[1:])
    h = world.history
    if h is None:
        return frame
    return pl.concat([_population_rows(world, h.population, h.years), frame])


def births_frame(world: World, first_birth_year: int) -> pl.DataFrame:
    years = np.arange(first_birth_year, int(world.years[-1]) + 1)
    births = np.rint(world.people.births_in(years)).astype(np.int64)
    t_idx, y_idx = np.indices(births.shape).reshape(2, -1)
    return to_frame("births", {
        "township": pick(world.layout.tw_code, t_idx), "year": years[y_idx], "births": births.reshape(-1),
    })  # fmt: skip


def assemble(world: World) -> Facts:
    school_year = school_year_frame(world)
    stage_year = stage_year_frame(world)
    grade_year = grade_year_frame(world)
    facts = Facts(
        org_units=org_units_frame(world),
        schools=schools_frame(world),
        school_year=school_year,
        stage_year=stage_year,
        grade_year=grade_year,
        health_year=to_frame("health_year", extras.health_columns(world)),
        memberships=to_frame("memberships", extras.membership_columns(world)),
        population=population_frame(world),
        births=births_frame(world, int(world.params["births_from"])),
        reported=reported_frame(world, school_year, stage_year),
    )
    return with_teachers(finance.generate_finance(extras.plant_missing(facts)))
