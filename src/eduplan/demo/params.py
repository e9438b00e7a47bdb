"""Loads the demo's parameters (params.yaml) and interpolates its year-keyed series."""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

import numpy as np
import yaml

from eduplan.errors import ConfigError

Params = dict[str, Any]

_REQUIRED = (
    "seed", "national_births", "county", "participation", "to_town", "weights", "class_size",
    "teacher_ratio", "qualification", "teachers", "health", "memberships", "reported", "province",
    "noise", "layout", "history_from",
)  # fmt: skip


@cache
def load_params() -> Params:
    """The parameters, validated once per process."""
    text = resources.files("eduplan.demo").joinpath("params.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    missing = [k for k in _REQUIRED if k not in data]
    if missing:
        raise ConfigError(f"示例数据参数缺少：{'、'.join(missing)}", english=f"demo params lack {missing}")
    return data  # type: ignore[no-any-return]


def series(spec: Any, years: np.ndarray) -> np.ndarray:
    """A number or a {year: value} mapping, linearly interpolated at `years` and held flat outside."""
    years = np.asarray(years, dtype=np.float64)
    if not isinstance(spec, dict):
        return np.full(years.shape, float(spec))
    knots = sorted((int(k), float(v)) for k, v in spec.items())
    xs = np.array([k for k, _ in knots], dtype=np.float64)
    ys = np.array([v for _, v in knots], dtype=np.float64)
    return np.interp(years, xs, ys)


def vector_series(spec: dict[Any, list[float]], years: np.ndarray) -> np.ndarray:
    """A {year: [v1, v2, ...]} mapping interpolated column by column: shape (len(years), len(v))."""
    width = len(next(iter(spec.values())))
    return np.stack([series({k: v[i] for k, v in spec.items()}, years) for i in range(width)], axis=-1)
