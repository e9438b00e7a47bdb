"""Evaluations, forecasts and progress judgements stored per data version: stored exactly as computed, read by
the pages, recomputed by a refresh (inline or in the server's background thread) after any sequence of
imports, undos, edits and entries, and equal to a fresh computation whenever they say they are fresh."""

from __future__ import annotations

import dataclasses
import math
from typing import Any

import polars as pl
import pytest
from django.test import Client
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import invariant, rule, run_state_machine_as_test
from polars.testing import assert_frame_equal

from eduplan import results
from eduplan.facts import Facts
from eduplan.forecast.report import PlacesReport
from eduplan.results import codec
from eduplan.results.judgements import _producers
from eduplan.results.models import StoredResult
from eduplan.results.producers import forecast_key
from eduplan.standards.result import Evaluation
from eduplan.store import load_facts
from eduplan.store.versions import versions
from tests.conftest import ALICE, make_tiny_facts
from tests.monitoring.test_plans_db import PLAN
from tests.results.test_stored_results import (
    COUNTY,
    SCHOOLS,
    StoredResults,
    _fresh,
    _import,
    _stored,
    _teachers,
)

pytestmark = pytest.mark.db
FORECAST = forecast_key("zone", 2024, 5, True)


def plain(value: Any) -> Any:
    """A result as comparable data: dataclasses as dicts, frames as their schema and rows, NaN as text."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, pl.DataFrame):
        return (dict(value.schema), plain(value.rows()))
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(plain(v) for v in value)
    if isinstance(value, float) and math.isnan(value):
        return "NaN"
    return value


def fresh(kind: str, key: str) -> Any:
    """The result computed now from the database's facts, bypassing everything stored or memoised."""
    return _producers()[kind].compute(lambda: load_facts(COUNTY), COUNTY, key)


@pytest.fixture
def plan(tiny_db: Facts) -> Any:
    from eduplan.web.plans.plan_io import save_plan

    return save_plan(PLAN, COUNTY, "示例县")


@pytest.fixture
def refresh_off(settings: Any) -> None:
    settings.EDUPLAN_RESULTS_REFRESH = "off"


def test_the_codec_gives_back_the_objects_the_core_returned() -> None:
    from eduplan.forecast.report import places_report
    from eduplan.standards import evaluate

    facts = make_tiny_facts()
    for kind in ("balanced", "basic", "preschool"):
        evaluation = evaluate(kind, facts, COUNTY, 2024)
        back = codec.loads(codec.dumps(evaluation), Evaluation)
        assert back == evaluation and back.to_json() == evaluation.to_json()
    report = places_report(facts, "zone", 2024, 5)
    back = codec.loads(codec.dumps(report), PlacesReport)
    assert plain(back) == plain(report) and back.gaps.schema == report.gaps.schema
    odd = {"tables": {"a": (1, 2)}, "keys": {2024: [float("nan"), float("inf"), 0.1 + 0.2]}}
    again = codec.loads(codec.dumps(odd), dict[str, Any])
    assert again["keys"][2024][2] == 0.1 + 0.2 and math.isinf(again["keys"][2024][1])  # exact, keys kept
    with pytest.raises(codec.StaleFormat):
        codec.loads('{"format": 0, "value": {}}', Evaluation)


