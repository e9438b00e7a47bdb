"""The store: facts saved and loaded back unchanged, upserts by key, regions by org unit."""

from __future__ import annotations

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from eduplan.errors import DataError, NotFound
from eduplan.facts import TABLES, Facts
from eduplan.store import load_facts, save_facts
from eduplan.web.schools.models import GradeYear, School, SchoolYear

pytestmark = pytest.mark.db


def _sorted(frame: pl.DataFrame, table: str) -> pl.DataFrame:
    return frame.sort(list(TABLES[table].key))


def test_saved_facts_load_back_identical(tiny_db: Facts) -> None:
    loaded = load_facts()
    for name, frame in tiny_db.frames().items():
        assert_frame_equal(_sorted(loaded.frames()[name], name), _sorted(frame, name))


def test_saving_again_changes_nothing(tiny_db: Facts) -> None:
    summary = save_facts(tiny_db)
    # 5 org units + 3 schools + 6 school_year + 6 stage_year + 2*(6+3+6)=30 grade rows + 1 + 1 + 19 + 3 + 1.
    assert (summary.created, summary.updated) == (0, 0)
    assert summary.unchanged == 5 + 3 + 6 + 6 + 30 + 1 + 1 + 19 + 3 + 1


def test_a_changed_row_updates_exactly_that_row(tiny_db: Facts) -> None:
    facts = Facts.empty()
    changed = tiny_db.school_year.with_columns(
        pl.when((pl.col("school") == "1399010003") & (pl.col("year") == 2024))
        .then(pl.lit(None, pl.Int64))
        .otherwise(pl.col("staff"))
        .alias("staff")
    )
    facts.school_year = changed
    summary = save_facts(facts)
    assert (summary.created, summary.updated, summary.unchanged) == (0, 1, 5)
    # Missing is stored as NULL, never 0.
    assert SchoolYear.objects.get(school__code="1399010003", year=2024).staff is None


def test_a_frame_with_some_columns_leaves_the_others(tiny_db: Facts) -> None:
    facts = Facts.empty()
    facts.schools = pl.DataFrame({"code": ["1399010001"], "name": ["示例县实验小学"]})
    summary = save_facts(facts)
    assert summary.tables["schools"].updated == 1
    school = School.objects.get(code="1399010001")
    assert (school.name, school.declared_capacity, school.locale) == ("示例县实验小学", 900, "urban")


def test_unknown_school_code_rolls_everything_back(tiny_db: Facts) -> None:
    facts = Facts.empty()
    facts.schools = pl.DataFrame({"code": ["1399010001"], "name": ["改名"]})
    facts.grade_year = pl.DataFrame(
        {"school": ["1399019999"], "year": [2024], "stage": ["primary"], "grade": [1], "enrollment": [3]}
    )
    with pytest.raises(DataError):
        save_facts(facts)
    assert School.objects.get(code="1399010001").name == "示例县第一小学"
    assert GradeYear.objects.count() == 30


def test_a_township_region_holds_its_schools_and_ancestors(tiny_db: Facts) -> None:
    facts = load_facts("990101002", years=(2024, 2024))
    assert sorted(facts.org_units["code"]) == ["99", "9901", "990101", "990101002"]
    assert facts.schools["code"].to_list() == ["1399010003"]
    assert facts.grade_year.height == 6  # one school, 6 grades, one year
    # 石桥乡 has births for 2023 only and no population rows; `years` filters every yearly table.
    assert facts.births.height == 0 and facts.population.height == 0
    assert load_facts("990101002").births.height == 1
    assert facts.reported.height == 0  # the county's own reported value is not the township's


def test_a_county_region_holds_everything_but_only_its_years(tiny_db: Facts) -> None:
    facts = load_facts("990101", years=(2023, 2023))
    assert facts.schools.height == 3
    assert facts.school_year["year"].unique().to_list() == [2023]
    assert facts.reported.height == 0 and load_facts("990101").reported.height == 1


def test_a_school_region_holds_the_school_and_its_ancestors(tiny_db: Facts) -> None:
    facts = load_facts("1399010002")
    assert sorted(facts.org_units["code"]) == ["99", "9901", "990101", "990101001"]
    assert facts.school_year.height == 2


def test_an_unknown_unit_is_not_found(db: None) -> None:
    with pytest.raises(NotFound):
        load_facts("123")


def test_the_models_match_their_migrations(db: None) -> None:
    from django.core.management import call_command

    # Exits non-zero (SystemExit) when a model changed without a migration.
    call_command("makemigrations", "schools", "--check", "--dry-run", verbosity=0)


def test_text_with_separators_quotes_and_line_breaks_is_stored_exactly(tiny_db: Facts) -> None:
    """COPY on PostgreSQL takes CSV: commas, quotes, line breaks and backslashes must arrive unchanged."""
    facts = Facts.empty()
    name = '城关,第一"小学"\n\\N 分校'
    facts.schools = pl.DataFrame(
        {"code": ["1399010001", "1399010002"], "name": [name, "=1+1"], "zone": [None, ""]}
    )
    save_facts(facts)
    stored = dict(load_facts().schools.select("code", "name").iter_rows())
    assert (stored["1399010001"], stored["1399010002"]) == (name, "=1+1")
    assert School.objects.get(code="1399010002").zone == ""


def test_rows_beyond_one_block_and_one_in_list_are_all_written_once(
    tiny_db: Facts, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Blocks of COPY, chunks of IN (…) lists and whole-table lookups, made tiny: every row stored once."""
    from eduplan.store import writing

    monkeypatch.setattr(writing, "COPY_ROWS", 7)
    monkeypatch.setattr(writing, "BATCH", 5)
    monkeypatch.setattr(writing, "WHOLE", 3)
    facts = Facts.empty()
    facts.births = pl.DataFrame(
        {"township": ["990101001"] * 40, "year": list(range(2050, 2090)), "births": list(range(40))}
    )
    assert save_facts(facts).tables["births"].created == 40
    facts.births = facts.births.with_columns(pl.col("births") + 1)
    counts = save_facts(facts).tables["births"]
    assert (counts.created, counts.updated) == (0, 40)
    stored = load_facts().births.filter(pl.col("year") >= 2050).sort("year")
    assert stored["births"].to_list() == list(range(1, 41))
