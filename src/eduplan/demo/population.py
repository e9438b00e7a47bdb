"""Births by township and year, and the resident population by township, year and single age 0-18."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from eduplan.demo.layout import LOCALE_CODES, Layout
from eduplan.demo.params import Params, series

MAX_AGE = 18


@dataclass(frozen=True)
class People:
    first_birth_year: int
    births: np.ndarray  # (townships, birth years from first_birth_year), float
    years: np.ndarray  # output school years
    population: np.ndarray  # (townships, years, ages 0..18), float

    def births_in(self, years: np.ndarray) -> np.ndarray:
        return self.births[:, np.asarray(years) - self.first_birth_year]


def _locale_values(layout: Layout, mapping: dict[str, float]) -> np.ndarray:
    return np.array([mapping[LOCALE_CODES[loc]] for loc in layout.tw_locale], dtype=np.float64)


def simulate_births(layout: Layout, params: Params, rng: np.random.Generator) -> tuple[int, np.ndarray]:
    """Births (townships × years from `sim_first_cohort` to `last_supported_year`)."""
    first, last = int(params["sim_first_cohort"]), int(params["last_supported_year"])
    years = np.arange(first, last + 1)
    national = series(params["national_births"], years)
    scale = float(params["county"]["births_per_national_10k"])
    tw_county = np.array(layout.tw_county)
    size = np.array([c.size for c in layout.counties])[tw_county]
    fall = np.array([c.birth_fall for c in layout.counties])[tw_county]
    after = np.maximum(years - 2016, 0)[None, :]
    county_births = scale * size[:, None] * national[None, :] * np.exp(-fall[:, None] * after)
    drift = _locale_values(layout, params["county"]["birth_share_drift"])
    share = np.array(layout.tw_share)[:, None] * np.exp(drift[:, None] * (years - 2016)[None, :])
    totals = np.zeros((len(layout.counties), len(years)))
    np.add.at(totals, tw_county, share)
    share = share / totals[tw_county]
    noise = rng.lognormal(0.0, params["noise"]["township_births"], share.shape)
    return first, county_births * share * noise


def simulate_population(
    layout: Layout, params: Params, rng: np.random.Generator, years: np.ndarray
) -> People:
    """Residents aged 0-18: their birth cohort, thinned by mortality and moved by net migration."""
    first, births = simulate_births(layout, params, rng)
    ages = np.arange(MAX_AGE + 1)
    cohort = years[:, None] - ages[None, :]  # (years, ages)
    born = births[:, cohort - first]  # (townships, years, ages)
    survival = float(params["county"]["child_survival"]) ** ages
    urbanising = np.array([c.urbanising for c in layout.counties])[np.array(layout.tw_county)]
    migration = _locale_values(layout, params["county"]["child_migration"]) * urbanising
    moved = np.exp(migration[:, None] * ages[None, :])[:, None, :]
    return People(first, births, years, born * survival[None, None, :] * moved)
