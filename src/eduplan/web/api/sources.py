"""Where the API's numbers come from: the engine and the standards, on the unit's facts as kept per data version
(issue 14's `county_facts`), so that a value is computed once per data change, not once per call."""

from __future__ import annotations

import polars as pl
from django.conf import settings

from eduplan.facts import Facts
from eduplan.indicators.engine import compute
from eduplan.memo import per_facts
from eduplan.results import county_facts, indicator_rows
from eduplan.results.compute import COUNTY_DIGITS
from eduplan.standards.result import Evaluation


def indicator_values(unit: str) -> tuple[pl.DataFrame, Facts]:
    """Every indicator value of `unit` and of every unit and school below it, and the facts they came from:
    a county's, a city's or a province's as stored per data version (eduplan.results); a township's or a
    school's computed on its own facts, so the values above it (which would see only this part) are dropped."""
    facts = county_facts(unit)
    if settings.EDUPLAN_RESULTS_STORE and len(unit) <= COUNTY_DIGITS:
        counties = [
            c for c in facts.org_units.filter(pl.col("level") == "county")["code"] if c.startswith(unit)
        ]
        own = [] if unit in counties else [indicator_rows(unit).rows]
        return pl.concat([*own, *(indicator_rows(c).rows for c in counties)]), facts
    below = set(facts.schools["code"]) | {c for c in facts.org_units["code"] if c.startswith(unit)}
    rows = per_facts(facts, ("api-indicators", unit), lambda: compute(facts))
    return rows.filter(pl.col("unit").is_in(sorted(below | {unit}))), facts


def evaluation(kind: str, county: str, year: int) -> Evaluation:
    from eduplan.web.standards.pages import judged

    return judged(kind, county, year).value  # stored per data version and entered items
