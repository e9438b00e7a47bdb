"""Reading .xlsx and .csv files into raw sheets: header cells, and each row's cells with its Excel row number.

A sheet is matched to a table of facts.py by its name (the table's Chinese label or English name) or else
by its headers. Nothing is typed here: `validate` checks every cell.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from eduplan.errors import DataError, NotFound
from eduplan.facts import TABLES, Table

INSTRUCTIONS = "说明"  # the instructions sheet of our templates, never data
TOTAL_LABELS = ("合计", "总计", "小计")


@dataclass
class RawSheet:
    file: str  # the file's name as the user gave it
    sheet: str  # the sheet's name; for a CSV, the file's name
    header_row: int  # Excel row number of the header
    headers: list[Any]
    rows: list[tuple[int, list[Any]]] = field(default_factory=list)  # (Excel row number, cells)


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


def read_file(path: Path) -> list[RawSheet]:
    """The raw sheets of one .xlsx or .csv file (the 说明 sheet and empty sheets left out)."""
    if not path.exists():
        raise NotFound(f"文件不存在：{path}", english=f"no such file: {path}")
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return [_read_csv(path)]
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(path)
    raise DataError(
        f"{path.name}：只能导入 .xlsx 或 .csv 文件（.xls 请先在 Excel 中另存为 .xlsx）",
        english=f"{path.name}: unsupported file type {suffix!r}",
    )


def _decode(data: bytes, name: str) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise DataError(
        f"{name}：无法识别文件编码，请保存为 UTF-8 或 GB18030", english=f"{name}: not UTF-8/GB18030"
    )


def _read_csv(path: Path) -> RawSheet:
    text = _decode(path.read_bytes(), path.name)
    lines = list(csv.reader(io.StringIO(text, newline="")))
    return _sheet(path.name, path.stem, [(i, list(cells)) for i, cells in enumerate(lines, start=1)])


def _read_xlsx(path: Path) -> list[RawSheet]:
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise DataError(f"{path.name}：无法读取 Excel 文件（{exc}）", english=f"{path.name}: {exc}") from exc
    sheets = []
    try:
        for ws in book.worksheets:
            if ws.title.strip() == INSTRUCTIONS:
                continue
            rows = [(i, list(cells)) for i, cells in enumerate(ws.iter_rows(values_only=True), start=1)]
            sheet = _sheet(path.name, ws.title, rows)
            if sheet.headers:
                sheets.append(sheet)
    finally:
        book.close()
    return sheets


def _blank(cells: list[Any]) -> bool:
    return all(c is None or (isinstance(c, str) and c.strip() == "") for c in cells)


def _sheet(file: str, name: str, rows: list[tuple[int, list[Any]]]) -> RawSheet:
    """The header is the first row naming a known column (a title row above it is skipped), else the first
    non-blank row; blank rows below it are skipped."""
    filled = [(i, cells) for i, cells in rows if not _blank(cells)]
    if not filled:
        return RawSheet(file, name, 0, [])
    known = _all_headers()
    at = next(
        (n for n, (_, cells) in enumerate(filled[:10]) if any(normalise_header(c) in known for c in cells)), 0
    )
    (header_row, headers), body = filled[at], filled[at + 1 :]
    while headers and (headers[-1] is None or str(headers[-1]).strip() == ""):
        headers = headers[:-1]
    return RawSheet(file, name, header_row, headers, body)


def _all_headers() -> set[str]:
    return {text for table in TABLES.values() for text in header_names(table)}


def identify(sheet: RawSheet) -> Table | None:
    """The table a sheet holds: by sheet name, else the table whose keys are all there and most headers match."""
    title = normalise_header(sheet.sheet)
    for table in TABLES.values():
        if title in (normalise_header(table.label), table.name):
            return table
    found = {normalise_header(h) for h in sheet.headers}
    best, best_score = None, 0
    for table in TABLES.values():
        names = header_names(table)
        matched = {names[h] for h in found if h in names}
        if set(table.key) <= matched and len(matched) > best_score:
            best, best_score = table, len(matched)
    return best
