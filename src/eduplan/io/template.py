"""Sheets in our own template shape: one table per sheet, a header row of Chinese labels, one record a row.

A sheet is matched to a table of facts.py by its name (the table's Chinese label or English name), else by
its headers. The header is the first of the first ten non-blank rows that names a known column (a title row
above it is skipped). Headers are checked here; cells are checked column-wise by `validate`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from eduplan.errors import DataError
from eduplan.facts import TABLES, Table
from eduplan.io.problems import Problem
from eduplan.io.sheets import Grid

INSTRUCTIONS = "说明"  # the instructions sheet of our templates, never data
TOTAL_LABELS = ("合计", "总计", "小计")
ROW = "__row"  # the sheet row of each record


@dataclass
class TableSheet:
    """The records of one table from one sheet: raw text per column, the sheet row of each record, and
    where each column (or, for an official form, each cell) came from."""

    file: str
    sheet: str
    table: Table
    data: pl.DataFrame  # ROW, then one text column per column name
    letters: dict[str, tuple[str, str]] = field(default_factory=dict)  # column -> (header, letter)
    origins: dict[tuple[int, str], tuple[str, int, str, str]] | None = (
        None  # (row, column) -> (sheet, row, letter, label)
    )

    def where(self, row: int, column: str) -> tuple[str, int, str, str]:
        """(sheet, row, letter, header) of one cell, for a problem message."""
        if self.origins is not None and (row, column) in self.origins:
            return self.origins[(row, column)]
        header, letter = self.letters.get(column, ("", ""))
        return self.sheet, row, letter, header


def normalise_header(text: Any) -> str:
    """Headers compare without spaces, required marks and with full-width brackets."""
    value = "" if text is None else str(text)
    value = value.replace("(", "（").replace(")", "）").replace("*", "").replace("＊", "")
    return re.sub(r"\s+", "", value)


def header_names(table: Table) -> dict[str, str]:
    """Accepted header texts of a table (Chinese label or English name) -> column name."""
    names = {normalise_header(c.label): c.name for c in table.columns}
    names |= {c.name: c.name for c in table.columns}
    return names


def _all_headers() -> set[str]:
    return {text for table in TABLES.values() for text in header_names(table)}


def non_blank(grid: Grid) -> pl.Series:
    """Which frame rows hold at least one non-blank cell."""
    if grid.cells.width == 0:
        return pl.Series([], dtype=pl.Boolean)
    filled = [pl.col(c).is_not_null() & (pl.col(c).str.strip_chars() != "") for c in grid.cells.columns]
    return grid.cells.select(pl.any_horizontal(filled))[:, 0]


def header_row(grid: Grid) -> tuple[int, list[Any]] | None:
    """(frame row index, cells) of the header; None for a blank sheet."""
    rows = non_blank(grid).arg_true().head(10).to_list()
    if not rows:
        return None
    known = _all_headers()
    at = next((i for i in rows if any(normalise_header(c) in known for c in grid.cells.row(i))), rows[0])
    cells = list(grid.cells.row(at))
    while cells and (cells[-1] is None or str(cells[-1]).strip() == ""):
        cells.pop()
    return at, cells


def identify(sheet: str, headers: list[Any]) -> Table | None:
    """The table a sheet holds: by sheet name, else the table whose keys are all there and most headers match."""
    title = normalise_header(sheet)
    for table in TABLES.values():
        if title in (normalise_header(table.label), table.name):
            return table
    found = {normalise_header(h) for h in headers}
    best, best_score = None, 0
    for table in TABLES.values():
        names = header_names(table)
        matched = {names[h] for h in found if h in names}
        if set(table.key) <= matched and len(matched) > best_score:
            best, best_score = table, len(matched)
    return best


def looks_like_template(grid: Grid) -> bool:
    """A sheet of ours: named after a table, or with a header row naming a table's keys."""
    found = header_row(grid)
    return found is not None and identify(grid.sheet, found[1]) is not None


