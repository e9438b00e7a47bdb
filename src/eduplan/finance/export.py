"""The finance workbooks (openpyxl), written to a stream the caller hands in: the underfunded schools as a to-do
list, the county tests year by year, the cost of the plan."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, BinaryIO

import polars as pl
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.worksheet import Worksheet

from eduplan.finance.budget import VERDICT_NAMES, CountyYear, PlanCost, sources

HEAD_FONT = Font(bold=True)
HEAD_FILL = PatternFill("solid", fgColor="E2EFDA")
FLOOR_HEADERS = ("学校标识码", "学校名称", "在校生", "核定人数", "寄宿生", "残疾学生", "应拨（元）", "实拨（元）",
                 "缺口（元）", "自何年起", "结论", "核定规则")  # fmt: skip
YES_NO = {True: "是", False: "否", None: "无法判定"}


def _sheet(
    ws: Worksheet, headers: Sequence[str], rows: Iterable[Sequence[Any]], widths: Mapping[str, int]
) -> None:
    ws.append(list(headers))
    for cell in ws[1]:
        cell.font, cell.fill = HEAD_FONT, HEAD_FILL
    for row in rows:
        ws.append(list(row))
    for letter, width in widths.items():
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = "A2"


def _floor_row(r: Mapping[str, Any]) -> list[Any]:
    return [r["school"], r["name"], r["pupils"], r["counted_pupils"], r["boarders"], r["disabled"], r["floor"],
            r["allocated"], r["gap"], r["since"], r["status_name"], r["rule"]]  # fmt: skip


def write_floors(
    rows: Sequence[Mapping[str, Any]], under: Sequence[Mapping[str, Any]], stream: BinaryIO, title: str
) -> None:
    """Two sheets: 整改清单 (`under`: the underfunded schools in their order, with totals) and 全部学校 (`rows`)."""
    wb = Workbook()
    todo = wb.active
    assert todo is not None
    todo.title = "整改清单"
    widths = {"B": 28, "L": 90}
    _sheet(todo, FLOOR_HEADERS, (_floor_row(r) for r in under), widths)
    todo.append([])
    todo.append(["合计", f"{len(under)} 所", "", "", "", "", "", "", round(sum(r["gap"] for r in under), 2)])
    todo.append(["说明", f"{title}生均公用经费未达到核定标准的学校；缺口 = 应拨 − 实拨"])
    _sheet(wb.create_sheet("全部学校"), FLOOR_HEADERS, (_floor_row(r) for r in rows), widths)
    wb.save(stream)


def write_county(years: Sequence[CountyYear], stream: BinaryIO) -> None:
    """One row per county and year: both 只增不减 tests and pay parity with their figures, and the sources."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "两个只增不减"
    headers = ("县级区划代码", "年度", "一般公共预算教育支出（万元）", "上年（万元）", "支出只增不减", "在校学生数",
               "生均（元）", "上年生均（元）", "生均只增不减", "教师年平均工资（元）", "公务员年平均工资（元）",
               "教师工资不低于公务员", "结论")  # fmt: skip
    rows = []
    for y in years:
        spend, per, pay = y.test("spending"), y.test("per_student"), y.test("pay_parity")
        rows.append([y.county, y.year, spend.value, spend.reference, YES_NO[spend.passed], y.students, per.value,
                     per.reference, YES_NO[per.passed], pay.value, pay.reference, YES_NO[pay.passed],
                     VERDICT_NAMES[y.verdict]])  # fmt: skip
    _sheet(ws, headers, rows, {"C": 18, "L": 14})
    s = sources()
    ws.append([])
    for part in ("nondecreasing", "pay_parity"):
        ws.append(["依据", f"{s[part]['source']}：{s[part]['quote']}"])
    wb.save(stream)


def write_cost(cost: PlanCost, ahead: pl.DataFrame, stream: BinaryIO) -> None:
    """Sheets: 投入测算 (every cost line), 项目预算 (projects against their places' cost), 单位成本, 公用经费需求."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "投入测算"
    lines = [[c.year, c.group, c.item, c.quantity, c.unit, c.unit_cost, round(c.cost, 2), c.note]
             for c in [*cost.lines, *cost.residual]]  # fmt: skip
    _sheet(
        ws,
        ("年度", "类别", "项目", "数量", "单位", "单价（元）", "金额（元）", "说明"),
        lines,
        {"B": 18, "C": 30, "H": 40},
    )
    ws.append([])
    ws.append(
        ["合计", "", "", "", "", "", round(cost.need, 2), "不含“项目建成后仍缺学位”（已含在学位缺口中）"]
    )
    ws.append(["项目预算合计", "", "", "", "", "", round(cost.budgeted, 2)])
    ws.append(["未列预算", "", "", "", "", "", round(cost.unbudgeted, 2)])
    projects = [[p.name, p.kind, p.status_name or p.status, p.year, *(p.places.get(s, 0) for s in ("preschool", "primary", "junior", "senior")),
                 p.budget, p.estimate, p.difference] for p in cost.projects]  # fmt: skip
    project_headers = ("项目", "类型", "状态", "年份", "学前学位", "小学学位", "初中学位", "高中学位", "预算（元）",
                       "按单价估算（元）", "预算 − 估算（元）")  # fmt: skip
    _sheet(wb.create_sheet("项目预算"), project_headers, projects, {"A": 30})
    units = [[c.label, c.unit, c.value, c.origin] for c in cost.costs.values()]
    _sheet(wb.create_sheet("单位成本"), ("项目", "单位", "单价", "来源"), units, {"A": 30, "D": 40})
    need_rows = [[r["year"], r.get("pupils"), r.get("allocated"), r.get("need"), r.get("need_low"), r.get("need_high"),
                  r.get("need_fixed_rates")] for r in ahead.iter_rows(named=True)]  # fmt: skip
    headers = ("学年", "在校生", "实拨（元）", "应拨需求（元）", "需求下限", "需求上限", "按起点年标准（元）")
    _sheet(wb.create_sheet("公用经费需求"), headers, need_rows, {"D": 18, "G": 20})
    wb.save(stream)
