"""GET /api/v1/forecasts/ on the tiny county (numbers by hand in tests/forecast/test_cli_places.py): the same
baseline as the /forecast/ page, scoped like every other read."""

from __future__ import annotations

import pytest

from eduplan.facts import Facts
from tests.api.test_endpoints import client_of
from tests.conftest import BOB, CAROL

pytestmark = pytest.mark.db


def test_forecast_of_990101_from_2024(tiny_db: Facts) -> None:
    response = client_of().get("/api/v1/forecasts/", {"unit": "990101", "year": "2024"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["unit"], body["level"], body["origin"], body["horizon"]) == ("990101", "zone", 2024, 5)
    junior = [r for r in body["years"] if (r["unit"], r["stage"]) == ("990101001", "junior")]
    assert [r["year"] for r in junior] == [2025, 2026, 2027, 2028, 2029]
    # Junior 2025: grades 2-3 stay at 120 each; grade 1 = 120 / 50 × 51 = 122.4 -> 362.4 pupils, 1200 places.
    first = junior[0]
    assert (first["stage_name"], first["capacity"]) == ("初中", 1200)
    assert first["demand"] == pytest.approx(362.4)
    assert first["gap"] == pytest.approx(362.4 - 1200)
    assert first["low"] <= first["demand"] <= first["high"]
    warning = next(w for w in body["warnings"] if (w["unit"], w["stage"]) == ("990101001", "junior"))
    # Never short of places; the last year's pupils fill well under 60 % of them: 富余.
    assert (warning["first_shortfall"], warning["level"], warning["level_name"]) == (
        None,
        "surplus",
        "学位富余",
    )
    assert (
        warning["final_utilisation"] == pytest.approx(junior[-1]["demand"] / 1200)
        and warning["final_utilisation"] < 0.6
    )
    assert warning["max_gap"] == pytest.approx(max(r["gap"] for r in junior))
    assert {(w["unit"], w["stage"]) for w in body["warnings"]} == {
        (r["unit"], r["stage"]) for r in body["years"]
    }


def test_forecast_defaults_scope_and_errors(tiny_db: Facts) -> None:
    client = client_of()
    latest = client.get("/api/v1/forecasts/").json()  # the user's first county, its latest complete year
    assert (latest["unit"], latest["origin"]) == ("990101", 2024)
    by_township = client.get("/api/v1/forecasts/", {"unit": "990101", "level": "township"}).json()
    assert by_township["level"] == "township" and by_township["years"]
    assert client_of(CAROL).get("/api/v1/forecasts/", {"unit": "990101"}).status_code == 200
    refused = client_of(BOB).get("/api/v1/forecasts/", {"unit": "990101"})
    assert refused.status_code == 404 and set(refused.json()) == {"message", "problems"}
    bad = client.get("/api/v1/forecasts/", {"unit": "990101", "level": "school"})
    assert bad.status_code == 400 and bad.json()["problems"][0]["field"] == "level"
    outside = client.get("/api/v1/forecasts/", {"unit": "990101", "year": "2030"})
    assert outside.status_code == 400 and "2030" in outside.json()["message"]
