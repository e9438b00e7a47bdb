"""六、存在的问题 (from the ratings, the warnings, the evaluations, the forecast and the project ledger) and
七、下一步建议 (from the same results, the 优质均衡 to-do list and the forecast's shortfalls), each with its figures."""

from __future__ import annotations

import math
from collections.abc import Callable

from eduplan.facts import STAGE_NAMES
from eduplan.reports import equity, supply
from eduplan.reports.content import ReportInputs, TargetLine
from eduplan.reports.document import Block, Heading, Paragraph
from eduplan.reports.numbers import difference, money, num
from eduplan.reports.ratings import BEHIND, gap, rating, ratio_text
from eduplan.reports.todo import resource_totals
from eduplan.reports.todo import schools as todo_schools
from eduplan.standards.result import Evaluation

ORDINALS = "一二三四五六七八九十"
Topic = Callable[[ReportInputs], str]


def problems(inputs: ReportInputs) -> list[Block]:
    return _numbered("六、存在的问题", inputs, PROBLEMS, "各项指标、工程和评估均未发现需要特别关注的问题。")


def next_steps(inputs: ReportInputs) -> list[Block]:
    return _numbered("七、下一步建议", inputs, STEPS, "继续按规划推进各项工作，做好年度监测。")


def _numbered(title: str, inputs: ReportInputs, topics: list[tuple[str, Topic]], empty: str) -> list[Block]:
    blocks: list[Block] = [Heading(title)]
    found = [(head, text) for head, topic in topics if (text := topic(inputs))]
    for i, (head, text) in enumerate(found):
        blocks += [Heading(f"（{ORDINALS[i]}）{head}", 2), Paragraph(text)]
    return blocks if found else [*blocks, Paragraph(empty)]


def _behind(inputs: ReportInputs) -> list[TargetLine]:
    return [line for line in inputs.targets if rating(line) in BEHIND]


def lagging(inputs: ReportInputs) -> str:
    items = []
    for line in _behind(inputs):
        text = f"{line.label}{line.latest_year}年为{line.value(line.latest_value)}"
        still = gap(line)
        if still is not None and still > 0 and not line.recurrence:
            text += f"，距{line.target_year}年目标{line.target_text()}尚差{difference(still, line.unit)}"
        elif line.recurrence:
            text += f"，未达到每年{line.target_text().removeprefix('每年')}的要求"
        extra = ["" if line.recurrence else line.missed_text(), ratio_text(line)]
        if line.forecast_value is not None and not line.recurrence:
            extra.append(f"按近期趋势预计{line.target_year}年为{line.value(line.forecast_value)}")
        items.append("，".join([text, *[e for e in extra if e]]))
    return _list(items, f"{len(items)}项指标进展滞后：")


def unknown(inputs: ReportInputs) -> str:
    lines = [line for line in inputs.targets if rating(line) == "无法评估"]
    items = [f"{line.label}（{line.reason or '缺少数据'}）" for line in lines]
    return _list(items, f"{len(items)}项指标缺少可用数据，无法评估：")


def standards_gaps(inputs: ReportInputs) -> str:
    parts = []
    for result, what in (
        (inputs.standards.balanced, "义务教育优质均衡"),
        (inputs.standards.preschool, "学前教育普及普惠"),
    ):
        failed = [] if result is None else [i for i in result.items if i.status == "fail"]
        schools = _failing_schools(result)
        if failed or schools:
            text = f"{what}尚未达标"
            if schools:
                text += f"，{schools}所学校资源配置未达标"
            if failed:
                text += "，" + "；".join(f"{i.name}（{equity.item_now(i)}）" for i in failed)
            parts.append(text)
    return "；".join(parts) + ("。" if parts else "")


def _failing_schools(result: Evaluation | None) -> int:
    return 0 if result is None else sum(len(s.failing_schools) for s in result.stages.values())


def places_pressure(inputs: ReportInputs) -> str:
    if inputs.places is None:
        return ""
    red, red_gap = supply.shortfall_total(inputs.places, "red")
    amber, amber_gap = supply.shortfall_total(inputs.places, "amber")
    if not red and not amber:
        return ""
    text = f"学位供需矛盾在部分学区突出：{red}个学区-学段两年内将出现学位缺口（最大缺口合计{num(red_gap, '个')}）"
    if amber:
        text += f"，另有{amber}个五年内将出现缺口（合计{num(amber_gap, '个')}）"
    worst = supply.worst_gap(inputs.places)
    if worst is not None:
        text += (
            f"，其中{inputs.places.name(str(worst['unit']))}{STAGE_NAMES[str(worst['stage'])]}{worst['year']}年"
            f"缺口{num(float(worst['gap']), '个')}"
        )
    return text + "。"


