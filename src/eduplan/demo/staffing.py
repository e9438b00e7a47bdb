"""Full-time teachers per school and year: counts, qualifications, backbone, PE/arts, rotation, staff."""

from __future__ import annotations

import numpy as np

from eduplan.demo.classes import STAGE_NAMES
from eduplan.demo.enrollment import Units
from eduplan.demo.layout import LOCALE_CODES, Layout
from eduplan.demo.params import Params, series, vector_series

COMPULSORY = (1, 2)  # primary, junior stage indices
KG_NAME = {"preschool": "kindergarten"}


def _per_unit(params: Params, key: str, stage: str, locale: str, years: np.ndarray) -> np.ndarray:
    spec = params[key][KG_NAME.get(stage, stage)]
    if isinstance(spec, dict) and "urban" in spec:
        spec = spec[locale]
    return series(spec, years)


def unit_teachers(
    layout: Layout, params: Params, units: Units, pupils: np.ndarray, classes: np.ndarray, years: np.ndarray,
    rng: np.random.Generator,
) -> np.ndarray:  # fmt: skip
    """Teachers per unit and year: enough for the pupils at the norm ratio, and at least a few per class."""
    n_units = len(units.school)
    ratio = np.zeros((n_units, len(years)))
    per_class = np.zeros(n_units)
    locale = np.array([layout.schools[i].locale for i in units.school])
    for s, loc in {(int(s), int(loc)) for s, loc in zip(units.stage, locale, strict=True)}:
        members = (units.stage == s) & (locale == loc)
        stage = STAGE_NAMES[s]
        ratio[members] = _per_unit(params, "teacher_ratio", stage, LOCALE_CODES[loc], years)[None, :]
        per_class[members] = params["teachers_per_class"][KG_NAME.get(stage, stage)]
    need = np.maximum(pupils.sum(2) / ratio, classes.sum(2) * per_class[:, None])
    noise = params["noise"]
    need *= rng.lognormal(0.0, noise["teachers_school"], (n_units, 1))
    need *= rng.lognormal(0.0, noise["teachers_year"], need.shape)
    return np.where(pupils.sum(2) > 0, np.maximum(np.rint(need), 1), 0).astype(np.int64)


def _chain(rng: np.random.Generator, n: np.ndarray, probs: np.ndarray) -> list[np.ndarray]:
    """Split counts n into len(probs[-1]) parts by a chain of binomials (a vectorised multinomial)."""
    parts, left, rest = [], n.copy(), np.ones(n.shape)
    for k in range(probs.shape[-1] - 1):
        p = np.clip(probs[..., k] / np.maximum(rest, 1e-9), 0.0, 1.0)
        part = rng.binomial(left, p)
        parts.append(part)
        left = left - part
        rest = rest - probs[..., k]
    parts.append(left)
    return parts


def qualifications(
    params: Params, units: Units, teachers: np.ndarray, years: np.ndarray, rng: np.random.Generator
) -> list[np.ndarray]:
    """Teachers per unit-year by highest qualification: postgrad, bachelor, college, secondary."""
    probs = np.zeros((*teachers.shape, 4))
    for s, stage in STAGE_NAMES.items():
        mask = units.stage == s
        probs[mask] = vector_series(params["qualification"][KG_NAME.get(stage, stage)], years)[None]
    return _chain(rng, teachers, probs)


def teacher_roles(
    params: Params, units: Units, teachers: np.ndarray, years: np.ndarray, rng: np.random.Generator,
    locale: np.ndarray,
) -> dict[str, np.ndarray]:  # fmt: skip
    """Backbone, PE, arts, certified, rotation per unit-year (rotation only in compulsory schools); `locale` is each
    unit's locale code (urban, town, rural): rural schools have fewer PE and arts teachers."""
    tp = params["teachers"]
    noise = params["noise"]
    quality = rng.lognormal(0.0, noise["backbone_school"], (teachers.shape[0], 1))
    kg = (units.stage == 0)[:, None]
    backbone_p = np.clip(
        series(tp["backbone"], years)[None, :]
        * quality
        * np.where(kg, float(params["kg_backbone_factor"]), 1.0),
        0,
        0.6,
    )
    backbone = rng.binomial(teachers, backbone_p)
    by_locale = np.array([float(tp["pe_arts_locale"][loc]) for loc in locale])[:, None]
    pe_arts_p = np.clip(
        series(tp["pe_arts"], years)[None, :]
        * by_locale
        * rng.lognormal(0.0, noise["pe_arts_school"], quality.shape),
        0,
        0.5,
    )
    pe_arts = rng.binomial(teachers, np.where(kg, 0.0, pe_arts_p))
    pe = rng.binomial(pe_arts, float(tp["pe_of_pe_arts"]))
    compulsory = np.isin(units.stage, COMPULSORY)[:, None]
    eligible = rng.binomial(teachers, float(tp["rotation_eligible"]))
    rotated_p = np.clip(series(tp["rotated"], years)[None, :] / float(tp["rotation_eligible"]), 0, 1)
    rotated = rng.binomial(eligible, rotated_p)
    backbone_rotated = np.minimum(rng.binomial(rotated, float(tp["backbone_rotated"])), backbone)
    return {
        "teachers_backbone": backbone,
        "teachers_pe": pe,
        "teachers_arts": pe_arts - pe,
        "teachers_rotation_eligible": np.where(compulsory, eligible, -1),
        "teachers_rotated": np.where(compulsory, rotated, -1),
        "backbone_rotated": np.where(compulsory, backbone_rotated, -1),
    }


def staff_of(params: Params, units: Units, teachers: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """教职工: teachers plus administrators, workers and (in kindergartens) 保育员."""
    factor = np.array([params["staff_per_teacher"][KG_NAME.get(STAGE_NAMES[int(s)], STAGE_NAMES[int(s)])]
                       for s in units.stage])  # fmt: skip
    extra = teachers * (factor[:, None] - 1.0) * rng.lognormal(0.0, params["noise"]["staff"], teachers.shape)
    return teachers + np.rint(extra).astype(np.int64)