def test_results_are_computed_once_per_version_and_read_by_the_pages(
    plan: Any, alice: Any, refresh_off: None
) -> None:
    first = results.judgement("evaluation", COUNTY, "basic 2024")
    assert first.fresh and plain(first.value) == plain(fresh("evaluation", "basic 2024"))
    again = results.judgement("evaluation", COUNTY, "basic 2024")
    assert again.value is first.value  # read, not computed: the same decoded object
    client = Client()
    assert client.login(username=ALICE.username, password=ALICE.password)
    for url in (
        f"/standards/?unit={COUNTY}&year=2024",
        f"/standards/basic/?unit={COUNTY}&year=2024",
        f"/forecast/?unit={COUNTY}",
        f"/plans/?plan={plan.pk}",
        f"/plans/targets/?plan={plan.pk}",
    ):
        assert client.get(url).status_code == 200, url
    kinds = set(StoredResult.objects.filter(county=COUNTY).values_list("kind", "key"))
    assert {("evaluation", "balanced 2024"), ("evaluation", "preschool 2024"), ("forecast", FORECAST),
            ("progress", f"plan {plan.pk}")} <= kinds  # fmt: skip
    _import(_teachers(SCHOOLS[0], 2024, 1))
    stale = results.judgement("evaluation", COUNTY, "basic 2024")
    assert not stale.fresh and stale.value is first.value  # the previous result, marked stale
    page = client.get(f"/standards/basic/?unit={COUNTY}&year=2024").content.decode()
    assert 'id="results-stale"' in page
    assert 'id="results-stale"' in client.get(f"/plans/?plan={plan.pk}").content.decode()
    assert results.refresh(COUNTY)
    for kind, key in kinds:
        now = results.judgement(kind, COUNTY, key)
        assert now.fresh and plain(now.value) == plain(fresh(kind, key)), key
    assert (
        'id="results-stale"' not in client.get(f"/standards/basic/?unit={COUNTY}&year=2024").content.decode()
    )


def test_an_entered_item_is_judged_at_once(tiny_db: Facts, refresh_off: None) -> None:
    from eduplan.web.standards.models import EnteredItem

    before = results.judgement("evaluation", COUNTY, "basic 2024").value
    item = before.pending[0]
    EnteredItem.objects.create(unit=COUNTY, year=2024, kind="basic", item=item.code, passed=False,
                               evidence="督导检查记录")  # fmt: skip
    after = results.judgement("evaluation", COUNTY, "basic 2024")
    assert after.fresh and next(i for i in after.value.items if i.code == item.code).status == "fail"


def test_undoing_an_import_of_new_rows_makes_stored_judgements_stale(plan: Any, refresh_off: None) -> None:
    """The undo deletes the row it imported (nothing is saved back): only its own bump tells the results."""
    from eduplan.store.history import undo

    facts = Facts.empty()
    facts.health_year = pl.DataFrame({"school": [SCHOOLS[1]], "year": [2024], "health_tested": [10],
                                      "health_passed": [1]})  # fmt: skip
    batch = _import(facts)
    watched = [*WATCHED, ("progress", f"plan {plan.pk}")]
    assert all(results.judgement(kind, COUNTY, key).fresh for kind, key in watched)
    undo(batch, "test", 1)
    assert not any(results.judgement(kind, COUNTY, key).fresh for kind, key in watched)
    results.refresh(COUNTY)
    for kind, key in watched:
        now = results.judgement(kind, COUNTY, key)
        assert now.fresh and plain(now.value) == plain(fresh(kind, key)), key


def test_rebuild_stores_what_the_pages_show_by_default(plan: Any) -> None:
    results.rebuild([COUNTY])
    keys = set(StoredResult.objects.filter(county=COUNTY).values_list("kind", "key"))
    wanted = {("evaluation", f"{k} {y}") for k in ("balanced", "basic", "preschool") for y in (2023, 2024)}
    assert keys == wanted | {("forecast", FORECAST), ("progress", f"plan {plan.pk}")}


@pytest.mark.django_db(transaction=True)
def test_a_background_thread_refreshes_stale_results(settings: Any) -> None:
    """The server's way (EDUPLAN_RESULTS_REFRESH=thread): a page finds the results stale, answers with them,
    and one thread (claimed in the database) recomputes them; joined here, not waited for by the clock."""
    from eduplan.results.models import ResultState
    from eduplan.results.stored import REFRESHING
    from eduplan.store import save_facts

    save_facts(make_tiny_facts())
    settings.EDUPLAN_RESULTS_REFRESH = "thread"
    results.refresh(COUNTY)
    results.judgement("evaluation", COUNTY, "basic 2024")
    _import(_teachers(SCHOOLS[0], 2024, 2))
    assert not results.indicator_rows(COUNTY, 2024, COUNTY).fresh  # answers at once, starts the thread
    REFRESHING[COUNTY].join()  # (SQLite's shared in-memory test database: no reads while it writes)
    state = ResultState.objects.get(county=COUNTY, kind="indicators")
    assert state.versions == versions(COUNTY) and state.refreshing is None
    assert results.indicator_rows(COUNTY).fresh and results.stale_counties() == []
    assert_frame_equal(_stored(), _fresh())
    now = results.judgement("evaluation", COUNTY, "basic 2024")
    assert now.fresh and plain(now.value) == plain(fresh("evaluation", "basic 2024"))


