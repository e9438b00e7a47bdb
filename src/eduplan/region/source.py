"""Where the region views get indicator values: the one call into the indicator engine.

Kept in one function so that stored results (issue 14) can replace the engine run without touching the callers.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from eduplan.facts import Facts
from eduplan.memo import per_facts


def indicator_values(facts: Facts, codes: Sequence[str] | None = None) -> pl.DataFrame:
    """The engine's rows (code, unit, level, year, value, numerator, denominator, reason) of `codes` (all when
    None) for every unit and year of `facts`; computed once per facts object."""
    from eduplan.indicators.engine import compute

    key = ("region-values", tuple(codes) if codes is not None else None)
    return per_facts(facts, key, lambda: compute(facts, list(codes) if codes is not None else None))
