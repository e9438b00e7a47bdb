"""Rolling-origin backtest: MAPE by horizon for the district total and single schools, against naive.

Every year that leaves a full base period behind it and at least one year ahead is an origin. The forecast
made at origin T with data up to T only is compared with the actual enrollment of T + h (h = 1 … 5).
Naive = "same as last year": the enrollment of T for every T + h.
A window is the base period plus the forecast years (T − base … T + h); a school with pupils in some but not
all of those years opened or closed inside it and is left out of that window's single-school errors.
The district total always holds every school: when a village school closes its pupils move to another
school, and a district total without the closed school would jump by their number although no child came.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import polars as pl

from eduplan.errors import DataError
from eduplan.forecast.chain import single_stage_chain
from eduplan.forecast.cohort import DEFAULT_METHOD, History, Method, forecast
from eduplan.forecast.panel import build_history

HORIZONS = (1, 2, 3, 4, 5)


@dataclass(frozen=True)
class BacktestResult:
    district: dict[int, float | None]
    school: dict[int, float | None]
    naive_district: dict[int, float | None]
    naive_school: dict[int, float | None]
    schools_excluded: int
    origins: tuple[int, ...]

    def as_json(self) -> dict[str, object]:
        """The shape fixed by issue 7: horizons as string keys, MAPE in percent."""

        def keyed(d: dict[int, float | None]) -> dict[str, float | None]:
            return {str(k): v for k, v in d.items()}

        return {
            "district": keyed(self.district),
            "school": keyed(self.school),
            "naive": {"district": keyed(self.naive_district), "school": keyed(self.naive_school)},
            "schools_excluded": self.schools_excluded,
        }


def history_from_csv_frames(
    enrollment: pl.DataFrame, births: pl.DataFrame, entry_grade: int, lag: int
) -> History:
    """A one-stage history from the backtest CSV shapes: (school, year, grade, enrollment) and (year, births)."""
    _require(enrollment, ("school", "year", "grade", "enrollment"), "在校生")
    _require(births, ("year", "births"), "出生人口")
    frame = enrollment.with_columns(
        pl.col("school").cast(pl.String),
        pl.col("year").cast(pl.Int64),
        pl.col("grade").cast(pl.Int64),
        pl.col("enrollment").cast(pl.Float64),
        pl.lit("primary").alias("stage"),
    )
    chain = single_stage_chain(frame["grade"].unique().to_list(), entry_grade, lag)
    placement = (
        frame.select("school")
        .unique()
        .with_columns(pl.col("school").alias("unit"), pl.lit("all").alias("area"))
    )
    cohorts = births.select(
        pl.lit("all").alias("area"),
        pl.col("year").cast(pl.Int64).alias("birth_year"),
        pl.col("births").cast(pl.Float64).alias("size"),
    )
    return build_history(frame, placement, cohorts, chain)


def _require(frame: pl.DataFrame, columns: tuple[str, ...], what: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise DataError(
            f"{what}文件缺少列：{'、'.join(missing)}", english=f"{what} file lacks columns {missing}"
        )


def backtest(
    h: History,
    method: Method = DEFAULT_METHOD,
    horizons: tuple[int, ...] = HORIZONS,
    min_origin_index: int = 0,
) -> BacktestResult:
    """MAPE (percent) by horizon over all rolling origins; None where no origin reaches that horizon."""
    totals = h.enrollment.sum(2)  # [school, year]
    whole = totals.sum(0)
    present = totals > 0
    n_y = totals.shape[1]
    first = max(1, method.base_years, min_origin_index)
    origins = tuple(range(first, n_y - 1))
    errs: dict[str, dict[int, list[float]]] = {k: {hz: [] for hz in horizons} for k in ("d", "s", "nd", "ns")}
    excluded: set[int] = set()
    for o in origins:
        year = h.year0 + o
        schools = forecast(h, year, max(horizons), method).point.sum(2)  # [school, horizon]
        district = forecast(_district(h), year, max(horizons), method.for_totals())
        for hz in horizons:
            if o + hz >= n_y:
                continue
            window = present[:, max(0, o - method.base_years) : o + hz + 1]
            keep = window.all(1)
            excluded.update(np.flatnonzero(window.any(1) & ~keep).tolist())
            if not keep.any():
                continue
            actual = totals[keep, o + hz]
            errs["s"][hz] += (np.abs(schools[keep, hz - 1] - actual) / actual).tolist()
            errs["ns"][hz] += (np.abs(totals[keep, o] - actual) / actual).tolist()
            errs["nd"][hz].append(abs(whole[o] - whole[o + hz]) / whole[o + hz])
            errs["d"][hz].append(abs(district.point[0, hz - 1].sum() - whole[o + hz]) / whole[o + hz])
    mape = {k: {hz: _mean_pct(v) for hz, v in by.items()} for k, by in errs.items()}
    return BacktestResult(
        mape["d"], mape["s"], mape["nd"], mape["ns"], len(excluded), tuple(h.year0 + o for o in origins)
    )


def _district(h: History) -> History:
    """The district as one unit made of all its schools, driven by all areas' births."""
    total = h.enrollment.sum(0, keepdims=True)
    areas = (h.membership.sum(0) > 0).astype(float)[None, :]
    return replace(h, enrollment=total, membership=areas)


