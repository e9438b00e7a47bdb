"""Between long Polars frames (facts.py columns) and the dense arrays the projection runs on."""

from __future__ import annotations

import numpy as np
import polars as pl

from eduplan.errors import DataError
from eduplan.forecast.chain import Chain
from eduplan.forecast.cohort import History, Projection


def build_history(
    enrollment: pl.DataFrame, placement: pl.DataFrame, cohorts: pl.DataFrame, chain: Chain
) -> History:
    """Arrays from ``enrollment`` (school, year, stage, grade, enrollment), ``placement`` (school, unit, area)
    and ``cohorts`` (area, birth_year, size). Rows of grades outside the chain are ignored."""
    if enrollment.is_empty():
        raise DataError("没有在校生分年级数据，无法预测", english="no enrollment rows")
    units = placement["unit"].unique().sort().to_list()
    areas = placement["area"].unique().sort().to_list()
    year0, year1 = int(enrollment["year"].min()), int(enrollment["year"].max())  # type: ignore[arg-type]
    shape_y, n_p = year1 - year0 + 1, len(chain)
    positions = pl.DataFrame(
        {"stage": [p.stage for p in chain], "grade": [p.grade for p in chain], "p": list(range(n_p))},
        schema={"stage": pl.String, "grade": pl.Int64, "p": pl.Int64},
    )
    rows = (
        enrollment.select("school", "year", "stage", "grade", "enrollment")
        .with_columns(pl.col("grade").cast(pl.Int64), pl.col("year").cast(pl.Int64))
        .join(positions, on=["stage", "grade"])
        .join(placement, on="school")
        .filter(pl.col("enrollment").is_not_null())
    )
    unit_ix = {u: i for i, u in enumerate(units)}
    births, birth_year0 = _cohorts(cohorts, {a: i for i, a in enumerate(areas)})
    area_ix = {a: i for i, a in enumerate(areas)}
    return History(
        chain=chain,
        year0=year0,
        enrollment=_scatter(rows, "unit", unit_ix, (len(units), shape_y, n_p), year0),
        membership=_membership(placement, unit_ix, area_ix),
        area_enrollment=_scatter(rows, "area", area_ix, (len(areas), shape_y, n_p), year0),
        cohorts=births,
        birth_year0=birth_year0,
    )


def _scatter(
    rows: pl.DataFrame, key: str, index: dict[str, int], shape: tuple[int, int, int], year0: int
) -> np.ndarray:
    out = np.zeros(shape)
    if rows.is_empty():
        return out
    k = rows[key].replace_strict(index, return_dtype=pl.Int64).to_numpy()
    y = rows["year"].to_numpy() - year0
    np.add.at(out, (k, y, rows["p"].to_numpy()), rows["enrollment"].to_numpy().astype(float))
    return out


def _membership(placement: pl.DataFrame, unit_ix: dict[str, int], area_ix: dict[str, int]) -> np.ndarray:
    out = np.zeros((len(unit_ix), len(area_ix)))
    for unit, area in placement.select("unit", "area").unique().iter_rows():
        out[unit_ix[unit], area_ix[area]] = 1.0
    return out


def _cohorts(cohorts: pl.DataFrame, area_ix: dict[str, int]) -> tuple[np.ndarray, int]:
    known = cohorts.filter(pl.col("area").is_in(list(area_ix)) & pl.col("size").is_not_null())
    if known.is_empty():
        return np.full((len(area_ix), 1), np.nan), 1990
    b0, b1 = int(known["birth_year"].min()), int(known["birth_year"].max())  # type: ignore[arg-type]
    summed = known.group_by("area", "birth_year").agg(pl.col("size").sum())
    out = np.full((len(area_ix), b1 - b0 + 1), np.nan)
    a = summed["area"].replace_strict(area_ix, return_dtype=pl.Int64).to_numpy()
    out[a, summed["birth_year"].to_numpy() - b0] = summed["size"].to_numpy()
    return out, b0


def projection_frame(p: Projection, h: History, units: list[str]) -> pl.DataFrame:
    """Long frame: unit, year, stage, grade, enrollment, low, high (fractional pupils, not rounded)."""
    n_u, horizon, n_p = p.point.shape
    unit = np.repeat(np.arange(n_u), horizon * n_p)
    year = np.tile(np.repeat(np.arange(p.origin + 1, p.origin + horizon + 1), n_p), n_u)
    pos = np.tile(np.arange(n_p), n_u * horizon)
    return pl.DataFrame(
        {
            "unit": pl.Series(units, dtype=pl.String).gather(unit),
            "year": year,
            "stage": pl.Series([c.stage for c in h.chain], dtype=pl.String).gather(pos),
            "grade": pl.Series([c.grade for c in h.chain], dtype=pl.Int64).gather(pos),
            "enrollment": p.point.reshape(-1),
            "low": p.low.reshape(-1),
            "high": p.high.reshape(-1),
        }
    )


def ratios_frame(p: Projection, h: History, units: list[str]) -> pl.DataFrame:
    """Every estimated ratio: unit, stage, grade, source (cohort/transition/progression), ratio, spread."""
    n_u, n_p = p.ratios.shape
    pos = np.tile(np.arange(n_p), n_u)
    return pl.DataFrame(
        {
            "unit": pl.Series(units, dtype=pl.String).gather(np.repeat(np.arange(n_u), n_p)),
            "stage": pl.Series([c.stage for c in h.chain], dtype=pl.String).gather(pos),
            "grade": pl.Series([c.grade for c in h.chain], dtype=pl.Int64).gather(pos),
            "source": pl.Series([c.source for c in h.chain], dtype=pl.String).gather(pos),
            "ratio": p.ratios.reshape(-1),
            "spread": p.spread.reshape(-1),
        }
    )
