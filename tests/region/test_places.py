"""Township shortfalls summed per county: a county's surplus village places do not hide a full town."""

from __future__ import annotations

import polars as pl

from eduplan.facts import Facts
from eduplan.region.places import county_shortfalls


def test_shortfalls_add_only_the_townships_short(two: Facts) -> None:
    gaps = pl.DataFrame(
        {
            "unit": ["990101001", "990101002", "990102001"],
            "stage": ["primary"] * 3,
            "year": [2026] * 3,
            "gap": [120.0, -300.0, 15.5],
        }
    )
    rows = county_shortfalls(gaps, two).rows(named=True)
    # 甲县: 120 short in 城关镇, 300 spare in 石桥乡 → shortfall 120 (net −180); 乙县: 15.5.
    assert rows == [
        {"county": "990101", "stage": "primary", "year": 2026, "shortfall": 120.0, "townships_short": 1,
         "net_gap": -180.0},
        {"county": "990102", "stage": "primary", "year": 2026, "shortfall": 15.5, "townships_short": 1,
         "net_gap": 15.5},
    ]  # fmt: skip