def _mean_pct(values: list[float]) -> float | None:
    return round(float(np.mean(values)) * 100, 4) if values else None


@dataclass(frozen=True)
class StageAccuracy:
    """MAPE (percent) by stage and horizon of unit totals (zones, townships or the county), against naive."""

    level: str
    method: dict[str, dict[int, float | None]]
    naive: dict[str, dict[int, float | None]]
    units_excluded: int
    coverage: dict[str, dict[int, float | None]]  # percent of actual totals inside the forecast range


def backtest_units(
    h: History, level: str, method: Method = DEFAULT_METHOD, horizons: tuple[int, ...] = HORIZONS
) -> StageAccuracy:
    """Rolling-origin MAPE of each unit's stage totals on the full chain; a unit-stage with no pupils in some
    year of a window (a stage opened or closed) is left out of that window."""
    stages = list(dict.fromkeys(p.stage for p in h.chain))
    masks = {s: np.array([p.stage == s for p in h.chain]) for s in stages}
    totals = {s: h.enrollment[:, :, m].sum(2) for s, m in masks.items()}  # [unit, year]
    n_y = h.enrollment.shape[1]
    errs: dict[str, dict[str, dict[int, list[float]]]] = {
        k: {s: {hz: [] for hz in horizons} for s in stages} for k in ("m", "n", "c")
    }
    excluded: set[tuple[int, str]] = set()
    use = method.for_totals() if level == "county" else method
    for o in range(max(1, method.base_years), n_y - 1):
        p = forecast(h, h.year0 + o, max(horizons), use)
        for s, m in masks.items():
            fc, actual_all = p.point[:, :, m].sum(2), totals[s]
            low, high = p.low[:, :, m].sum(2), p.high[:, :, m].sum(2)
            for hz in (hz for hz in horizons if o + hz < n_y):
                window = actual_all[:, max(0, o - method.base_years) : o + hz + 1] > 0
                keep = window.all(1)
                excluded.update((int(u), s) for u in np.flatnonzero(window.any(1) & ~keep))
                actual = actual_all[keep, o + hz]
                errs["m"][s][hz] += (np.abs(fc[keep, hz - 1] - actual) / actual).tolist()
                errs["n"][s][hz] += (np.abs(actual_all[keep, o] - actual) / actual).tolist()
                inside = (low[keep, hz - 1] <= actual + 0.5) & (actual - 0.5 <= high[keep, hz - 1])
                errs["c"][s][hz] += inside.astype(float).tolist()
    pct = {k: {s: {hz: _mean_pct(v) for hz, v in by.items()} for s, by in d.items()} for k, d in errs.items()}
    return StageAccuracy(level, pct["m"], pct["n"], len(excluded), pct["c"])
