"""The shell side of import and export: codes known to the database, and writing through the store.

One import is one transaction under the database's import lock: every file is read and validated first;
only when no problem was found are the rows saved, all in one `save_facts` call, and the import recorded in
the history with its journal (so that it can be undone). A preview runs the same save in a transaction that
is rolled back, so that its counts and the completeness it would leave are exactly what the import will do.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl
from django.db import DatabaseError, OperationalError, transaction

from eduplan.errors import DataError
from eduplan.facts import Table
from eduplan.io.batch import Prepared, Step, prepare
from eduplan.io.kinds import tables_of
from eduplan.io.limits import limits
from eduplan.io.problems import Problem
from eduplan.io.sheets import Source, opened
from eduplan.io.validate import Known
from eduplan.io.workbook import write
from eduplan.store import ImportSummary, Journal, TableCounts, load_facts, save_facts


@dataclass
class ImportResult:
    prepared: Prepared
    summary: ImportSummary | None = None  # set when the rows were saved (or would be, in a preview)
    batch: int | None = None  # the import's number in the history
    by_year: dict[tuple[str, int], TableCounts] = field(default_factory=dict)  # (table, year) -> counts
    completeness: dict[tuple[str, int], str] = field(default_factory=dict)  # (county, year) -> label
    counties: list[str] = field(default_factory=list)  # the counties whose data the import changes

    @property
    def ok(self) -> bool:
        return self.prepared.ok

    @property
    def problems(self) -> list[Problem]:
        return self.prepared.problems


def known_codes() -> Known:
    from eduplan.store import MODELS

    units, schools = MODELS["org_units"]._default_manager, MODELS["schools"]._default_manager
    rows = list(schools.values_list("code", "school_type", "ownership"))
    return Known(
        schools=frozenset(code for code, _, _ in rows),
        units=dict(units.values_list("code", "level")),
        school_types={code: kind for code, kind, _ in rows},
        ownerships={code: owner for code, _, owner in rows},
    )


def import_files(
    paths: Sequence[Path],
    user: str = "",
    via: str = "cli",
    include_hidden: bool = False,
    step: Step | None = None,
) -> ImportResult:
    """Read, check and (when nothing is wrong) save every file, recorded in the history as one import."""
    bounds = limits()
    with opened(list(paths), bounds) as sources:
        return import_sources(sources, user, via, include_hidden, step)


def import_sources(
    sources: list[Source], user: str = "", via: str = "cli", include_hidden: bool = False,
    step: Step | None = None, preview: bool = False,
) -> ImportResult:  # fmt: skip
    bounds = limits()
    prepared = prepare(sources, known_codes(), include_hidden, step, bounds)
    result = ImportResult(prepared)
    if not prepared.ok:
        return result
    from eduplan.store.history import counties_of, record
    from eduplan.store.lock import import_lock

    tell = step or (lambda _: None)
    tell("预览" if preview else "写入数据库")
    with import_lock(bounds.lock_wait), _translated():
        journal = Journal()
        try:
            with transaction.atomic():
                result.summary = save_facts(prepared.facts, journal=journal)
                result.by_year = _by_year(prepared, journal)
                result.counties = counties_of(journal)
                if preview:
                    result.completeness = _completeness(journal, result.counties)
                    raise _Rollback
                files = [f.__dict__ for f in prepared.files]
                result.batch = record(user, via, files, result.summary.tables, journal).pk
        except _Rollback:
            pass
    return result


class _Rollback(Exception):
    """Leaves a preview's transaction without writing."""


@contextmanager
def _translated() -> Iterator[None]:
    """Driver errors as one Chinese line (the English stays in the log)."""
    try:
        yield
    except OperationalError as exc:
        if "locked" in str(exc).lower():
            raise DataError(
                "数据库正忙（另一个程序正在写入），未写入任何数据，请稍后再试", english=str(exc)
            ) from exc
        raise DataError("数据库出错，未写入任何数据", english=str(exc)) from exc
    except DatabaseError as exc:
        raise DataError("数据无法写入数据库（违反数据库约束），未写入任何数据", english=str(exc)) from exc


def _by_year(prepared: Prepared, journal: Journal) -> dict[tuple[str, int], TableCounts]:
    """Created, updated and unchanged rows per table and year (tables without a year under year 0)."""
    counts: dict[tuple[str, int], TableCounts] = {}
    for name, frame in prepared.facts.frames().items():
        if frame.height == 0:
            continue
        years = _years(frame)
        changes = journal.tables.get(name)
        created = (
            _years(pl.concat(changes.created, how="diagonal_relaxed")) if changes and changes.created else {}
        )
        updated = (
            _years(pl.concat(changes.updated, how="diagonal_relaxed")) if changes and changes.updated else {}
        )
        for year, total in years.items():
            c, u = created.get(year, 0), updated.get(year, 0)
            counts[(name, year)] = TableCounts(c, u, total - c - u)
    return counts


def _years(frame: pl.DataFrame) -> dict[int, int]:
    if frame.height == 0:
        return {}
    if "year" not in frame.columns:
        return {0: frame.height}
    return dict(frame.group_by("year").len().iter_rows())


def _completeness(journal: Journal, counties: list[str]) -> dict[tuple[str, int], str]:
    """For each county and year the import touches: the completeness label it would leave."""
    from eduplan.indicators.completeness import year_status

    years = sorted({y for changes in journal.tables.values() for f in [*changes.created, *changes.updated]
                    if "year" in f.columns for y in f["year"].unique().to_list()})  # fmt: skip
    labels = {}
    for county in counties:
        facts = load_facts(county) if _exists(county) else None
        if facts is None:
            continue
        status = year_status(facts, county)
        for year in years:
            if year in status:
                labels[(county, year)] = status[year].label
    return labels


def _exists(code: str) -> bool:
    from eduplan.store import MODELS

    return MODELS["org_units"]._default_manager.filter(code=code, level="county").exists()


def export_kind(kind: str, out: Path, unit_code: str | None = None) -> list[Path]:
    """Write the kind's tables of the region (all when None) to OUT; returns the files written."""
    tables = tables_of(kind)
    frames = load_facts(unit_code).frames()
    return write(tables, {t.name: _sorted(t, frames[t.name]) for t in tables}, out)


def _sorted(table: Table, frame: pl.DataFrame) -> pl.DataFrame:
    return frame.sort(list(table.key)) if frame.height else frame
