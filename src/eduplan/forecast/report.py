"""The places report of one region: demand, capacity, gaps and warnings by unit and stage, under a scenario."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from eduplan.facts import Facts
from eduplan.forecast.cohort import DEFAULT_METHOD, Method
from eduplan.forecast.inputs import EnrollmentForecast, forecast_facts, stage_totals
from eduplan.forecast.places import (
    capacity_timeline,
    empty_projects,
    gaps,
    large_classes,
    school_capacity,
    small_schools,
    warnings,
)
from eduplan.forecast.scenarios import Scenario, apply_migration, apply_projects

STAGES = ("preschool", "primary", "junior", "senior")


@dataclass(frozen=True)
class PlacesReport:
    level: str
    origin: int
    horizon: int
    gaps: pl.DataFrame  # unit, stage, year, demand, low, high, capacity, gap, utilisation
    warnings: pl.DataFrame  # unit, stage, first_shortfall, max_gap, final_utilisation, level
    large_classes: pl.DataFrame
    small_schools: pl.DataFrame
    ratios: pl.DataFrame
    # stage, year, demand, capacity, gap: the sum over the units (the region's total of this report), with
    # `direct` (the region forecast as one unit) and `difference` (direct − demand) when units are finer
    totals: pl.DataFrame | None = None


def school_forecast(
    facts: Facts, origin: int, horizon: int, method: Method = DEFAULT_METHOD
) -> EnrollmentForecast:
    return forecast_facts(facts, "school", origin, horizon, method)


def places_report(
    facts: Facts,
    level: str,
    origin: int,
    horizon: int,
    projects: pl.DataFrame | None = None,
    scenario: Scenario | None = None,
    method: Method = DEFAULT_METHOD,
    schools_fc: EnrollmentForecast | None = None,
) -> PlacesReport:
    """Forecast ``level`` units from ``origin``; compare with capacity and projects; flag classes and schools."""
    s = scenario or Scenario()
    units = forecast_facts(facts, level, origin, horizon, method)
    per_school = schools_fc or school_forecast(facts, origin, horizon, method)
    demand = apply_migration(stage_totals(units.frame.filter(pl.col("stage").is_in(STAGES))), origin, s)
    capacity = school_capacity(facts.schools, facts.grade_year, origin)
    plan = apply_projects(projects if projects is not None else empty_projects(), s)
    years = list(range(origin + 1, origin + horizon + 1))
    gap = gaps(demand, capacity_timeline(capacity, facts.schools, plan, level, years))
    direct = None if level == "county" else forecast_facts(facts, "county", origin, horizon, method)
    return PlacesReport(
        level=level,
        origin=origin,
        horizon=horizon,
        gaps=gap,
        warnings=warnings(gap, origin),
        large_classes=large_classes(per_school.frame, capacity),
        small_schools=small_schools(per_school.frame, facts.schools),
        ratios=units.ratios,
        totals=reconcile(gap, direct, origin, s),
    )


def reconcile(gap: pl.DataFrame, direct: EnrollmentForecast | None, origin: int, s: Scenario) -> pl.DataFrame:
    """stage, year, demand, capacity, gap summed over the units; beside them the region forecast made as one
    unit (`direct`, overall migration only) and the difference, so that the units' total reconciles with it."""
    totals = (
        gap.group_by("stage", "year")
        .agg(pl.col("demand").sum(), pl.col("capacity").sum())
        .with_columns((pl.col("demand") - pl.col("capacity")).alias("gap"))
    )
    if direct is None:
        return totals.with_columns(pl.col("demand").alias("direct"), pl.lit(0.0).alias("difference")).sort(
            "stage", "year"
        )
    region = stage_totals(direct.frame.filter(pl.col("stage").is_in(STAGES)))
    region = apply_migration(region, origin, Scenario(migration=s.migration))
    region = region.group_by("stage", "year").agg(pl.col("demand").sum().alias("direct"))
    return (
        totals.join(region, on=["stage", "year"], how="left")
        .with_columns((pl.col("direct") - pl.col("demand")).alias("difference"))
        .sort("stage", "year")
    )
