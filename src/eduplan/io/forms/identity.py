"""The school a workbook describes, from its identity form (基础基111 to 2020/21, 教基1001 from 2021/22):
学校标识码, name, the 12-digit 统计用区划代码 (whose first 9 digits are the township), 城乡分类代码, 办学类型代码 and
举办者, each found by its printed label — below it (with 名称 and 代码 sub-rows in 111), or in 栏 1 of the row
it labels (1001) — and the school year from the 学年初 line every form carries."""

from __future__ import annotations

import re
from dataclasses import dataclass

from eduplan.io.forms.grid import FormGrid, clean
from eduplan.io.forms.layout import Field, Layout
from eduplan.io.sheets import Grid

YEAR = re.compile(r"[（(]?(\d{4})[/／\-－—至](\d{4})学年初")


@dataclass(frozen=True)
class Found:
    text: str
    row: int
    column: int  # frame column
    label: str


def school_year(grids: list[Grid]) -> tuple[int, Grid, int, int] | None:
    """(first year, grid, row, frame column) of the first 学年初 line: “2020/2021 学年初” is school year 2020."""
    for grid in grids:
        for row in range(grid.first_row, grid.first_row + 8):
            for j in range(grid.cells.width):
                match = YEAR.search(clean(grid.value(row, j)))
                if match and int(match.group(2)) == int(match.group(1)) + 1:
                    return int(match.group(1)), grid, row, j
    return None


def read_identity(layout: Layout, grid: Grid, form: FormGrid | None) -> dict[str, Found]:
    """Each identity field the sheet holds (fields it lacks are left out)."""
    assert layout.identity is not None
    found = {}
    for name, field in layout.identity.items():
        value = _by_row(form, field) if layout.columns and form is not None else _by_label(grid, field)
        if value is not None:
            found[name] = value
    return found


def _by_row(form: FormGrid, field: Field) -> Found | None:
    """Generation 2: the row whose label starts with the field's label; the value in 栏 1."""
    want = clean(field.label)
    for code, label in form.labels.items():
        if label.startswith(want) and "1" in form.columns:
            row, column = form.cell(code, "1")
            text = form.grid.value(row, column)
            return Found(text, row, column, field.label) if text is not None else None
    return None


def _by_label(grid: Grid, field: Field) -> Found | None:
    """Generation 1: the first cell starting with the label; the value below it, or in its 名称/代码 sub-row."""
    want = clean(field.label)
    for row in range(grid.first_row, grid.first_row + grid.cells.height):
        for j in range(grid.cells.width):
            if clean(grid.value(row, j)).startswith(want):
                return _below(grid, row, j, field)
    return None


def _below(grid: Grid, row: int, j: int, field: Field) -> Found | None:
    for below in range(row + 1, row + 5):
        if field.part and not any(clean(grid.value(below, k)) == field.part for k in range(j)):
            continue
        text = grid.value(below, j)
        return Found(text, below, j, field.label) if text is not None else None
    return None
