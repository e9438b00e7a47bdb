"""Results stored per data version: versions move on every write, pages read stored rows, stale rows say so,
and stored results equal a fresh computation after any sequence of imports, edits and undos."""

from __future__ import annotations

import polars as pl
import pytest
from django.db import transaction
from django.test import Client
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test
from polars.testing import assert_frame_equal

from eduplan import results
from eduplan.cli import main
from eduplan.errors import DataError
from eduplan.facts import Facts
from eduplan.results.compute import county_indicators
from eduplan.results.models import ResultState
from eduplan.store import Journal, load_facts, save_facts
from eduplan.store.history import record, undo
from eduplan.store.versions import versions
from eduplan.web.schools.models import SchoolYear
from tests.conftest import ALICE

pytestmark = pytest.mark.db
COUNTY = "990101"
SCHOOLS = ("1399010001", "1399010002", "1399010003")
KEY = ["code", "unit", "year"]


def _teachers(school: str, year: int, teachers: int) -> Facts:
    facts = Facts.empty()
    facts.school_year = pl.DataFrame({"school": [school], "year": [year], "teachers": [teachers]})
    return facts


def _import(facts: Facts) -> int:
    """What `eduplan import` does with prepared facts: save with a journal and record the batch."""
    journal = Journal()
    with transaction.atomic():
        summary = save_facts(facts, journal=journal)
        return record("test", "cli", [], summary.tables, journal).pk


def _fresh() -> pl.DataFrame:
    return county_indicators(load_facts(COUNTY), COUNTY).select(results.stored.COLUMNS).sort(KEY)


def _stored() -> pl.DataFrame:
    return results.stored._read(COUNTY, None, None).select(results.stored.COLUMNS).sort(KEY)


def test_versions_move_only_when_data_change(tiny_db: Facts) -> None:
    before = versions(COUNTY)
    assert set(before) == {"0", "2023", "2024"}  # schools and units (no year), and the two school years
    save_facts(tiny_db)  # saving the same facts again changes nothing
    assert versions(COUNTY) == before
    _import(_teachers(SCHOOLS[0], 2024, 99))
    after = versions(COUNTY)
    assert after["2024"] > before["2024"] and after["2023"] == before["2023"] and after["0"] == before["0"]


def test_undo_and_a_single_row_edit_move_the_version(tiny_db: Facts) -> None:
    batch = _import(_teachers(SCHOOLS[1], 2023, 77))
    before = versions(COUNTY)
    undo(batch, "test", 1)
    assert versions(COUNTY)["2023"] > before["2023"]
    row = SchoolYear.objects.get(school__code=SCHOOLS[2], year=2024)
    row.teachers = 5
    before = versions(COUNTY)
    row.save()  # an edit one row at a time (the admin site) goes through the model's signals
    assert versions(COUNTY)["2024"] > before["2024"] and versions(COUNTY)["2023"] == before["2023"]


def test_undoing_an_import_of_new_rows_makes_results_stale(tiny_db: Facts, settings_: None) -> None:
    facts = Facts.empty()
    facts.health_year = pl.DataFrame({"school": [SCHOOLS[1]], "year": [2024], "health_tested": [10],
                                      "health_passed": [1]})  # fmt: skip
    batch = _import(facts)
    results.refresh(COUNTY)
    with_row = results.indicator_rows(COUNTY, 2024, COUNTY).rows
    undo(batch, "test", 1)  # deletes the row: nothing is restored through a save
    assert not results.indicator_rows(COUNTY, 2024, COUNTY).fresh
    results.refresh(COUNTY)
    without = results.indicator_rows(COUNTY, 2024, COUNTY).rows
    rate = pl.col("code") == "physical_health_pass_rate"
    # 290 of 300 passed without the row; with it (290 + 1) / (300 + 10) — both in percent.
    assert without.filter(rate)["value"].item() == pytest.approx(290 / 300 * 100)
    assert with_row.filter(rate)["value"].item() == pytest.approx(291 / 310 * 100)


def test_an_approval_moves_its_county_and_year(tiny_db: Facts, alice: object) -> None:
    from eduplan.web.accounts.approval import transition

    before = versions(COUNTY)
    assert transition(alice, COUNTY, 2024, "approve") == "approved"
    after = versions(COUNTY)
    assert after["2024"] > before["2024"] and after["2023"] == before["2023"]


def test_stale_results_are_shown_with_a_note_until_refreshed(
    tiny_db: Facts, alice: object, settings_: None
) -> None:
    first = results.indicator_rows(COUNTY, 2024, COUNTY)
    assert first.fresh and first.rows.height > 0
    _import(_teachers(SCHOOLS[0], 2024, 1))
    stale = results.indicator_rows(COUNTY, 2024, COUNTY)
    assert not stale.fresh
    assert_frame_equal(stale.rows, first.rows)  # the previous results, not a mixture
    client = Client()
    assert client.login(username=ALICE.username, password=ALICE.password)
    page = client.get(f"/indicators/?county={COUNTY}&year=2024").content.decode()
    assert 'id="results-stale"' in page and "正在重新计算" in page
    assert results.stale_counties() == [COUNTY]
    assert results.refresh(COUNTY) and not results.refresh(COUNTY)  # the second finds them current
    assert results.indicator_rows(COUNTY, 2024, COUNTY).fresh
    assert 'id="results-stale"' not in client.get(f"/indicators/?county={COUNTY}&year=2024").content.decode()
    assert_frame_equal(_stored(), _fresh())


