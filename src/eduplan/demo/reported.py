"""Values a bureau reports directly (table `reported`), per county and for some indicators per township."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import polars as pl

from eduplan.demo.params import series
from eduplan.facts import TABLES

if TYPE_CHECKING:
    from eduplan.demo.generate import World

SOURCE = "示例县教育局统计（合成示例数据）"
MEANS = ("teacher_training_hours",)  # value = numerator / denominator, not a percentage
COUNTS = ("vocational_training_persontimes",)  # a plain count, no denominator


def _by_group(values: np.ndarray, group: np.ndarray, n_groups: int) -> np.ndarray:
    out = np.zeros((n_groups, *values.shape[1:]))
    np.add.at(out, group, values)
    return out


def _school_groups(world: World) -> pl.DataFrame:
    lay = world.layout
    return pl.DataFrame(
        {
            "school": [sc.code for sc in lay.schools],
            "county": lay.school_county,
            "township": [sc.township for sc in lay.schools],
        },
        schema={"school": pl.String, "county": pl.Int64, "township": pl.Int64},
    )


def _frame_sums(
    world: World, frame: pl.DataFrame, by: str, n: int, stage: tuple[str, ...], column: str
) -> np.ndarray:
    """Sum of a column of a school-keyed frame per group (county or township index) and output year."""
    rows = frame if "stage" not in frame.columns else frame.filter(pl.col("stage").is_in(stage))
    rows = rows.filter(pl.col("year") >= int(world.years[1]))  # the history years report nothing
    sums = rows.join(_school_groups(world), on="school").group_by(by, "year").agg(pl.col(column).sum())
    out = np.zeros((n, len(world.years) - 1))
    g, y, v = (sums[c].to_numpy() for c in (by, "year", column))
    out[g, y - int(world.years[1])] = v
    return out


def _bases(
    world: World, school_year: pl.DataFrame, stage_year: pl.DataFrame, by: str
) -> dict[str, np.ndarray]:
    """Denominators per group and output year."""
    p, lay = world.params["reported"], world.layout
    tw_county = np.array(lay.tw_county)
    n = len(lay.counties) if by == "county" else len(tw_county)
    pop = world.people.population[:, 1:, :]
    if by == "county":
        pop = _by_group(pop, tw_county, n)
    size = np.array([c.size for c in lay.counties])
    if by != "county":
        size = size[tw_county] * np.array(lay.tw_share)
    ones = np.ones(pop.shape[:2])
    sums = _frame_sums  # short alias
    return {
        "compulsory_age": np.rint(pop[:, :, 6:15].sum(2)),
        "disabled_children": np.rint(pop[:, :, 6:15].sum(2) * p["disabled_children_per_10k_children"] / 1e4),
        "adults": np.rint(ones * p["adults_per_county"] * size[:, None]),
        "respondents": ones * p["respondents"],
        "majors": ones * p["majors"],
        "aided_students": np.rint(pop[:, :, 3:18].sum(2) * p["aided_per_pupil"]),
        "vocational_graduates": sums(world, stage_year, by, n, ("vocational",), "graduates"),
        "graduates_junior": sums(world, stage_year, by, n, ("junior",), "graduates"),
        "disabled_graduates": np.maximum(
            np.rint(sums(world, stage_year, by, n, ("junior",), "disabled") / 3), 1
        ),
        "migrant_pupils": sums(world, stage_year, by, n, ("primary", "junior"), "migrant"),
        "teachers": sums(world, school_year, by, n, (), "teachers"),
    }


def _indicator(code: str, item: dict, units: list[str], bases: dict[str, np.ndarray], years: np.ndarray,
               rng: np.random.Generator, noise: float) -> pl.DataFrame:  # fmt: skip
    shape = (len(units), len(years))
    value = np.broadcast_to(series(item["value"], years)[None, :], shape).copy()
    if isinstance(item["value"], dict):
        value += rng.normal(0.0, float(noise) * float(np.mean(value)) ** 0.5, shape)
    scale = 1.0 if code in MEANS else 100.0
    if code not in MEANS and code not in COUNTS:
        value = np.minimum(value, 100.0)
    base = bases.get(str(item.get("denominator", "")))
    if base is None or code in COUNTS:
        numerator = denominator = np.full(shape, np.nan)
        value = np.round(value, 0 if code in COUNTS else 1)
    else:
        denominator = base.astype(np.float64)
        numerator = np.rint(value * denominator / scale)
        value = np.where(denominator > 0, np.round(numerator / np.maximum(denominator, 1) * scale, 2), np.nan)
        numerator = np.where(denominator > 0, numerator, np.nan)
        denominator = np.where(denominator > 0, denominator, np.nan)
    return pl.DataFrame(
        {
            "unit": np.repeat(units, len(years)),
            "year": np.tile(years, len(units)),
            "indicator": code,
            "value": value.reshape(-1),
            "numerator": numerator.reshape(-1),
            "denominator": denominator.reshape(-1),
            "source": SOURCE,
        },
        schema=TABLES["reported"].polars_schema(),
        nan_to_null=True,
    )


def reported_frame(world: World, school_year: pl.DataFrame, stage_year: pl.DataFrame) -> pl.DataFrame:
    lay = world.layout
    years = world.years[1:]
    county_codes = [c.code for c in lay.counties]
    county_bases = _bases(world, school_year, stage_year, "county")
    township_bases = _bases(world, school_year, stage_year, "township")
    rng = np.random.default_rng([int(world.rng.integers(1 << 30)), 5])
    noise = float(world.params["noise"]["reported"])
    frames = []
    for code, item in world.params["reported"].items():
        if not isinstance(item, dict):
            continue
        frames.append(_indicator(code, item, county_codes, county_bases, years, rng, noise))
        if item.get("township"):  # townships without such pupils report nothing
            rows = _indicator(code, item, list(lay.tw_code), township_bases, years, rng, noise)
            frames.append(rows.drop_nulls("value"))
    return pl.concat(frames)
