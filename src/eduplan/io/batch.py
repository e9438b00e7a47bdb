"""One import, before the database: files read, recognised, checked — pure, so the command line and the web
page run the very same steps and show the very same messages.

`prepare(sources, known)` reads every file (our templates and the official forms alike), validates all their
records together and hands back the facts to save, with every problem (the first `max_problems` and their
number) and every notice. Nothing is written here.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field

from eduplan.errors import DataError
from eduplan.facts import Facts
from eduplan.io.forms import is_official, read_forms
from eduplan.io.limits import Limits, limits
from eduplan.io.problems import Notice, Problem
from eduplan.io.sheets import Read, Source, read_source
from eduplan.io.template import TableSheet, table_sheet
from eduplan.io.text import shown
from eduplan.io.validate import Known, validate

Step = Callable[[str], None]  # told what is being done next, for a progress display


@dataclass(frozen=True)
class FileRecord:
    """A file as the import history keeps it."""

    name: str
    sha256: str
    size: int
    kind: str  # 统计数据模板 or 基层统计报表


@dataclass
class Prepared:
    facts: Facts
    files: list[FileRecord] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    total: int = 0  # problems in all (only the first `max_problems` are kept)
    notices: list[Notice] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.total == 0

    @property
    def rows(self) -> int:
        return sum(frame.height for frame in self.facts.frames().values())


def digest(source: Source, kind: str) -> FileRecord:
    sha = hashlib.sha256()
    with source.path.open("rb") as handle:
        while block := handle.read(1 << 20):
            sha.update(block)
    return FileRecord(source.name, sha.hexdigest(), source.path.stat().st_size, kind)


def prepare(
    sources: list[Source],
    known: Known,
    include_hidden: bool = False,
    step: Step | None = None,
    bounds: Limits | None = None,
) -> Prepared:
    """Read and check every file; the facts are complete only when `ok`."""
    tell = step or (lambda _: None)
    bounds = bounds or limits()
    sheets: list[TableSheet] = []
    prepared = Prepared(Facts.empty())
    early: list[Problem] = []
    for source in sources:
        tell(f"读取 {source.name}")
        try:
            read = read_source(source, bounds, include_hidden)
        except DataError as exc:
            message = exc.message.removeprefix(f"{shown(source.name)}：")
            early.append(Problem(source.name, "", 0, "", "", None, message, exc.english))
            continue
        official = is_official([g.sheet for g in read.grids])
        prepared.files.append(digest(source, "基层统计报表" if official else "统计数据模板"))
        prepared.notices.extend(read.notices)
        early.extend(read.problems)
        before = len(early)
        found = _official(source, read, known, prepared, early) if official else _template(read, early)
        if not found and not read.problems and len(early) == before:
            prepared.notices.append(Notice(source.name, "", "没有找到数据（空文件，或只有表头）"))
        sheets.extend(found)
    tell("校验")
    checked = validate(sheets, known, bounds.max_problems)
    prepared.problems = (early + checked.problems)[: bounds.max_problems]
    prepared.total = len(early) + checked.total
    if prepared.ok and not any(frame.height for frame in checked.frames.values()):
        prepared.problems = [
            Problem("", "", 0, "", "", None, "至少一行数据：所有文件中都没有找到可导入的数据")
        ]
        prepared.total = 1
    for name, frame in checked.frames.items():
        setattr(prepared.facts, name, frame)
    return prepared


def _template(read: Read, problems: list[Problem]) -> list[TableSheet]:
    found = []
    for grid in read.grids:
        sheet = table_sheet(grid, problems)
        if sheet is not None and sheet.data.height:
            found.append(sheet)
    return found


def _official(
    source: Source, read: Read, known: Known, prepared: Prepared, problems: list[Problem]
) -> list[TableSheet]:
    forms = read_forms(source.name, read.grids, known)
    prepared.notices.extend(forms.notices)
    problems.extend(forms.problems)
    return forms.sheets
