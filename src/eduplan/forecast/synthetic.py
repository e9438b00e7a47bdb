"""A small synthetic history for tests and benchmarks when the demo generator is not at hand.

Births fall after 2017 (as in China), the county town (first township) draws migrants, villages empty.
Every pupil number comes from a cohort process with noise, so a backtest has something real to find.
"""

from __future__ import annotations

import math

import numpy as np
import polars as pl

from eduplan.facts import TABLES, Facts
from eduplan.forecast.chain import full_chain

STAGE_TYPES = {"preschool": "kindergarten", "primary": "primary", "junior": "junior", "senior": "senior"}


def _births(rng: np.random.Generator, years: range, scale: float) -> dict[int, float]:
    out = {}
    for y in years:
        level = 1.0 + 0.01 * (y - 2000) if y <= 2017 else 1.17 * 0.93 ** (y - 2017)
        out[y] = scale * level * rng.normal(1, 0.02)
    return out


def synthetic_facts(
    n_townships: int = 4,
    zones_per_township: int = 2,
    first_year: int = 2014,
    last_year: int = 2024,
    seed: int = 7,
) -> Facts:
    """A county ``340101`` of townships ``340101001…``, each zone with a kindergarten, a primary and a junior
    school, and one senior school in the county town."""
    rng = np.random.default_rng(seed)
    county = "340101"
    schools, grades, births = [], [], []
    chain = full_chain()
    for t in range(n_townships):
        town = f"{county}{t + 1:03d}"
        drift = 0.03 if t == 0 else -0.02  # the county town gains share every year, villages lose it
        b = _births(rng, range(first_year - 20, last_year + 1), 900.0 * (2 if t == 0 else 1))
        births += [{"township": town, "year": y, "births": round(v)} for y, v in b.items()]
        for z in range(zones_per_township):
            zone = f"{t + 1}镇第{z + 1}片区"
            for stage, stype in STAGE_TYPES.items():
                if stage == "senior" and (t, z) != (0, 0):
                    continue
                code = f"{town[-4:]}{z + 1:02d}{list(STAGE_TYPES).index(stage):04d}"
                schools.append(_school(code, town, zone, stype, t))
                grades += _grade_rows(
                    rng, code, stage, chain, b, first_year, last_year, drift, zones_per_township
                )
    return Facts(
        **{
            **{name: table.empty() for name, table in TABLES.items()},
            "schools": _frame("schools", schools),
            "grade_year": _frame("grade_year", grades),
            "births": _frame("births", births),
            "org_units": _frame("org_units", [{"code": county, "name": "示例县", "level": "county"}]),
        }
    )


def _school(code: str, town: str, zone: str, stype: str, t: int) -> dict[str, object]:
    return {
        "code": code,
        "name": f"示例{code}",
        "township": town,
        "school_type": stype,
        "ownership": "public",
        "locale": "urban" if t == 0 else "rural",
        "zone": zone,
    }


def _grade_rows(
    rng: np.random.Generator,
    code: str,
    stage: str,
    chain: tuple,
    births: dict[int, float],
    first: int,
    last: int,
    drift: float,
    zones: int,
) -> list[dict[str, object]]:
    positions = [p for p in chain if p.stage == stage]
    entry_age = {"preschool": 3, "primary": 6, "junior": 12, "senior": 15}[stage]
    share = {"preschool": 0.9, "primary": 1.0, "junior": 0.98, "senior": 0.6}[stage] / zones
    if stage == "senior":
        share *= 5  # one senior school for the whole county (about five townships' worth of births)
    size = 25 if stage == "preschool" else 45
    rows: list[dict[str, object]] = []
    prev: dict[int, float] = {}
    for y in range(first, last + 1):
        s = share * math.exp(drift * (y - first))
        current: dict[int, float] = {}
        for p in positions:
            g = p.grade
            born = y - entry_age - (g - 1)
            base = births.get(born, births[min(births)]) * s * 0.995 ** (g - 1)
            v = base * rng.normal(1, 0.03) if g == 1 or y == first else prev[g - 1] * rng.normal(1.0, 0.01)
            current[g] = v
            pupils = round(v)
            rows.append(
                {
                    "school": code,
                    "year": y,
                    "stage": stage,
                    "grade": g,
                    "enrollment": pupils,
                    "classes": max(1, math.ceil(base / size)) if y == first else None,
                }
            )
        prev = current
    fixed = {r["grade"]: r["classes"] for r in rows if r["year"] == first}
    for r in rows:
        r["classes"] = fixed[r["grade"]]
    return rows


def _frame(table: str, rows: list[dict[str, object]]) -> pl.DataFrame:
    return TABLES[table].frame(rows)
