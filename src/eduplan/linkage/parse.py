"""Register files (户籍, 学籍, 特殊情况, 困难家庭名单, 资助发放) read into frames, every problem named in Chinese.

A sheet is a register when its headers are labels of one register table and include all its required ones
(the fixed 户籍 header is 人员编号,姓名,性别,出生日期,身份证号,乡镇代码,村社区). Ids are not refused here: a
wrong id is kept and listed by `ids.check_ids`; everything else must be right or nothing is imported.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

import polars as pl
from openpyxl.utils import get_column_letter

from eduplan.facts import Column, Table
from eduplan.io.cells import Bad, parse_cell
from eduplan.io.problems import Problem
from eduplan.io.template import RawSheet, normalise_header
from eduplan.linkage.registers import REGISTERS

DATE_COLUMNS = ("birth", "since", "until", "paid_on")
FIRST_DATE = dt.date(1990, 1, 1)
MAX_LENGTH = {"name": 50, "person_no": 40, "student_no": 40, "id_number": 30, "village": 100, "grade": 20}
DIGITS = {"township": 9, "school": 10}


def recognise(sheet: RawSheet) -> Table | None:
    """The register whose labels the sheet's headers are (all of them, every required one among them)."""
    found = {normalise_header(h) for h in sheet.headers if normalise_header(h)}
    for table in REGISTERS.values():
        labels = {normalise_header(c.label) for c in table.columns}
        required = {normalise_header(c.label) for c in table.columns if c.required}
        if found and found <= labels and required <= found:
            return table
    return None


@dataclass
class Parsed:
    frames: dict[str, pl.DataFrame] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


def _date(text: str) -> dt.date | None:
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def parse_value(table: Table, column: Column, raw: Any, today: dt.date) -> Any:
    """The cell's value for the register column, or a `Bad`."""
    if isinstance(raw, dt.datetime | dt.date) and column.name in DATE_COLUMNS:
        raw = (raw.date() if isinstance(raw, dt.datetime) else raw).isoformat()
    value = parse_cell(table.name, column, raw)
    if isinstance(value, Bad) or value is None or column.kind != "str":
        return value
    if column.name in DATE_COLUMNS:
        day = _date(value)
        if day is None or not FIRST_DATE <= day <= today + dt.timedelta(
            days=366 if column.name == "until" else 0
        ):
            return Bad(
                f"{FIRST_DATE.year} 年以后、不晚于今天的日期，格式 YYYY-MM-DD", f"a date, got {value!r}"
            )
    if column.name in DIGITS and not (
        value.isascii() and value.isdigit() and len(value) == DIGITS[column.name]
    ):
        return Bad(f"{DIGITS[column.name]} 位数字代码", f"{DIGITS[column.name]} digits, got {value!r}")
    if len(value) > MAX_LENGTH.get(column.name, 200):
        return Bad(f"不超过 {MAX_LENGTH[column.name]} 个字", "too long")
    if column.name in ("person_no", "student_no") and re.search(r"\s", value):
        return Bad("不含空格的编号", "no spaces")
    return value


def parse_sheets(
    sheets: list[tuple[RawSheet, Table]], townships: set[str], today: dt.date | None = None
) -> Parsed:
    """Frames of every register sheet (their columns, rows in file order) and every problem found."""
    today = today or dt.date.today()
    out = Parsed()
    rows: dict[str, list[dict[str, Any]]] = {}
    seen: dict[tuple[str, tuple[Any, ...]], str] = {}
    for sheet, table in sheets:
        letters = {
            table_column.name: (str(h), get_column_letter(i), i - 1)
            for i, h in enumerate(sheet.headers, start=1)
            for table_column in table.columns
            if normalise_header(h) == normalise_header(table_column.label)
        }
        for number, cells in sheet.rows:
            row = _row(out, sheet, table, number, cells, letters, townships, today)
            if row is None:
                continue
            key = (table.name, tuple(row[k] for k in table.key))
            if key in seen:
                header, letter, _ = letters[table.key[0]]
                out.problems.append(Problem(sheet.file, sheet.sheet, number, header, letter, row[table.key[0]],
                                            f"唯一的{table.by_name[table.key[0]].label}（与{seen[key]}重复）", "duplicate key"))  # fmt: skip
                continue
            seen[key] = f"{sheet.file} 第 {number} 行"
            rows.setdefault(table.name, []).append(row)
    for name, table_rows in rows.items():
        out.frames[name] = REGISTERS[name].frame(table_rows)
    return out


def _row(out: Parsed, sheet: RawSheet, table: Table, number: int, cells: list[Any],
         letters: dict[str, tuple[str, str, int]], townships: set[str], today: dt.date) -> dict[str, Any] | None:  # fmt: skip
    row: dict[str, Any] = {}
    ok = True
    for column in table.columns:
        if column.name not in letters:
            row[column.name] = None
            continue
        header, letter, position = letters[column.name]
        raw = cells[position] if position < len(cells) else None
        value = parse_value(table, column, raw, today)
        if isinstance(value, Bad):
            out.problems.append(
                Problem(sheet.file, sheet.sheet, number, header, letter, raw, value.expected, value.english)
            )
            ok = False
        elif column.name == "township" and value not in townships:
            out.problems.append(Problem(sheet.file, sheet.sheet, number, header, letter, raw,
                                        "数据库中已有的乡镇（街道）代码（请先导入行政区划）", "unknown township"))  # fmt: skip
            ok = False
        row[column.name] = value
    return row if ok else None
