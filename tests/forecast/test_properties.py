"""Zone forecasts add up to the county: for any scenario (migration per zone, projects in any zones), the
units' demand, places and gaps sum to the report's totals, the places to the county-level report's, and the
difference from the county forecast made as one unit is stated exactly."""

from __future__ import annotations

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eduplan.demo import generate_county
from eduplan.forecast.inputs import placement
from eduplan.forecast.places import PROJECT_SCHEMA
from eduplan.forecast.report import places_report, school_forecast
from eduplan.forecast.scenarios import Scenario

FACTS = generate_county()
ORIGIN = 2025
ZONES = sorted(placement(FACTS.schools, "zone")["unit"].unique().to_list())
SCHOOLS = school_forecast(FACTS, ORIGIN, 3)  # does not depend on the scenario: computed once

projects = st.lists(
    st.tuples(st.sampled_from(ZONES), st.sampled_from(("primary", "junior", "preschool")),
              st.integers(-300, 2000), st.integers(ORIGIN + 1, ORIGIN + 3)),
    max_size=4,
)  # fmt: skip


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(projects, st.dictionaries(st.sampled_from(ZONES), st.floats(-5, 5), max_size=3), st.floats(-3, 3))
def test_zone_sums_equal_county_totals(
    lines: list[tuple[str, str, int, int]], by_zone: dict[str, float], migration: float
) -> None:
    rows = [{"name": f"项目{i}", "school": None, "zone": z, "stage": s, "places": n, "year": y}
            for i, (z, s, n, y) in enumerate(lines)]  # fmt: skip
    frame = pl.DataFrame(rows, schema=PROJECT_SCHEMA)
    scenario = Scenario(migration=migration, migration_by_unit=by_zone)
    zones = places_report(FACTS, "zone", ORIGIN, 3, frame, scenario, schools_fc=SCHOOLS)
    county = places_report(
        FACTS, "county", ORIGIN, 3, frame, Scenario(migration=migration), schools_fc=SCHOOLS
    )
    assert zones.totals is not None and county.totals is not None
    summed = zones.gaps.group_by("stage", "year").agg(pl.col("demand").sum(), pl.col("capacity").sum())
    both = summed.join(zones.totals, on=["stage", "year"], suffix="_total")
    assert both.height == zones.totals.height
    for r in both.iter_rows(named=True):
        assert abs(r["demand"] - r["demand_total"]) < 1e-6
        assert r["capacity"] == r["capacity_total"]
        assert abs(r["difference"] - (r["direct"] - r["demand_total"])) < 1e-6
    # Places do not depend on the level: the zones' places add up to the county report's, year by year.
    places = county.totals.select("stage", "year", pl.col("capacity").alias("county"))
    check = zones.totals.join(places, on=["stage", "year"])
    assert check.height == county.totals.height and (check["capacity"] == check["county"]).all()
    if not by_zone:  # the county forecast made as one unit is the zone report's `direct` column
        direct = county.totals.select("stage", "year", pl.col("demand").alias("county_demand"))
        check = zones.totals.join(direct, on=["stage", "year"])
        assert ((check["direct"] - check["county_demand"]).abs() < 1e-6).all()
