"""What an import found: problems (nothing is written while there is one) and notices (warnings, skips).

Every message is Chinese and names the file, sheet, row, column and value; values are shown with control
characters escaped (`text.shown`), so that no cell can drive a terminal or a page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from eduplan.io.text import shown


@dataclass(frozen=True)
class Problem:
    file: str
    sheet: str
    row: int  # sheet row number; 0 for a problem of the whole sheet or file
    column: str  # the header as written, "" for the whole row
    letter: str  # column letter, "" for the whole row
    value: Any
    expected: str  # Chinese: what the cell should hold
    english: str = ""

    @classmethod
    def at_cell(
        cls, file: str, sheet: str, address: str, value: Any, expected: str, column: str = ""
    ) -> Problem:
        match = re.fullmatch(r"([A-Z]+)(\d+)", address)
        letter, row = (match.group(1), int(match.group(2))) if match else ("", 0)
        return cls(file, sheet, row, column, letter, value, expected, f"{address}: {expected}")

    def chinese(self) -> str:
        if not self.sheet and not self.row and self.value is None:  # about a whole file
            return f"{shown(self.file, 120)}：{self.expected}" if self.file else self.expected
        where = f"{shown(self.file, 120)}「{shown(self.sheet)}」"
        if self.row:
            where += f"第 {self.row} 行"
        if self.letter:
            where += f" {self.letter} 列" + (f"（{shown(self.column)}）" if self.column else "")
        if self.value is None or self.value == "":
            return f"{where}：值为空，要求：{self.expected}"
        return f"{where}：值为“{shown(self.value)}”，要求：{self.expected}"

    def log(self) -> str:
        return f"{self.file!r} [{self.sheet!r}] row {self.row} col {self.letter} {self.column!r}: {self.value!r}: {self.english}"


@dataclass(frozen=True)
class Notice:
    """Something the user should know that does not stop the import (a skipped sheet, an uncounted figure)."""

    file: str
    sheet: str
    text: str

    def chinese(self) -> str:
        where = f"{shown(self.file, 120)}「{shown(self.sheet)}」" if self.sheet else shown(self.file, 120)
        return f"{where}：{self.text}"


@dataclass
class Findings:
    """What a reader noticed (notices) and refused (problems) along the way."""

    notices: list[Notice] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def grouped(notices: list[Notice]) -> list[str]:
    """Notices as lines, those of one file with the same text on one line naming all their sheets."""
    sheets: dict[tuple[str, str], list[str]] = {}
    for notice in notices:
        sheets.setdefault((notice.file, notice.text), []).append(notice.sheet)
    lines = []
    for (file, text), names in sheets.items():
        where = "".join(f"「{shown(n)}」" for n in names if n)
        lines.append(f"{shown(file, 120)}{where}：{text}")
    return lines