@pytest.fixture
def settings_(settings: object) -> None:
    """Stale results wait for an explicit refresh (no thread, no inline refresh)."""
    settings.EDUPLAN_RESULTS_REFRESH = "off"  # type: ignore[attr-defined]


def test_rebuild_command_stores_every_county(tiny_db: Facts, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["results", "rebuild", "--unit", "9901"]) == 0
    assert "已重新计算并存储 1 个县的结果" in capsys.readouterr().out
    assert ResultState.objects.get(county=COUNTY, kind="indicators").versions == versions(COUNTY)
    assert_frame_equal(_stored(), _fresh())
    assert main(["results", "rebuild", "--unit", "12"]) == 1
    assert "找不到代码为 12 的行政区划" in capsys.readouterr().err


def test_the_import_command_refreshes_the_counties_it_changed(tiny_db: Facts, tmp_path: object) -> None:
    results.refresh(COUNTY)
    _import(_teachers(SCHOOLS[0], 2024, 3))
    assert results.stale_counties() == [COUNTY]
    from eduplan.cli.foundation import _refresh_results

    _refresh_results()
    assert results.stale_counties() == []
    assert_frame_equal(_stored(), _fresh())


class StoredResults(RuleBasedStateMachine):
    """Imports, undos and edits in any order; whenever the stored results say they are fresh they equal a
    fresh computation, and after a refresh they always do."""

    def __init__(self) -> None:
        super().__init__()
        self.savepoint = transaction.savepoint()
        self.batches: list[int] = []
        self.edited: set[int] = set()  # imports whose rows a later single-row edit may have changed
        results.refresh(COUNTY)

    @rule(school=st.sampled_from(SCHOOLS), year=st.sampled_from([2023, 2024]), teachers=st.integers(0, 60))
    def import_teachers(self, school: str, year: int, teachers: int) -> None:
        self.batches.append(_import(_teachers(school, year, teachers)))

    @rule(year=st.sampled_from([2023, 2024]), enrollment=st.integers(0, 80))
    def import_grade(self, year: int, enrollment: int) -> None:
        facts = Facts.empty()
        facts.grade_year = pl.DataFrame({"school": [SCHOOLS[0]], "year": [year], "stage": ["primary"],
                                         "grade": [1], "enrollment": [enrollment]})  # fmt: skip
        self.batches.append(_import(facts))

    @rule(school=st.sampled_from(SCHOOLS[1:]), year=st.sampled_from([2023, 2024]), tested=st.integers(1, 90))
    def import_new_health_row(self, school: str, year: int, tested: int) -> None:
        """A row the database did not hold: its undo deletes it."""
        facts = Facts.empty()
        facts.health_year = pl.DataFrame({"school": [school], "year": [year], "health_tested": [tested],
                                          "health_passed": [tested // 2]})  # fmt: skip
        self.batches.append(_import(facts))

    @rule(name=st.sampled_from(["城关一小", "示例县第一小学"]))
    def rename_township_school(self, name: str) -> None:
        facts = Facts.empty()
        facts.schools = pl.DataFrame({"code": [SCHOOLS[0]], "name": [name]})
        self.batches.append(_import(facts))

    @rule(refresh_first=st.booleans())
    def undo_last(self, refresh_first: bool) -> None:
        """Undo the latest import, with the results refreshed after it or still stale from before it."""
        if refresh_first:
            results.refresh(COUNTY)
        if not self.batches:
            return
        batch = self.batches.pop()
        try:
            undo(batch, "test", 1)
        except DataError as error:  # the store refuses to undo rows edited since: right, when one was
            if batch not in self.edited or not str(error).startswith("不能撤销"):
                raise

    @rule(teachers=st.integers(0, 60))
    def edit_one_row(self, teachers: int) -> None:
        row = SchoolYear.objects.get(school__code=SCHOOLS[1], year=2024)
        row.teachers = teachers
        row.save()
        self.edited.update(self.batches)

    @rule()
    def refresh(self) -> None:
        results.refresh(COUNTY)
        assert ResultState.objects.get(county=COUNTY, kind="indicators").versions == versions(COUNTY)
        assert_frame_equal(_stored(), _fresh())

    @invariant()
    def fresh_means_equal(self) -> None:
        stored = results.indicator_rows(COUNTY)
        if stored.fresh:
            assert_frame_equal(_stored(), _fresh())

    def teardown(self) -> None:
        transaction.savepoint_rollback(self.savepoint)


def test_stored_results_equal_a_fresh_computation(tiny_db: Facts, settings_: None) -> None:
    run_state_machine_as_test(
        StoredResults,
        settings=settings(
            max_examples=20, stateful_step_count=6, deadline=None, suppress_health_check=list(HealthCheck)
        ),
    )