WATCHED = (("evaluation", "basic 2024"), ("evaluation", "balanced 2024"), ("forecast", FORECAST))


class StoredJudgements(StoredResults):
    """The indicator values' state machine, watching stored evaluations, a forecast and a plan's judgements
    too, with items and plan values entered by hand between the imports and undos."""

    def __init__(self) -> None:
        super().__init__()
        from eduplan.web.plans.plan_io import save_plan

        self.plan = save_plan(PLAN, COUNTY, "示例县")
        self.watched = [*WATCHED, ("progress", f"plan {self.plan.pk}")]
        for kind, key in self.watched:
            results.judgement(kind, COUNTY, key)

    @rule(passed=st.booleans())
    def enter_item(self, passed: bool) -> None:
        from eduplan.web.standards.models import EnteredItem

        EnteredItem.objects.update_or_create(
            unit=COUNTY, year=2024, kind="basic", item="government_effort",
            defaults={"passed": passed, "evidence": "文件"},
        )  # fmt: skip

    @rule(value=st.integers(40, 90))
    def enter_plan_value(self, value: int) -> None:
        from eduplan.web.plans.models import ManualValue

        target = self.plan.targets.get(indicator_text="主干专业匹配度")
        ManualValue.objects.update_or_create(target=target, year=2024, defaults={"value": value})

    @rule()
    def refresh(self) -> None:
        super().refresh()
        for kind, key in self.watched:
            now = results.judgement(kind, COUNTY, key)
            assert now.fresh and plain(now.value) == plain(fresh(kind, key)), key

    @invariant()
    def fresh_judgements_equal_a_fresh_computation(self) -> None:
        for kind, key in self.watched:
            now = results.judgement(kind, COUNTY, key)
            if now.fresh:
                assert plain(now.value) == plain(fresh(kind, key)), key


def test_stored_judgements_equal_a_fresh_computation(tiny_db: Facts, refresh_off: None) -> None:
    run_state_machine_as_test(
        StoredJudgements,
        settings=settings(
            max_examples=8, stateful_step_count=5, deadline=None, suppress_health_check=list(HealthCheck)
        ),
    )


def test_a_city_row_is_stored_and_the_api_reads_stored_rows(tiny_db: Facts) -> None:
    """The city's own row: the engine's on the facts of all its counties (one here), stored under the city;
    the API's values of the city and everything below it are the stored rows, equal to a fresh run."""
    from eduplan.indicators.engine import compute
    from eduplan.web.api.sources import indicator_values

    city = results.indicator_rows("9901", 2024)
    assert city.fresh and set(city.rows["unit"]) == {"9901"} and set(city.rows["level"]) == {"city"}
    facts = load_facts("9901")
    below = set(facts.schools["code"]) | {c for c in facts.org_units["code"] if c.startswith("9901")}
    engine = compute(facts).filter(pl.col("unit").is_in(sorted(below)))
    engine = engine.with_columns(pl.col(pl.Categorical).cast(pl.String))  # stored as text
    served, _ = indicator_values("9901")
    key = ["unit", "code", "year"]
    assert_frame_equal(served.sort(key), engine.select(served.columns).sort(key))
    _import(_teachers(SCHOOLS[0], 2024, 5))
    assert "9901" in results.stale_counties()  # the city's row moves with its counties' data
