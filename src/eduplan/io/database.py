"""The shell side of import and export: codes known to the database, and writing through the store.

One import is one transaction: every file is read and validated first; only when no problem was found are
the rows saved, all in one `save_facts` call.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl

from eduplan.facts import Facts, Table
from eduplan.io.kinds import tables_of
from eduplan.io.sheets import RawSheet, read_file
from eduplan.io.validate import Known, Problem, validate
from eduplan.io.workbook import write

if TYPE_CHECKING:
    from eduplan.store import ImportSummary

Step = Callable[[str], None]  # told what is being done next, for a progress display


@dataclass
class ImportResult:
    problems: list[Problem] = field(default_factory=list)
    summary: ImportSummary | None = None  # set when the rows were saved

    @property
    def ok(self) -> bool:
        return not self.problems


def known_codes() -> Known:
    from eduplan.web.schools.models import OrgUnit, School

    return Known(
        schools=frozenset(School.objects.values_list("code", flat=True)),
        units=dict(OrgUnit.objects.values_list("code", "level")),
    )


def import_files(paths: Sequence[Path], step: Step | None = None) -> ImportResult:
    """Validate every file; save all their rows in one transaction only when nothing is wrong."""
    from eduplan.store import save_facts

    tell = step or (lambda _: None)
    sheets: list[RawSheet] = []
    for path in paths:
        tell(f"读取 {path.name}")
        sheets.extend(read_file(path))
    tell("校验")
    checked = validate(sheets, known_codes())
    if not checked.ok:
        return ImportResult(problems=checked.problems)
    facts = Facts.empty()
    for name, frame in checked.frames.items():
        setattr(facts, name, frame)
    tell("写入数据库")
    return ImportResult(summary=save_facts(facts))


def export_kind(kind: str, out: Path, unit_code: str | None = None) -> list[Path]:
    """Write the kind's tables of the region (all when None) to OUT; returns the files written."""
    from eduplan.store import load_facts

    tables = tables_of(kind)
    frames = load_facts(unit_code).frames()
    return write(tables, {t.name: _sorted(t, frames[t.name]) for t in tables}, out)


def _sorted(table: Table, frame: pl.DataFrame) -> pl.DataFrame:
    return frame.sort(list(table.key)) if frame.height else frame
