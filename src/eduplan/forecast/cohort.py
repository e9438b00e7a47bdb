"""Cohort-component projection by grade progression, on dense arrays (units × years × chain positions).

Ratios are estimated per unit over a base period of recent years and applied forward:
    entrants(t)   = entry ratio      × cohort born in t − lag        (summed over the unit's areas)
    transition(t) = transition ratio × feeding grade of the areas in t − 1
    grade g (t)   = progression ratio × grade g − 1 of the unit in t − 1
The base-period estimator is a choice (``Method``); the default was picked by backtest (docs/forecast.md).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

import numpy as np

from eduplan.forecast.chain import Chain

Estimator = Literal["pooled", "mean", "median"]
FloatArray = np.ndarray


TOTAL_TREND_SOURCES: tuple[str, ...] = ("transition",)


@dataclass(frozen=True)
class Method:
    """How ratios are estimated. ``pooled`` = Σ numerators / Σ denominators over the base years."""

    base_years: int = 3
    estimator: Estimator = "pooled"
    spread_years: int = 5  # years of single-year ratios whose spread (± 1 sd) gives the range
    # Damping φ of a linear trend in entry ratios (0 = none): step k adds slope · (φ + … + φ^k).
    trend: float = 0.0
    trend_years: int = 5
    trend_sources: tuple[str, ...] = ("cohort", "transition")  # which entry ratios may carry a trend
    births_trend: float = 0.0  # damping φ of the trend of births after the last known year (0 = held flat)

    def label(self) -> str:
        return f"{self.estimator}-{self.base_years}" + (f"-trend{self.trend}" if self.trend else "")

    def description(self) -> str:
        """The method in words, for pages and reports (the label is for logs and JSON)."""
        how = {"pooled": "分子、分母分别求和后相除", "mean": "逐年比率的平均", "median": "逐年比率的中位数"}
        text = f"队列要素法：比率取最近 {self.base_years} 年（{how[self.estimator]}）"
        if self.trend:
            text += f"，入学比率按最近 {self.trend_years} 年趋势外推（阻尼系数 {self.trend:g}）"
        return text

    def for_totals(self) -> Method:
        """Whole-district totals: a trend only in transition rates (升学率 rise by policy: 普及高中). Birth-based
        entry ratios of a district have no such drift; extrapolating their noise hurt in the backtest."""
        return replace(self, trend_sources=TOTAL_TREND_SOURCES)


# Chosen by backtest on the demo county and synthetic histories (docs/forecast.md): pooled 3-year ratios,
# entry shares of schools, zones and townships carried by a damped trend (φ = 0.5) of the last 5 years,
# births after the last known year along their damped trend (φ = 0.5).
DEFAULT_METHOD = Method(base_years=3, estimator="pooled", trend=0.5, trend_years=5, births_trend=0.5)


@dataclass(frozen=True)
class History:
    """Enrollment of units and of their driver areas, and births by area, as dense arrays.

    ``enrollment[u, y, p]`` for years ``year0 + y``; ``membership[u, a]`` = 1 when area a drives unit u;
    ``cohorts[a, b]`` = births (or cohort size) of birth year ``birth_year0 + b``, NaN when unknown.
    """

    chain: Chain
    year0: int
    enrollment: FloatArray
    membership: FloatArray
    area_enrollment: FloatArray
    cohorts: FloatArray
    birth_year0: int

    @property
    def last_year(self) -> int:
        return self.year0 + self.enrollment.shape[1] - 1


@dataclass(frozen=True)
class Projection:
    """Projected enrollment ``point/low/high[u, h, p]`` for years origin + 1 … origin + horizon, and ratios."""

    origin: int
    point: FloatArray
    low: FloatArray
    high: FloatArray
    ratios: FloatArray  # [u, p]
    spread: FloatArray  # [u, p] standard deviation of single-year ratios


def cohort_table(
    cohorts: FloatArray, birth_year0: int, known_until: int, last: int, damping: float = 0.0, years: int = 5
) -> FloatArray:
    """Cohorts for birth years birth_year0 … last; years after the last known one (at most ``known_until``)
    continue from it along the damped linear trend of the last ``years`` known births (φ = ``damping``;
    0 holds them flat). Only needed when the horizon exceeds the entry age."""
    width = last - birth_year0 + 1
    out = np.full((cohorts.shape[0], width), np.nan)
    take = min(known_until - birth_year0 + 1, cohorts.shape[1], width)
    if take <= 0:
        return out
    out[:, :take] = _fill_gaps(cohorts[:, :take])
    known = ~np.isnan(out[:, :take])
    has = known.any(1)
    end = take - 1 - np.argmax(known[:, ::-1], axis=1)  # last known birth year of each area
    rows = np.flatnonzero(has)
    last_value = out[rows, end[rows]]
    slope = _recent_slope(out[rows], end[rows], years) if damping else np.zeros(rows.size)
    for k in range(1, width):  # k years after each area's last known year
        cols = end[rows] + k
        inside = cols < width
        step = sum(damping**i for i in range(1, k + 1))
        out[rows[inside], cols[inside]] = np.clip(last_value[inside] + slope[inside] * step, 0, None)
    return out


def _fill_gaps(values: FloatArray) -> FloatArray:
    """A missing year between known births takes the year before (a gap must not mean no entrants)."""
    known = ~np.isnan(values)
    last = np.maximum.accumulate(np.where(known, np.arange(values.shape[1])[None, :], -1), axis=1)
    filled = np.take_along_axis(values, np.clip(last, 0, None), axis=1)
    return np.where(last >= 0, filled, np.nan)


def _recent_slope(values: FloatArray, end: np.ndarray, years: int) -> FloatArray:
    """Least-squares slope of each row's known values in the ``years`` up to ``end`` (0 with fewer than 3)."""
    idx = end[:, None] - np.arange(years)[None, ::-1]
    ok = idx >= 0
    v = np.where(ok, values[np.arange(len(end))[:, None], np.clip(idx, 0, None)], np.nan)
    ok &= ~np.isnan(v)
    t = np.where(ok, idx, 0).astype(float)
    n = ok.sum(1)
    tm = t.sum(1) / np.maximum(n, 1)
    vm = np.where(ok, v, 0).sum(1) / np.maximum(n, 1)
    dt = np.where(ok, t - tm[:, None], 0)
    var = (dt**2).sum(1)
    cov = (dt * np.where(ok, v - vm[:, None], 0)).sum(1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where((n >= 3) & (var > 0), cov / var, 0.0)


def drivers(
    enrollment: FloatArray, area_by_unit: FloatArray, cohort_by_unit: FloatArray, h: History
) -> FloatArray:
    """Denominator of each ratio for every unit, year and position (NaN where the year has no predecessor)."""
    n_u, n_y, n_p = enrollment.shape
    out = np.full((n_u, n_y, n_p), np.nan)
    for p, pos in enumerate(h.chain):
        if pos.source == "cohort":
            for y in range(n_y):
                b = h.year0 + y - pos.lag - h.birth_year0
                if 0 <= b < cohort_by_unit.shape[1]:
                    out[:, y, p] = cohort_by_unit[:, b]
        elif pos.source == "transition":
            out[:, 1:, p] = area_by_unit[:, :-1, pos.feeder]
        else:
            out[:, 1:, p] = enrollment[:, :-1, pos.feeder]
    return out


def estimate(num: FloatArray, den: FloatArray, h: History, method: Method) -> tuple[FloatArray, FloatArray]:
    """Ratios [u, p] over the last ``base_years`` years and the sd of single-year ratios over ``spread_years``."""
    base = slice(-method.base_years, None)
    n, d = num[:, base, :], den[:, base, :]
    valid = d > 0
    with np.errstate(invalid="ignore", divide="ignore"):
        single = np.where(valid, n / np.where(valid, d, 1.0), np.nan)
        if method.estimator == "pooled":
            ratio = np.where(valid, n, 0).sum(1) / np.where(valid, d, 0).sum(1)
        elif method.estimator == "mean":
            ratio = _nan_reduce(np.nanmean, single)
        else:
            ratio = _nan_reduce(np.nanmedian, single)
        # A unit with no base in a grade (a new school, a grade just opened) borrows the pooled ratio of all units.
        pooled = np.where(valid, n, 0).sum((0, 1)) / np.maximum(np.where(valid, d, 0).sum((0, 1)), 1e-12)
        missing = ~np.isfinite(ratio)
        progression = np.array([pos.source == "progression" for pos in h.chain])
        ratio = np.where(missing & progression, pooled[None, :], np.where(missing, 0.0, ratio))
        wide = slice(-method.spread_years, None)
        sw = np.where(
            den[:, wide, :] > 0, num[:, wide, :] / np.where(den[:, wide, :] > 0, den[:, wide, :], 1), np.nan
        )
        counts = (~np.isnan(sw)).sum(1)
        spread = np.where(counts >= 2, _nan_reduce(np.nanstd, sw), 0.0)
    return ratio, spread


def slopes(num: FloatArray, den: FloatArray, h: History, method: Method) -> FloatArray:
    """Least-squares slope per year of single-year entry ratios (cohort and transition positions) [u, p]."""
    n_u, _, n_p = num.shape
    out = np.zeros((n_u, n_p))
    if not method.trend:
        return out
    wide = slice(-method.trend_years, None)
    d = den[:, wide, :]
    with np.errstate(invalid="ignore", divide="ignore"):
        r = np.where(d > 0, num[:, wide, :] / np.where(d > 0, d, 1), np.nan)
    t = np.arange(r.shape[1], dtype=float)[None, :, None] + np.zeros_like(r)
    ok = ~np.isnan(r)
    cnt = ok.sum(1)
    tm = np.where(ok, t, 0).sum(1) / np.maximum(cnt, 1)
    rm = np.where(ok, r, 0).sum(1) / np.maximum(cnt, 1)
    dt = np.where(ok, t - tm[:, None, :], 0)
    cov = (dt * np.where(ok, r - rm[:, None, :], 0)).sum(1)
    var = (dt**2).sum(1)
    entry = np.array([pos.source in method.trend_sources for pos in h.chain])
    with np.errstate(invalid="ignore", divide="ignore"):
        out = np.where((cnt >= 3) & (var > 0) & entry[None, :], cov / var, 0.0)
    return out


def _nan_reduce(fn: object, values: FloatArray) -> FloatArray:
    out = np.full(values.shape[::2], np.nan)
    has = (~np.isnan(values)).any(1)
    if has.any():
        reduced = fn(np.where(has[:, None, :], values, 0.0), axis=1)  # type: ignore[operator]
        out = np.where(has, reduced, np.nan)
    return out


def project(
    start: FloatArray,
    ratios: FloatArray,
    cohort_by_unit: FloatArray,
    feeders: FloatArray | None,
    h: History,
    origin: int,
    horizon: int,
    slope: FloatArray | None = None,
    damping: float = 0.0,
) -> FloatArray:
    """Roll the chain forward ``horizon`` years from ``start[u, p]`` (the origin year's enrollment)."""
    n_u, n_p = start.shape
    steps = np.cumsum([damping**i for i in range(1, horizon + 1)])
    cohort_by_unit = np.nan_to_num(cohort_by_unit)
    feeders = None if feeders is None else np.nan_to_num(feeders)
    out = np.zeros((n_u, horizon + 1, n_p))
    out[:, 0, :] = start
    for k in range(1, horizon + 1):
        for p, pos in enumerate(h.chain):
            if pos.source == "cohort":
                b = origin + k - pos.lag - h.birth_year0
                base = cohort_by_unit[:, b] if 0 <= b < cohort_by_unit.shape[1] else np.zeros(n_u)
            elif pos.source == "transition" and feeders is not None:
                base = feeders[:, k - 1, pos.feeder]
            else:
                base = out[:, k - 1, pos.feeder]
            r = ratios[:, p] if slope is None else np.clip(ratios[:, p] + slope[:, p] * steps[k - 1], 0, None)
            out[:, k, p] = r * base
    return out[:, 1:, :]


def _run(
    enrollment: FloatArray,
    membership: FloatArray,
    area_hist: FloatArray,
    area_proj: FloatArray | None,
    cohorts: FloatArray,
    h: History,
    origin: int,
    horizon: int,
    method: Method,
    point_only: bool = False,
) -> Projection:
    cohort_by_unit = membership @ np.nan_to_num(cohorts)
    cohort_by_unit[:, np.isnan(cohorts).all(0)] = np.nan
    area_by_unit = _spread_areas(membership, area_hist)
    regional = _regional_feeders(h) if area_proj is not None else []
    for f in regional:
        area_by_unit[:, :, f] = area_hist[:, :, f].sum(0)[None, :]
    den = drivers(enrollment, area_by_unit, cohort_by_unit, h)
    ratio, spread = estimate(enrollment, den, h, method)
    slope = slopes(enrollment, den, h, method)
    # The base ratio sits at the middle of the base years; a trend carries it to the origin first.
    ratio = np.clip(ratio + slope * (method.base_years - 1) / 2, 0, None)
    # A unit that has stopped teaching (no pupils in the origin year) is not projected to come back.
    closed = enrollment[:, -1, :].sum(1) == 0
    ratio[closed] = 0.0
    feeders = None
    if area_proj is not None:
        origin_area = area_by_unit[:, -1:, :]
        feeders = np.concatenate([origin_area, _spread_areas(membership, area_proj)], axis=1)
        for f in regional:
            feeders[:, 1:, f] = area_proj[:, :, f].sum(0)[None, :]
    start = enrollment[:, -1, :]
    args = (cohort_by_unit, feeders, h, origin, horizon, slope, method.trend)
    point = project(start, ratio, *args)
    if point_only:
        return Projection(origin, point, point, point, ratio, spread)
    low = project(start, np.clip(ratio - spread, 0, None), *args)
    high = project(start, ratio + spread, *args)
    return Projection(origin, point, np.minimum(low, point), np.maximum(high, point), ratio, spread)


def _spread_areas(membership: FloatArray, values: FloatArray) -> FloatArray:
    """Σ over each unit's areas: [u, a] × [a, y, p] -> [u, y, p] (a matrix product, far faster than einsum)."""
    n_a, n_y, n_p = values.shape
    return (membership @ values.reshape(n_a, n_y * n_p)).reshape(membership.shape[0], n_y, n_p)


def _regional_feeders(h: History) -> list[int]:
    """Feeding positions counted over the whole region (all areas), e.g. 初中三年级 for 高中."""
    return sorted({p.feeder for p in h.chain if p.source == "transition" and p.scope == "region"})


def forecast(h: History, origin: int, horizon: int, method: Method = DEFAULT_METHOD) -> Projection:
    """Project every unit of ``h`` from ``origin`` (using data up to and including that year only)."""
    cut = origin - h.year0 + 1
    if cut < 2 or origin > h.last_year:
        raise ValueError(f"origin {origin} outside history {h.year0}-{h.last_year}")
    cohorts = cohort_table(
        h.cohorts, h.birth_year0, origin, origin + horizon, method.births_trend, method.trend_years
    )
    hh = replace(h, cohorts=cohorts)
    enrollment, area_hist = h.enrollment[:, :cut, :], h.area_enrollment[:, :cut, :]
    area_proj = None
    if any(p.source == "transition" for p in h.chain):
        eye = np.eye(area_hist.shape[0])
        areas = _run(area_hist, eye, area_hist, None, cohorts, hh, origin, horizon, method, point_only=True)
        area_proj = areas.point
    return _run(enrollment, h.membership, area_hist, area_proj, cohorts, hh, origin, horizon, method)
