"""Where the API's numbers come from: the engine and the standards, each called in one small function so
that a faster source (issue 14's stored results) can replace it in one place."""

from __future__ import annotations

import polars as pl

from eduplan.facts import Facts
from eduplan.indicators.engine import compute
from eduplan.standards.result import Evaluation
from eduplan.store import load_facts


def indicator_values(unit: str) -> tuple[pl.DataFrame, Facts]:
    """Every indicator value of `unit` and of every unit and school below it, and the facts they came from.
    Computed on the unit's own facts, so the values above it (which would see only this part) are dropped."""
    facts = load_facts(unit)
    below = set(facts.schools["code"]) | {c for c in facts.org_units["code"] if c.startswith(unit)}
    return compute(facts).filter(pl.col("unit").is_in(sorted(below | {unit}))), facts


def evaluation(kind: str, county: str, year: int) -> Evaluation:
    from eduplan.web.standards.pages import run

    return run(kind, load_facts(county), county, year)