def late_projects(inputs: ReportInputs) -> str:
    late = [p for p in inputs.projects if p.overdue(inputs.as_of)]
    items = [f"{p.name}（计划{p.planned_year}年建成，现为{p.status_label}）" for p in late]
    return _list(items, f"{len(items)}项重点工程已过计划完成年份仍未建成：")


def data_quality(inputs: ReportInputs) -> str:
    found = [w.message for w in inputs.warnings if w.kind == "quality"]
    return _list(found, f"{len(found)}项指标的输入数据存在质量问题：")


def speed_up(inputs: ReportInputs) -> str:
    items = []
    for line in _behind(inputs):
        still, years = gap(line), line.target_year - (line.latest_year or line.target_year)
        office = f"（责任科室：{line.office}）" if line.office else ""
        if line.recurrence:
            items.append(f"{line.label}确保每年达到{line.target_text().removeprefix('每年')}{office}")
        elif still is not None and still > 0 and years > 0:
            items.append(
                f"{line.label}需在{line.target_year}年达到{line.target_text()}，今后{years}年年均需提高"
                f"{difference(still / years, line.unit)}{office}"
            )
        elif still is not None and still > 0:
            items.append(
                f"{line.label}已到目标年仍差{difference(still, line.unit)}，需查明原因、限期整改{office}"
            )
    return _list(items, "对滞后指标逐项明确措施和进度：")


def close_gaps(inputs: ReportInputs) -> str:
    todo = inputs.standards.todo
    if todo is None or not todo.actions:
        return ""
    needs = "、".join(
        num(amount, unit) + resource for (resource, unit), amount in resource_totals(todo).items()
    )
    text = f"按优质均衡整改清单（费用最少方案），需在{todo_schools(todo)}所学校补充{needs}，估算投入{money(todo.total_cost)}"
    if todo.passes_after:
        text += "；实施后资源配置指标可全部达到标准。"
    else:
        text += f"；实施后仍有{len(todo.failing_after)}个学校或指标未达标（多为数据缺失的学校），需补齐数据后再测算。"
    return text


def add_places(inputs: ReportInputs) -> str:
    if inputs.places is None:
        return ""
    alerts = inputs.places.alerts()
    items = [
        f"{inputs.places.name(str(r['unit']))}{STAGE_NAMES[str(r['stage'])]}在{r['first_shortfall']}年前新增学位"
        f"约{num(math.ceil(float(r['max_gap'])), '个')}"
        for r in alerts.head(5).iter_rows(named=True)
    ]
    more = f"等{alerts.height}个学区-学段" if alerts.height > 5 else ""
    return _list(items, "通过新建、改扩建或调整学区增加学位供给：", tail=more)


def push_projects(inputs: ReportInputs) -> str:
    open_ = [p for p in inputs.projects if p.status in ("planned", "building")]
    items = [f"{p.name}（{p.status_label}，计划{p.planned_year or '—'}年建成）" for p in open_]
    return _list(items, f"加快{len(items)}项未建成重点工程：")


def fill_data(inputs: ReportInputs) -> str:
    lines = [line for line in inputs.targets if rating(line) == "无法评估"]
    items = [line.label for line in lines]
    return _list(items, "建立以下指标的年度统计或填报，以便监测评估：")


def _list(items: list[str], lead: str, tail: str = "") -> str:
    return (lead + "；".join(items) + tail + "。") if items else ""


PROBLEMS: list[tuple[str, Topic]] = [
    ("部分指标进展滞后", lagging),
    ("部分指标缺少监测数据", unknown),
    ("均衡与普惠仍有短板", standards_gaps),
    ("部分学区学位紧张", places_pressure),
    ("部分重点工程进度滞后", late_projects),
    ("统计数据质量有待提高", data_quality),
]
STEPS: list[tuple[str, Topic]] = [
    ("加快推进滞后指标", speed_up),
    ("补齐优质均衡资源配置短板", close_gaps),
    ("扩大紧缺学区学位供给", add_places),
    ("推进重点工程建设", push_projects),
    ("完善监测数据", fill_data),
]
