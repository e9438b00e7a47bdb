"""The to-do list and the shortfalls as an Excel workbook (openpyxl), written to a stream the caller hands in."""

from __future__ import annotations

from typing import BinaryIO

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

from eduplan.facts import STAGE_NAMES
from eduplan.standards.gaps import Plan, Shortfall

BOLD = Font(bold=True)
HEAD = PatternFill("solid", fgColor="DDE6F0")
TODO_HEADERS = (
    "学校标识码",
    "学校名称",
    "学段",
    "指标",
    "需补充",
    "数量",
    "单位",
    "估算费用（元）",
    "现值",
    "补后值",
    "原因",
)
GAP_HEADERS = (
    "学校标识码",
    "学校名称",
    "学段",
    "指标",
    "现值",
    "标准值",
    "缺口",
    "单位",
    "估算费用（元）",
    "全县差异系数（现）",
    "补齐后差异系数",
)


def _sheet_header(ws: object, headers: tuple[str, ...]) -> None:
    ws.append(list(headers))  # type: ignore[attr-defined]
    for cell in ws[1]:  # type: ignore[index]
        cell.font, cell.fill = BOLD, HEAD


def write_todo(plan: Plan, gaps: list[Shortfall], stream: BinaryIO, title: str = "") -> None:
    """Two sheets: 整改清单 (the plan, per school) and 指标缺口 (every shortfall)."""
    wb = Workbook()
    todo = wb.active
    assert todo is not None
    todo.title = "整改清单"
    _sheet_header(todo, TODO_HEADERS)
    for a in sorted(plan.actions, key=lambda a: (a.school, a.stage, a.indicator)):
        todo.append(
            [
                a.school,
                a.name,
                STAGE_NAMES.get(a.stage, a.stage),
                a.indicator_name,
                a.resource,
                a.amount,
                a.unit,
                round(a.cost, 2) if a.costed else "未估算",
                None if a.from_value is None else round(a.from_value, 4),
                None if a.to_value is None else round(a.to_value, 4),
                a.reason,
            ]
        )
    todo.append([])
    todo.append(["合计（不含未估算项）", "", "", "", "", "", "", round(plan.total_cost, 2)])
    todo.append(["整改后", plan.summary()])
    if title:
        todo.append(["说明", title])
    sheet = wb.create_sheet("指标缺口")
    _sheet_header(sheet, GAP_HEADERS)
    for g in gaps:
        sheet.append(
            [
                g.school,
                g.name,
                STAGE_NAMES.get(g.stage, g.stage),
                g.indicator_name,
                round(g.value, 4),
                g.threshold,
                g.amount,
                g.unit,
                round(g.cost, 2),
                None if g.cv_before is None else round(g.cv_before, 4),
                None if g.cv_after is None else round(g.cv_after, 4),
            ]
        )
    for ws in (todo, sheet):
        ws.column_dimensions["B"].width = 24
        ws.column_dimensions["D"].width = 36
    wb.save(stream)
