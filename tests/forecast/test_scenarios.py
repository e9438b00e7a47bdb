"""Scenarios change the shortfall table: add or move a project, change migration."""

from __future__ import annotations

import polars as pl
import pytest

from eduplan.errors import NotFound
from eduplan.forecast.places import PROJECT_SCHEMA
from eduplan.forecast.report import places_report
from eduplan.forecast.scenarios import Move, Scenario, apply_migration, apply_projects
from eduplan.forecast.synthetic import synthetic_facts

PROJECTS = pl.DataFrame(
    [
        {
            "name": "城关新小学",
            "school": None,
            "zone": "1镇第1片区",
            "stage": "primary",
            "places": 900,
            "year": 2028,
        }
    ],
    schema=PROJECT_SCHEMA,
)


def test_migration_compounds_by_year() -> None:
    d = pl.DataFrame({"unit": ["U", "U", "V"], "stage": "primary", "year": [2025, 2026, 2026],
                      "demand": [100.0, 100.0, 100.0], "low": [90.0] * 3, "high": [110.0] * 3})  # fmt: skip
    out = apply_migration(d, 2024, Scenario(migration=10.0, migration_by_unit={"V": -5.0}))
    # U: +10 % a year -> 110 in 2025, 121 in 2026; V: −5 % a year -> 100 × 0.95² = 90.25 in 2026.
    assert out["demand"].to_list() == pytest.approx([110.0, 121.0, 90.25])
    assert out["high"].to_list() == pytest.approx([121.0, 133.1, 99.275])


def test_move_and_add_projects() -> None:
    moved = apply_projects(PROJECTS, Scenario(move=(Move("城关新小学", year=2026, zone="1镇第2片区"),)))
    assert moved.select("zone", "year").rows() == [("1镇第2片区", 2026)]
    added = apply_projects(PROJECTS, Scenario(add=({"name": "新初中", "zone": "2镇第1片区", "stage": "junior",
                                                      "places": 600, "year": 2027},)))  # fmt: skip
    assert added.height == 2 and added["places"].to_list() == [900, 600]
    with pytest.raises(NotFound):
        apply_projects(PROJECTS, Scenario(move=(Move("不存在"),)))


def test_scenario_changes_the_shortfall_table() -> None:
    facts = synthetic_facts(n_townships=2, zones_per_township=2)
    base = places_report(facts, "zone", 2024, 6, PROJECTS)
    earlier = places_report(facts, "zone", 2024, 6, PROJECTS, Scenario(move=(Move("城关新小学", year=2026),)))

    def gap(r: object, year: int) -> float:
        g = r.gaps  # type: ignore[attr-defined]
        return float(
            g.filter(
                (pl.col("unit") == "340101-1镇第1片区")
                & (pl.col("stage") == "primary")
                & (pl.col("year") == year)
            )["gap"].item()
        )

    # Moving the 900 places from 2028 to 2026 lowers the 2026 and 2027 gaps by exactly 900, not 2028's.
    assert gap(base, 2026) - gap(earlier, 2026) == pytest.approx(900)
    assert gap(base, 2027) - gap(earlier, 2027) == pytest.approx(900)
    assert gap(base, 2028) == pytest.approx(gap(earlier, 2028))
    more = places_report(facts, "zone", 2024, 6, PROJECTS, Scenario(migration=5.0))
    assert gap(more, 2026) > gap(base, 2026)
