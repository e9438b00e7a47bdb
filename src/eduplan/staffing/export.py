"""The personnel office's workbooks: 缺编 (posts against teachers, by school and subject, now and ahead) and
交流名单 (the rotation plan's moves with their reasons). Written with openpyxl to a stream the caller hands in."""

from __future__ import annotations

from typing import Any, BinaryIO

import polars as pl
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

from eduplan.facts import LOCALES, STAGE_NAMES
from eduplan.staffing.plan import Plan
from eduplan.staffing.posts import SUBJECT_NAMES

BOLD = Font(bold=True)
HEAD = PatternFill("solid", fgColor="DDE6F0")
SHORT = PatternFill("solid", fgColor="FDE2E1")
ENOUGH = PatternFill("solid", fgColor="E3F3E4")


def _sheet(wb: Workbook, title: str, headers: list[str], rows: list[list[Any]], first: bool = False) -> Any:
    ws = wb.active if first else wb.create_sheet()
    assert ws is not None
    ws.title = title
    ws.append(headers)
    for cell in ws[1]:
        cell.font, cell.fill = BOLD, HEAD
    for row in rows:
        ws.append(row)
    for i, header in enumerate(headers, start=1):
        ws.column_dimensions[ws.cell(row=1, column=i).column_letter].width = max(
            10, min(60, 2 * len(header) + 4)
        )
    ws.freeze_panes = "A2"
    return ws


def _colour_gaps(ws: Any, column: int) -> None:
    """Shortages red, the rest green, in the 1-based `column` holding the gap."""
    for row in ws.iter_rows(min_row=2, min_col=column, max_col=column):
        cell = row[0]
        if isinstance(cell.value, int | float):
            cell.fill = SHORT if cell.value > 0.05 else ENOUGH


def _posts_rows(table: pl.DataFrame) -> list[list[Any]]:
    return [
        [r["school"], r["name"], LOCALES.get(r["locale"], r["locale"]), STAGE_NAMES.get(r["stage"] or "", "全校"),
         SUBJECT_NAMES.get(r["subject"], r["subject"]), round(r["required"], 2), r["in_post"],
         None if r["gap"] is None else round(r["gap"], 2), "名册" if r["source"] == "records" else "汇总表"]
        for r in table.iter_rows(named=True)
    ]  # fmt: skip


POSTS_HEADERS = [
    "学校标识码",
    "学校名称",
    "城乡",
    "学段",
    "学科",
    "应配（人）",
    "在岗（人）",
    "缺口（正为缺编）",
    "依据",
]


def write_shortage(
    table: pl.DataFrame, totals: pl.DataFrame, establishment: pl.DataFrame, outlook: pl.DataFrame | None,
    stream: BinaryIO, title: str,
) -> None:  # fmt: skip
    """缺编 workbook: school × subject, county totals, 编制, and the years ahead when given."""
    wb = Workbook()
    ws = _sheet(wb, "学科缺编", POSTS_HEADERS, _posts_rows(table), first=True)
    _colour_gaps(ws, 8)
    _sheet(wb, "全县合计", ["学科", "应配", "在岗", "净缺口", "各校缺编之和", "各校超编之和"], [
        [SUBJECT_NAMES.get(r["subject"], r["subject"]), round(r["required"], 2), r["in_post"], round(r["gap"], 2),
         round(r["shortage"], 2), round(r["surplus"], 2)] for r in totals.iter_rows(named=True)
    ])  # fmt: skip
    ws = _sheet(wb, "教职工编制", ["学校标识码", "学校名称", "城乡", "应核编制", "教职工数", "缺口（正为缺编）", "核定依据"], [
        [r["school"], r["name"], LOCALES.get(r["locale"], r["locale"]), _round(r["due"]), r["staff"], _round(r["gap"]), r["basis"]]
        for r in establishment.iter_rows(named=True)
    ])  # fmt: skip
    _colour_gaps(ws, 6)
    if outlook is not None and outlook.height:
        headers = ["学年", *POSTS_HEADERS]
        ws = _sheet(
            wb,
            "未来五年",
            headers,
            [
                [r["year"], *row]
                for r, row in zip(outlook.iter_rows(named=True), _posts_rows(outlook), strict=True)
            ],
        )
        _colour_gaps(ws, 9)
    _sheet(wb, "说明", ["项目", "内容"], [["报表", title], ["缺口", "应配减在岗：正数为缺编（红），负数为超编（绿）"],
                                        ["依据", "名册：按专任教师名册逐人统计；汇总表：只有基层报表时按体育、艺术与全体教师比较"]])  # fmt: skip
    wb.save(stream)


def _round(v: float | None) -> float | None:
    return None if v is None else round(v, 2)


MOVE_HEADERS = [
    "序号",
    "教师编号",
    "原学校标识码",
    "原学校",
    "学段",
    "学科",
    "骨干",
    "本校任教年限",
    "去向学校标识码",
    "去向学校",
    "路程（公里）",
    "理由",
]


def write_moves(plan: Plan, stream: BinaryIO, title: str) -> None:
    """交流名单 workbook: the moves, the plan's summary and the rules used."""
    from eduplan.facts import BACKBONE_LEVELS
    from eduplan.staffing.rules import settings

    wb = Workbook()
    rows = [
        [i, m.teacher, m.from_school, m.from_name, STAGE_NAMES[m.stage], SUBJECT_NAMES.get(m.subject, m.subject),
         BACKBONE_LEVELS.get(m.backbone or "", ""), m.years, m.to_school, m.to_name, round(m.km, 1), m.reason]
        for i, m in enumerate(plan.moves, start=1)
    ]  # fmt: skip
    ws = _sheet(wb, "交流名单", MOVE_HEADERS, rows, first=True)
    ws.column_dimensions["L"].width = 100
    j = plan.to_json()
    summary = [
        ["方案", title], ["求解状态", j["status_name"]], ["符合交流条件（人）", j["eligible"]], ["须交流（人）", j["quota"]],
        ["本方案交流（人）", j["moved"]], ["其中骨干教师（人）", j["backbone_moved"]], ["目标值（加权缺口 + 路程与调动代价）", j["objective"]],
        ["下界（已证明无更优方案时与目标值相等）", j["bound"]], ["加权缺口：交流前", j["shortage_before"]], ["加权缺口：交流后", j["shortage_after"]],
        *[["规则无法同时满足", text] for text in j["binding"]],
    ]  # fmt: skip
    _sheet(wb, "方案摘要", ["项目", "值"], summary)
    rules = plan.problem.rules
    _sheet(wb, "规则", ["规则", "取值", "说明", "来源"], [
        [s.name, str(getattr(rules, s.name)), s.help, s.source] for s in settings().values()
    ])  # fmt: skip
    wb.save(stream)
