"""Classes per grade and how many of them are large (56-65) or oversized (66+)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from eduplan.demo.enrollment import Units
from eduplan.demo.layout import LOCALE_CODES, STAGE_INDEX, Layout
from eduplan.demo.params import Params, series

STAGE_NAMES = {v: k for k, v in STAGE_INDEX.items()}


@dataclass(frozen=True)
class Classes:
    total: np.ndarray  # (units, years, grades), int
    large: np.ndarray  # 56-65
    oversized: np.ndarray  # 66+


def _targets(layout: Layout, params: Params, units: Units, years: np.ndarray) -> np.ndarray:
    """Target pupils per class: (units, years, grades)."""
    cs = params["class_size"]
    out = np.zeros((len(units.school), len(years), 9))
    locale = np.array([layout.schools[i].locale for i in units.school])
    for s, loc in {(int(s), int(loc)) for s, loc in zip(units.stage, locale, strict=True)}:
        members = (units.stage == s) & (locale == loc)
        stage = STAGE_NAMES[s]
        if stage == "preschool":
            out[members, :, :3] = np.array(cs["kindergarten"], dtype=np.float64)[None, None, :]
            continue
        spec = cs[stage]
        if isinstance(spec, dict) and "urban" in spec:
            spec = spec[LOCALE_CODES[loc]]
        out[members] = series(spec, years)[None, :, None]
    return out


def count_classes(
    layout: Layout, params: Params, units: Units, pupils: np.ndarray, years: np.ndarray
) -> Classes:
    """Classes = ceil(pupils / target); sizes spread evenly ± `spread` around the mean within a grade."""
    target = _targets(layout, params, units, years)
    ratio = np.divide(pupils, target, out=np.zeros_like(pupils), where=target > 0)
    total = np.where(pupils > 0, np.maximum(1, np.ceil(ratio - 0.15)), 0).astype(np.int64)
    mean = np.divide(pupils, total, out=np.zeros_like(pupils), where=total > 0)
    spread = float(params["class_size"]["spread"])
    at_least_56 = np.clip((mean + spread - 55.5) / (2 * spread), 0.0, 1.0)
    at_least_66 = np.clip((mean + spread - 65.5) / (2 * spread), 0.0, 1.0)
    oversized = np.floor(total * at_least_66 + 0.5).astype(np.int64)
    large = np.floor(total * at_least_56 + 0.5).astype(np.int64) - oversized
    single = total == 1  # one class: its size is the grade's pupils
    large = np.where(single, (pupils >= 56) & (pupils < 66), large).astype(np.int64)
    oversized = np.where(single, pupils >= 66, oversized).astype(np.int64)
    is_kg = units.stage == STAGE_INDEX["preschool"]
    large[is_kg] = 0
    oversized[is_kg] = 0
    return Classes(total, np.maximum(large, 0), oversized)
