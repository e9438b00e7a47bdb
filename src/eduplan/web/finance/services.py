"""What the finance pages and commands show, from the database: the core's results for one county.

Shell code: it reads the facts (store), the county's edited unit costs, the plan's projects and the standards'
entered items, and hands them to `eduplan.finance`. No HTTP here; the CLI calls the same functions.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import polars as pl

from eduplan.errors import EduplanError
from eduplan.facts import Facts
from eduplan.finance import budget
from eduplan.finance.floors import (
    STATUS_NAMES,
    county_totals,
    need_ahead,
    rule_codes,
    rule_text,
    school_floors,
    stage_counts,
    underfunded,
)
from eduplan.finance.floors import floors as floors_of
from eduplan.finance.rules import rules_for
from eduplan.memo import per_facts

HORIZON = 5


@dataclass(frozen=True)
class FloorReport:
    """One county's (or region's) floors in a year: a row per school, and totals."""

    year: int
    rows: list[dict[str, Any]]  # every school with a floor, by code
    todo: list[dict[str, Any]]  # the schools under their floor, largest gap first
    totals: dict[str, Any]
    years: list[int]


def floor_years(facts: Facts) -> list[int]:
    """Years with allocations reported, else every year with statistics and a floor."""
    if facts.school_finance.height:
        return sorted(facts.school_finance["year"].unique().to_list())
    counts = stage_counts(facts)
    return sorted(floors_of(counts, facts.schools).schools["year"].unique().to_list())


def floor_report(facts: Facts, year: int | None = None) -> FloorReport:
    """Every school with a floor in `year` (the latest year with allocations by default), with its rule; made
    once per facts object (a data version)."""
    return per_facts(facts, ("floor-report", year), lambda: _floor_report(facts, year))


def _floor_report(facts: Facts, year: int | None) -> FloorReport:
    years = floor_years(facts)
    if year is None:
        year = years[-1] if years else 0
    assessed = school_floors(facts, rules_for, year)
    schools = assessed.schools.filter(pl.col("year") == year).sort("school")
    rows = [_row(r, assessed.parts) for r in schools.iter_rows(named=True)]
    by_code = {r["school"]: r for r in rows}
    todo = [by_code[code] for code in underfunded(schools, year)["school"]]
    sums = county_totals(schools).select(pl.col(TOTALS).sum()).row(0, named=True)
    return FloorReport(year, rows, todo, sums, years)


TOTALS = ("schools", "pupils", "counted_pupils", "floor", "allocated", "gap", "under", "unknown")


def _row(r: dict[str, Any], parts: pl.DataFrame) -> dict[str, Any]:
    """One school's floor as the pages, commands and exports show it."""
    return {
        "school": r["school"],
        "name": r["name"],
        "school_type": r["school_type"],
        "locale": r["locale"],
        "pupils": int(r["pupils"]),
        "counted_pupils": round(r["counted_pupils"]),
        "boarders": int(r["boarders"]),
        "disabled": int(r["disabled"]),
        "floor": r["floor"],
        "allocated": r["allocated"],
        "gap": r["gap"],
        "status": r["status"],
        "status_name": STATUS_NAMES[r["status"]],
        "since": r["since"],
        "rule": rule_text(r, parts),
        "rules": rule_codes(r, parts),
    }


def county_report(facts: Facts, county: str) -> list[budget.CountyYear]:
    return per_facts(
        facts, ("county-report", county), lambda: budget.county_years(facts.county_finance, county)
    )


# ---------------------------------------------------------------------------------------------- plan cost


def edits(county: str) -> dict[str, tuple[float, str]]:
    """The county's own unit costs: key -> (value, who changed it and when)."""
    from eduplan.web.finance.models import UnitCost

    out = {}
    for c in UnitCost.objects.filter(county=county).select_related("changed_by"):
        who = c.changed_by.username if c.changed_by else "—"
        out[c.key] = (c.value, f"本县修改（{who}，{c.changed_at:%Y-%m-%d}）")
    return out


def costs_for(county: str) -> dict[str, budget.UnitCost]:
    from eduplan.standards.loader import load

    return budget.unit_costs(load("balanced", county).unit_costs, edits(county))


def origin_of(facts: Facts) -> int | None:
    """The last school year with enrollment: the forecast's origin and the to-do list's year."""
    years = facts.grade_year["year"].unique().to_list()
    return max(years) if years else None


def _todo(facts: Facts, county: str, year: int, costs: dict[str, budget.UnitCost]) -> Any:
    """The 优质均衡 to-do list made with the county's unit costs, or None when it cannot be made."""
    from eduplan.standards import evaluate
    from eduplan.standards.gaps import plan
    from eduplan.standards.loader import load
    from eduplan.web.standards.entries import entries

    standard = load("balanced", county)
    mine = {k: c.value for k, c in costs.items() if k in standard.unit_costs}
    try:
        result = evaluate("balanced", facts, county, year, entries(county, year, "balanced"))
        return plan(result, replace(standard, unit_costs={**standard.unit_costs, **mine}))
    except EduplanError:
        return None


def projects_of(county: str) -> list[dict[str, Any]]:
    """The projects of the county's plans, budget in 元 (stored in 万元)."""
    from eduplan.web.plans.models import Project

    out = []
    for p in Project.objects.filter(plan__region_code=county).order_by("planned_year", "name"):
        row = {f: getattr(p, f) for f in ("name", "kind", "status", "planned_year", "actual_year", "budget")}
        row |= {f"places_{s}": getattr(p, f"places_{s}") for s in budget.PLACE_STAGES}
        row["budget"] = None if p.budget is None else p.budget * 1e4
        row["kind"], row["status_name"] = p.get_kind_display(), p.get_status_display()
        out.append(row)
    return out


def places_gaps(facts: Facts, county: str, origin: int) -> pl.DataFrame:
    from eduplan.forecast import places_report

    report = places_report(facts, "county", origin, HORIZON)
    return report.gaps.filter(pl.col("unit") == county)


def plan_cost(facts: Facts, county: str) -> budget.PlanCost | None:
    origin = origin_of(facts)
    if origin is None:
        return None
    costs = costs_for(county)
    gaps = places_gaps(facts, county, origin)
    todo = _todo(facts, county, origin, costs)
    return budget.plan_cost(origin, todo, gaps, facts.grade_year, projects_of(county), costs)


def need(facts: Facts, county: str) -> pl.DataFrame:
    """The 公用经费 floors' sum from the origin year to HORIZON years ahead (see floors.need_ahead)."""
    from eduplan.forecast import forecast_facts

    origin = origin_of(facts)
    if origin is None:
        return pl.DataFrame()
    forecast = forecast_facts(facts, "school", origin, HORIZON)
    return need_ahead(facts, forecast.frame, origin).filter(pl.col("county") == county)
