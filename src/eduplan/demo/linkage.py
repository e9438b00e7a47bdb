"""The demo county's registers (户籍 children, 学籍, special situations, needy lists, aid) with known truth."""

from __future__ import annotations

import polars as pl

from eduplan.facts import Facts
from eduplan.linkage.synthetic import Places, Synthetic, generate

DEMO_REGISTER_YEAR = 2025
SEED = 17


def generate_registers(facts: Facts, county: str, year: int = DEMO_REGISTER_YEAR) -> Synthetic:
    """As many compulsory-age children as the county's primary and junior schools teach in `year`."""
    pupils = facts.grade_year.filter((pl.col("year") == year) & pl.col("stage").is_in(["primary", "junior"]))
    children = int(pupils["enrollment"].sum() or 0)
    return generate(
        Places.from_frames(facts.org_units, facts.schools, county), year, max(children, 100), SEED
    )