def table_sheet(grid: Grid, problems: list[Problem]) -> TableSheet | None:
    """The sheet's records, or None (with problems added) when the sheet or its headers cannot be read; our
    instructions sheet (说明) is never data."""
    if grid.sheet.strip() == INSTRUCTIONS:
        return None
    found = header_row(grid)
    if found is None:
        return None
    at, headers = found
    row_number = grid.first_row + at
    table = identify(grid.sheet, headers)
    if table is None:
        names = "、".join(t.label for t in TABLES.values())
        problems.append(Problem(grid.file, grid.sheet, row_number, "", "", grid.sheet,
                                f"工作表名为表名（{names}），或表头与模板一致", "unknown sheet"))  # fmt: skip
        return None
    letters = _headers(grid, table, headers, row_number, problems)
    if letters is None:
        return None
    index = {grid.letter(j): c for j, c in enumerate(grid.cells.columns)}
    body = grid.cells.with_row_index(ROW, offset=grid.first_row).slice(at + 1)
    body = body.filter(non_blank(grid).slice(at + 1))
    data = body.select(
        pl.col(ROW).cast(pl.Int64),
        *(pl.col(index[letter]).alias(name) for name, (_, letter) in letters.items()),
    )
    return TableSheet(grid.file, grid.sheet, table, data, letters)


def _headers(
    grid: Grid, table: Table, headers: list[Any], row: int, problems: list[Problem]
) -> dict[str, tuple[str, str]] | None:
    """Column name -> (header, letter); None when a required column is missing (the rows cannot be read)."""
    names = header_names(table)
    letters: dict[str, tuple[str, str]] = {}
    ok = True
    for j, header in enumerate(headers):
        text, letter = normalise_header(header), grid.letter(j)
        if text == "":
            continue
        where = (grid.file, grid.sheet, row, str(header), letter, header)
        if text not in names:
            problems.append(Problem(*where, f"{table.label}的列名之一（见模板“说明”）", "unknown header"))
        elif names[text] in letters:
            problems.append(Problem(*where, "不重复的列名", "repeated header"))
        else:
            letters[names[text]] = (str(header), letter)
    for column in table.columns:
        if column.required and column.name not in letters:
            problems.append(Problem(grid.file, grid.sheet, row, column.label, "", None,
                                    f"含必填列“{column.label}”", f"missing required column {column.name}"))  # fmt: skip
            ok = False
    return letters if ok else None


@dataclass
class RawSheet:
    """A sheet as rows, for readers that work row by row (the registers of issue 17): the header row and each
    later non-blank row's cells (text, None when empty) with its sheet row number."""

    file: str
    sheet: str
    header_row: int
    headers: list[Any]
    rows: list[tuple[int, list[Any]]] = field(default_factory=list)


def raw_sheets(grids: list[Grid]) -> list[RawSheet]:
    """The grids as rows; the header is found as for our templates (else the first non-blank row)."""
    sheets = []
    for grid in grids:
        found = header_row(grid)
        if grid.sheet.strip() == INSTRUCTIONS or found is None:
            continue
        at, headers = found
        blank = non_blank(grid)
        rows = [
            (grid.first_row + i, list(grid.cells.row(i)))
            for i in range(at + 1, grid.cells.height)
            if blank[i]
        ]
        sheets.append(RawSheet(grid.file, grid.sheet, grid.first_row + at, headers, rows))
    return sheets


def read_file(path: Path) -> list[RawSheet]:
    """One .xlsx or .csv file's sheets as rows, read with every check and bound of an import."""
    from eduplan.io.limits import limits
    from eduplan.io.sheets import Source, read_source

    read = read_source(Source(path, path.name), limits())
    if read.problems:
        first = read.problems[0]
        raise DataError(first.chinese(), english=first.english)
    return raw_sheets(read.grids)
