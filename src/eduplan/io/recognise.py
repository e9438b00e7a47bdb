"""`eduplan import` recognises each file: which importer reads it.

A registry of importers, tried in order; the first whose `matches(path, header)` is true takes the file.
`header` is what can be seen cheaply: a CSV file's first row (cells stripped), or a workbook's sheet names.
Two importers are eduplan's own — the official 基层统计报表 workbooks and our templates (the catch-all) — and
read together in one transaction. Another area adds its own with one call, from its cli module:

    from eduplan.io.recognise import Importer, header_is, register

    register(Importer("户籍人口名册", header_is("人员编号", "姓名", "性别", "出生日期", "身份证号", "乡镇代码", "村社区"), run_people))

where `run(paths) -> int` imports those files (printing its own result) and returns the exit code.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from eduplan.io.forms import is_official

Matcher = Callable[[Path, list[str]], bool]
Runner = Callable[[list[Path]], int]


@dataclass(frozen=True)
class Importer:
    name: str  # Chinese, shown to users
    matches: Matcher
    run: Runner | None = None  # None: one of eduplan's own, read together in one transaction


def header_is(*columns: str) -> Matcher:
    """A CSV whose first row starts with exactly these headers."""
    wanted = list(columns)

    def matches(path: Path, header: list[str]) -> bool:
        return path.suffix.lower() == ".csv" and header[: len(wanted)] == wanted

    return matches


def _official(path: Path, header: list[str]) -> bool:
    return path.suffix.lower() in (".xlsx", ".xlsm") and is_official(header)


def _template(path: Path, header: list[str]) -> bool:
    return True  # our templates: the catch-all, whose validation says what is wrong with a file


OFFICIAL = Importer("基层统计报表", _official)
TEMPLATE = Importer("统计数据模板", _template)
IMPORTERS: list[Importer] = [OFFICIAL, TEMPLATE]


def register(importer: Importer) -> None:
    """Try `importer` before eduplan's own and those registered earlier; registering the same name again
    replaces it where it stands (the command line registers each time it starts)."""
    for i, known in enumerate(IMPORTERS):
        if known.name == importer.name:
            IMPORTERS[i] = importer
            return
    IMPORTERS.insert(0, importer)


def recognise(path: Path, header: list[str]) -> Importer:
    return next(i for i in IMPORTERS if i.matches(path, header))
