"""Writing templates and exports: one sheet per table with Chinese headers, and an instructions sheet (说明).

Templates and exports have the same shape, so an export can be edited and imported back. Coded values
are written as their Chinese labels and booleans as 是/否; the importer reads both back.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import polars as pl
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from eduplan.errors import DataError
from eduplan.facts import Column, Table
from eduplan.io.cells import choice_label, code_digits
from eduplan.io.rules import NOT_MORE
from eduplan.io.template import INSTRUCTIONS
from eduplan.io.text import neutralise

KIND_TEXT = {"str": "文本", "int": "整数", "float": "数值", "bool": "是/否"}
REQUIRED_FILL = PatternFill("solid", fgColor="FCE4D6")
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")


def write(tables: list[Table], frames: dict[str, pl.DataFrame], out: Path) -> list[Path]:
    """Write the tables (with their rows, if any) to .xlsx or .csv; returns the files written.

    A CSV holds one table: a kind of several tables writes one CSV per table, named OUT-<table>.csv.
    """
    out.parent.mkdir(parents=True, exist_ok=True)
    suffix = out.suffix.lower()
    if suffix == ".xlsx":
        _write_xlsx(tables, frames, out)
        return [out]
    if suffix == ".csv":
        if len(tables) == 1:
            _write_csv(tables[0], frames.get(tables[0].name), out)
            return [out]
        paths = [out.with_name(f"{out.stem}-{t.name}.csv") for t in tables]
        for table, path in zip(tables, paths, strict=True):
            _write_csv(table, frames.get(table.name), path)
        return paths
    raise DataError(f"{out.name}：只能写 .xlsx 或 .csv 文件", english=f"unsupported output type {suffix!r}")


def display_rows(table: Table, frame: pl.DataFrame | None) -> list[list[Any]]:
    """The frame's rows as cells: every column of the table, coded values as Chinese labels, 是/否."""
    if frame is None or frame.height == 0:
        return []
    columns = list(table.columns)
    present = [c for c in columns if c.name in frame.columns]
    rows = frame.select([c.name for c in present]).rows()
    shown = []
    for row in rows:
        values = dict(zip([c.name for c in present], row, strict=True))
        shown.append([_display(c, values.get(c.name)) for c in columns])
    return shown


def _display(column: Column, value: Any) -> Any:
    """A value as a cell shows it; text never starts with a formula character (the OWASP rule: the
    importer takes the apostrophe off again)."""
    if value is None:
        return None
    if column.kind == "bool":
        return "是" if value else "否"
    if column.choices:
        return choice_label(column.name, value)
    return neutralise(value) if column.kind == "str" else value


def _write_csv(table: Table, frame: pl.DataFrame | None, path: Path) -> None:
    # UTF-8 with a byte-order mark: Excel on Chinese Windows then opens it without garbling.
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([c.label for c in table.columns])
        for row in display_rows(table, frame):
            writer.writerow(["" if v is None else _csv_number(v) for v in row])


def _csv_number(value: Any) -> Any:
    # Floats that hold whole numbers (areas, money) are written without ".0" so that ints stay ints.
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _write_xlsx(tables: list[Table], frames: dict[str, pl.DataFrame], out: Path) -> None:
    book = Workbook()
    guide = book.active
    guide.title = INSTRUCTIONS
    _instructions(guide, tables)
    for table in tables:
        _data_sheet(book.create_sheet(table.label), table, display_rows(table, frames.get(table.name)))
    book.save(out)


def _data_sheet(ws: Any, table: Table, rows: list[list[Any]]) -> None:
    ws.append([c.label for c in table.columns])
    for row in rows:
        ws.append(row)
    for i, column in enumerate(table.columns, start=1):
        cell = ws.cell(row=1, column=i)
        cell.font = Font(bold=True)
        cell.fill = REQUIRED_FILL if column.required else HEADER_FILL
        letter = get_column_letter(i)
        ws.column_dimensions[letter].width = max(10, min(30, 2 * len(column.label) + 2))
        if column.kind == "str":
            # Text format keeps codes such as 4402820001 from turning into numbers.
            for number in range(2, max(len(rows), 200) + 2):
                ws.cell(row=number, column=i).number_format = "@"
        if column.choices or column.kind == "bool":
            options = (
                [choice_label(column.name, c) for c in column.choices] if column.choices else ["是", "否"]
            )
            rule = DataValidation(type="list", formula1='"' + ",".join(options) + '"', allow_blank=True)
            rule.add(f"{letter}2:{letter}1048576")
            ws.add_data_validation(rule)
    ws.freeze_panes = "A2"


def _instructions(ws: Any, tables: list[Table]) -> None:
    ws.append(["填表说明"])
    ws["A1"].font = Font(bold=True, size=14)
    lines = [
        "每张工作表一张数据表，第 1 行为表头，从第 2 行起每行一条记录；请勿修改表头和工作表名称。",
        "橙色表头为必填列；未掌握的数据请留空（留空表示“缺失”，不要填 0）。",
        "代码请按文本填写：学校标识码 10 位，乡镇（街道）区划代码 9 位，县级 6 位，市级 4 位，省级 2 位。",
        "导入命令：eduplan import 文件.xlsx（可同时导入多个文件；有任何错误时不写入任何数据）。",
        "学校分年级统计中，年级一栏可写“合计”：该行不入库，只用于核对各年级之和。",
    ]
    for line in lines:
        ws.append([line])
    ws.append([])
    ws.append(["工作表", "列名", "字段名", "类型", "必填", "取值范围", "可选值", "说明"])
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)
    for table in tables:
        for column in table.columns:
            ws.append([table.label, column.label, column.name, KIND_TEXT[column.kind], "是" if column.required else "",
                       _range(column), _choices(column), _help(table, column)])  # fmt: skip
    _rules(ws, tables)
    for letter, width in zip("ABCDEFGH", (18, 26, 26, 8, 6, 22, 40, 50), strict=True):
        ws.column_dimensions[letter].width = width


def _rules(ws: Any, tables: list[Table]) -> None:
    """The consistency checks the importer makes, one line each, so that nobody is surprised."""
    lines = []
    for table in tables:
        for rule in NOT_MORE.get(table.name, ()):
            parts = "与".join(table.by_name[p].label for p in rule.parts)
            lines.append(
                f"{table.label}：{parts}{'之和' if len(rule.parts) > 1 else ''}不大于{table.by_name[rule.whole].label}"
            )
        if table.name == "grade_year":
            lines.append(f"{table.label}：有在校生的年级班数须大于 0；年级不超过该学段的年级数")
    if lines:
        ws.append([])
        ws.append(["一致性要求（导入时逐行检查）"])
        ws.cell(row=ws.max_row, column=1).font = Font(bold=True)
        for line in lines:
            ws.append([line])


def _range(column: Column) -> str:
    if column.min is None and column.max is None:
        return ""
    low = "" if column.min is None else f"{column.min:g}"
    high = "" if column.max is None else f"{column.max:g}"
    return f"{low} ~ {high}"


def _choices(column: Column) -> str:
    if column.kind == "bool":
        return "是、否"
    return "、".join(choice_label(column.name, c) for c in column.choices)


def _help(table: Table, column: Column) -> str:
    digits = code_digits(table.name, column.name)
    shape = f"{'或'.join(str(d) for d in digits)} 位数字" if digits and "位" not in column.help else ""
    return "；".join(x for x in (column.help, shape) if x)
