"""Scenarios: add or move a project, change the migration assumption; the shortfall table is recomputed."""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

from eduplan.errors import NotFound
from eduplan.forecast.places import PROJECT_SCHEMA


@dataclass(frozen=True)
class Move:
    """Move the project called ``name`` to another year and/or another school or zone."""

    name: str
    year: int | None = None
    school: str | None = None
    zone: str | None = None


@dataclass(frozen=True)
class Scenario:
    """``migration`` is net in-migration in percent a year on top of what the ratios carry; ``migration_by_unit``
    overrides it for single units. Demand in year origin + k is multiplied by (1 + m/100) ** k."""

    add: tuple[dict[str, object], ...] = ()
    move: tuple[Move, ...] = ()
    migration: float = 0.0
    migration_by_unit: dict[str, float] = field(default_factory=dict)

    def is_baseline(self) -> bool:
        return not (self.add or self.move or self.migration or self.migration_by_unit)


def apply_projects(projects: pl.DataFrame, s: Scenario) -> pl.DataFrame:
    """The project table under the scenario."""
    out = projects
    for m in s.move:
        hit = pl.col("name") == m.name
        if out.filter(hit).is_empty():
            raise NotFound(f"没有名为“{m.name}”的建设项目", english=f"no project named {m.name}")
        updates = []
        if m.year is not None:
            updates.append(pl.when(hit).then(pl.lit(m.year)).otherwise(pl.col("year")).alias("year"))
        if m.school is not None or m.zone is not None:
            updates.append(
                pl.when(hit).then(pl.lit(m.school, pl.String)).otherwise(pl.col("school")).alias("school")
            )
            updates.append(
                pl.when(hit).then(pl.lit(m.zone, pl.String)).otherwise(pl.col("zone")).alias("zone")
            )
        if updates:
            out = out.with_columns(updates)
    if s.add:
        added = pl.DataFrame(
            [{k: row.get(k) for k in PROJECT_SCHEMA} for row in s.add], schema=PROJECT_SCHEMA
        )
        out = pl.concat([out.select(list(PROJECT_SCHEMA)).cast(PROJECT_SCHEMA), added])  # type: ignore[arg-type]
    return out


def apply_migration(demand: pl.DataFrame, origin: int, s: Scenario) -> pl.DataFrame:
    """Scale demand, low and high by the scenario's compound migration rate per unit."""
    if not (s.migration or s.migration_by_unit):
        return demand
    rates = pl.DataFrame(
        {"unit": list(s.migration_by_unit), "rate": list(s.migration_by_unit.values())},
        schema={"unit": pl.String, "rate": pl.Float64},
    )
    factor = (1 + pl.col("rate").fill_null(s.migration) / 100) ** (pl.col("year") - origin)
    return (
        demand.join(rates, on="unit", how="left")
        .with_columns((pl.col(c) * factor).alias(c) for c in ("demand", "low", "high"))
        .drop("rate")
    )
