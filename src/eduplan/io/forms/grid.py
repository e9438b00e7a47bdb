"""Finding one's way in an official form by its own wording: the 栏号 row (甲, 乙, 1, 2 …), the header text
above each 栏号, and each data row's 行代码 and label. Cell addresses are never assumed: they move from year to
year and between exports (some add a row of column letters and a column of row numbers)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from eduplan.io.sheets import Grid

SEARCH_ROWS = 25  # the 栏号 row is within the first rows of a form
_FORM = re.compile(r"(基础基|教基)\s*(\d{3,4}(?:续表?\d*)?)")


def clean(text: object) -> str:
    """Form wording compared without spaces, full-width spaces, line breaks, # and 其中 marks."""
    value = "" if text is None else str(text)
    value = value.replace("_x000D_", "").replace("(", "（").replace(")", "）").replace(":", "：")
    value = re.sub(r"[\s\u3000]+", "", value)
    return re.sub(r"^(其中：|其中|#|＃)+", "", value)


def form_of(sheet: str) -> tuple[str, str] | None:
    """(form, 办学类型) from a sheet name: 基础基311 → (基础基311, ""), 教基3112_小学 → (教基3112, 小学)."""
    match = re.fullmatch(r"\s*(基础基|教基)\s*(\d{3,4}(?:续表?\d*)?)\s*(?:_\s*(.+))?", sheet)
    if match is None:
        return None
    return f"{match.group(1)}{match.group(2)}", (match.group(3) or "").strip()


def form_in_cells(grid: Grid) -> str | None:
    """The form code printed near the top of the sheet (for a sheet whose name was changed); None when there
    is none, or several (a table of contents)."""
    found = set()
    for row in range(grid.first_row, grid.first_row + 8):
        for column in range(grid.cells.width):
            match = _FORM.match(clean(grid.value(row, column)))
            if match:
                found.add(f"{match.group(1)}{match.group(2)}")
    return found.pop() if len(found) == 1 else None


def _integer(text: str | None) -> str | None:
    """'01', '1', '1.0' → '1'; anything else None."""
    if text is None:
        return None
    value = clean(text)
    match = re.fullmatch(r"0*(\d+)(?:\.0+)?", value)
    if match is None:
        return None
    return match.group(1) or "0"


@dataclass
class FormGrid:
    grid: Grid
    numbers_row: int  # the sheet row of 甲、乙、1、2 …
    label_columns: list[int]  # frame columns from 甲 up to 乙
    code_column: int  # frame column of 乙 (行代码)
    columns: dict[str, int] = field(default_factory=dict)  # 栏号 -> frame column
    headers: dict[str, list[str]] = field(default_factory=dict)  # 栏号 -> header texts, top to bottom
    rows: dict[str, int] = field(default_factory=dict)  # 行代码 -> sheet row
    labels: dict[str, str] = field(default_factory=dict)  # 行代码 -> row label

    def header_text(self, number: str) -> str:
        return " / ".join(self.headers.get(number, [])) or "（空）"

    def cell(self, code: str, number: str) -> tuple[int, int]:
        return self.rows[code], self.columns[number]


def analyse(grid: Grid) -> FormGrid | None:
    """The form's structure, or None when the sheet has no 栏号 row."""
    for row in range(grid.first_row, grid.first_row + SEARCH_ROWS):
        found = _numbers_row(grid, row)
        if found is not None:
            labels, code, columns = found
            form = FormGrid(grid, row, labels, code, dict(columns))
            _headers(form)
            _rows(form)
            return form
    return None


# The row that numbers the columns: 甲 (labels), 乙 (行代码), then 1, 2 …; list forms such as 基础基112 have
# 项目 (labels), 编号 (行代码) and 内容 (their only column, read as 栏 1) instead.
NUMBERS = (("甲", "乙", None), ("项目", "编号", "内容"))


def _numbers_row(grid: Grid, row: int) -> tuple[list[int], int, dict[str, int]] | None:
    texts = [clean(grid.value(row, j)) for j in range(grid.cells.width)]
    for label, code, content in NUMBERS:
        if label not in texts:
            continue
        first = texts.index(label)
        at = next((j for j in range(first + 1, len(texts)) if texts[j] == code), None)
        if at is None:
            continue
        columns = {}
        if content is not None:
            columns = {"1": texts.index(content)} if content in texts else {}
            if not columns:
                continue
        return list(range(first, at)), at, columns
    return None


def _headers(form: FormGrid) -> None:
    grid = form.grid
    for j in range(form.code_column + 1, grid.cells.width):
        number = _integer(grid.value(form.numbers_row, j))
        if number is not None and number not in form.columns and form.columns.get("1") != j:
            form.columns.setdefault(number, j)
    top = max(grid.first_row, form.numbers_row - 3)
    for row in range(form.numbers_row - 1, max(grid.first_row, form.numbers_row - 6) - 1, -1):
        if any(_FORM.search(clean(grid.value(row, j))) for j in range(grid.cells.width)):
            top = row + 1
            break
    for number, j in form.columns.items():
        texts: list[str] = []
        for row in range(top, form.numbers_row + 1):
            text = grid.value(row, j) or _merged_text(grid, row, j)
            if row == form.numbers_row and _integer(text) is not None:
                continue  # the 栏号 itself
            if text and clean(text) not in (clean(t) for t in texts):
                texts.append(str(text).strip())
        form.headers[number] = texts


def _merged_text(grid: Grid, row: int, j: int) -> str | None:
    """The text of the merged range covering (row, frame column j), written in its top-left cell."""
    column = grid.first_column + j + 1
    for r1, c1, r2, c2 in grid.merged:
        if r1 <= row <= r2 and c1 <= column <= c2:
            return grid.value(r1, c1 - grid.first_column - 1)
    return None


def _rows(form: FormGrid) -> None:
    grid = form.grid
    last = grid.first_row + grid.cells.height
    for row in range(form.numbers_row + 1, last):
        code = _integer(grid.value(row, form.code_column))
        if code is None or code in form.rows:
            continue
        form.rows[code] = row
        form.labels[code] = "".join(clean(grid.value(row, j)) for j in form.label_columns)
