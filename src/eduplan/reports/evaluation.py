"""The 中期评估 (or, once the plan period is over, 终期评估) report of a plan: its structure and wording.

Structure of published reports (the national 十四五 mid-term review; provincial and county education plans' reviews):
一、总体进展 (targets by rating, a chart) · 二、主要指标完成情况 (the table) · 三、重点任务和重大工程 ·
四、均衡与普惠 · 五、学位供需 · 六、存在的问题 · 七、下一步建议. Every sentence is a template filled with numbers
of `ReportInputs`; a section without data says so instead of guessing.
"""

from __future__ import annotations

from eduplan.facts import STAGE_NAMES
from eduplan.monitoring.progress import STATUS_LABELS
from eduplan.reports import equity, findings, supply
from eduplan.reports.content import ProjectLine, ReportInputs, TargetLine
from eduplan.reports.document import Block, Document, Figure, Heading, Paragraph, Table, ref
from eduplan.reports.numbers import money, num, share
from eduplan.reports.ratings import GOOD, RATING_COLORS, RATINGS, counts, note, progress, rating

TARGET_HEADER = ("序号", "指标", "属性", "基期值", "目标值", "现状值", "进度", "评价", "说明")
TARGET_WIDTHS = (0.7, 2.6, 1.0, 1.7, 1.9, 1.7, 1.3, 1.6, 3.1)
PROJECT_HEADER = (
    "序号",
    "项目名称",
    "类型",
    "新增学位（个）",
    "计划投资（万元）",
    "计划完成",
    "实际完成",
    "状态",
)
PROJECT_WIDTHS = (0.9, 4.3, 1.3, 2.2, 1.9, 1.5, 1.5, 2.0)
TARGET_NOTE = (
    "注：括号内为年份。进度＝（现状值－基期值）÷（目标值－基期值），每年考核的指标为达标年数。评价按实际年均增长率与"
    "实现目标所需年均增长率之比R：R≥1为快于预期，0.95≤R＜1为基本符合预期，R＜0.95或较基期倒退为滞后；现状值已达到"
    "目标的，目标年以前为提前实现、此后为已实现；缺少数据的为无法评估。属性未注明的显示为“—”。"
)


def build(inputs: ReportInputs, signature: str = "") -> Document:
    """The report as a `Document`, ready for `official.write_docx`."""
    kind = "终期评估" if inputs.final else "中期评估"
    doc = Document(
        f"{inputs.plan_name}实施{kind}报告", signature or f"{inputs.region_name}教育局", inputs.issued
    )
    for section in (
        introduction,
        overall,
        indicators,
        projects,
        equity.section,
        supply.section,
        findings.problems,
        findings.next_steps,
    ):
        doc.blocks += section(inputs)
    return doc.numbered()


def introduction(inputs: ReportInputs) -> list[Block]:
    start, end = inputs.period
    text = (
        f"根据《{inputs.plan_name}》关于规划实施跟踪监测和评估的要求，依据{start - 1}—{inputs.as_of}年教育事业统计"
        f"数据、规划目标台账和重点工程台账，对规划（{start}—{end}年）确定的{len(inputs.targets)}项主要指标、"
        f"{len(inputs.projects)}项重点工程以及义务教育优质均衡、学前教育普及普惠和学位供需情况进行了评估。"
    )
    status = inputs.completeness
    if status is not None and status.complete:
        text += f"{inputs.as_of}学年全县{status.open}所学校均已报送统计数据。"
    elif status is not None:
        text += (
            f"{inputs.as_of}学年统计数据不完整（已报{status.reported}/{status.open}所），相关评价仅供参考。"
        )
    return [Paragraph(text + "现将评估情况报告如下。")]


def overall(inputs: ReportInputs) -> list[Block]:
    blocks: list[Block] = [Heading("一、总体进展")]
    start, end = inputs.period
    elapsed = min(max(inputs.as_of - start + 1, 0), end - start + 1)
    found = counts(inputs.targets)
    parts = [f"{n}项{word}" for word, n in found.items() if n]
    good = sum(found[w] for w in GOOD)
    text = (
        f"截至{inputs.as_of}年，规划期已过{elapsed}年，时间进度{elapsed / (end - start + 1):.0%}。"
        f"规划提出的{len(inputs.targets)}项主要指标中，{'、'.join(parts) or '尚无指标'}；"
        f"提前实现、快于预期或基本符合预期的合计{good}项，占{share(good, len(inputs.targets))}。"
    )
    blocks.append(Paragraph(text + _names_by_rating(inputs.targets)))
    if inputs.projects:
        blocks.append(Paragraph(_projects_summary(inputs.projects, inputs.as_of)))
    shown = [w for w in RATINGS if found[w]]
    if shown:
        blocks.append(
            Figure(
                "主要指标评价分布",
                "主要指标评价（项）",
                tuple(shown),
                tuple(float(found[w]) for w in shown),
                tuple(RATING_COLORS[w] for w in shown),
                "项",
            )
        )
    return blocks


def _names_by_rating(lines: list[TargetLine]) -> str:
    """其中，提前实现的有：A、B；滞后的有：C（进展有限）。"""
    groups: dict[str, list[str]] = {}
    for line in lines:
        word = rating(line)
        shown = line.label if word != "滞后" else f"{line.label}（{STATUS_LABELS.get(line.status, '')}）"
        groups.setdefault(word, []).append(shown)
    parts = [f"{word}的有{'、'.join(groups[word])}" for word in RATINGS if word in groups]
    return ("其中，" + "；".join(parts) + "。") if parts else ""


def indicators(inputs: ReportInputs) -> list[Block]:
    rows = [target_row(line) for line in inputs.targets]
    return [
        Heading("二、主要指标完成情况"),
        Paragraph(f"规划{len(rows)}项主要指标的基期值、目标值、现状值和评价见{ref('targets')}。"),
        Table("targets", "主要指标完成情况", TARGET_HEADER, rows, TARGET_WIDTHS, TARGET_NOTE, small=True),
    ]


def target_row(line: TargetLine) -> tuple[str, ...]:
    """One row of table 1; the cells are what the tests compare with the computed results."""
    word = rating(line)
    return (
        str(line.number),
        line.label,
        line.attribute or "—",
        _with_year(line.value(line.baseline_value), line.baseline_year),
        _with_year(line.target_text(), line.target_year),
        _with_year(line.value(line.latest_value), line.latest_year),
        progress(line),
        word,
        note(line, word),
    )


def _with_year(value: str, year: int | None) -> str:
    return "—" if value == "—" or year is None else f"{value}\n（{year}年）"


def projects(inputs: ReportInputs) -> list[Block]:
    blocks: list[Block] = [Heading("三、重点任务和重大工程")]
    if not inputs.projects:
        return [*blocks, Paragraph("规划未录入重点工程项目，本部分暂无评估内容。")]
    rows = [project_row(i, p, inputs.as_of) for i, p in enumerate(inputs.projects, start=1)]
    places = [p.total_places for p in inputs.projects if p.total_places is not None]
    budgets = [p.budget for p in inputs.projects if p.budget is not None]
    built = sum(p.total_places or 0 for p in inputs.projects if p.status == "done")
    text = (
        f"规划确定重点工程{len(inputs.projects)}项（见{ref('projects')}）。已填报新增学位的{len(places)}项合计新增学位"
        f"{num(sum(places), '个')}，其中已建成项目新增{num(built, '个')}；已填报投资的{len(budgets)}项合计计划投资"
        f"{money(sum(budgets) * 1e4)}。"
    )
    missing = len(inputs.projects) - len(places)
    if missing:
        text += f"另有{missing}项未填报新增学位。"
    return [
        *blocks,
        Paragraph(text),
        Table("projects", "重点工程进展情况", PROJECT_HEADER, rows, PROJECT_WIDTHS),
    ]


def project_row(number: int, p: ProjectLine, as_of: int) -> tuple[str, ...]:
    places = "、".join(f"{STAGE_NAMES[s]}{n:,}" for s, n in p.places.items()) or "—"
    status = p.status_label + ("（逾期）" if p.overdue(as_of) else "")
    return (
        str(number),
        p.name,
        p.kind,
        places,
        num(p.budget),
        str(p.planned_year or "—"),
        str(p.actual_year or "—"),
        status,
    )


def _projects_summary(items: list[ProjectLine], as_of: int) -> str:
    by_status: dict[str, int] = {}
    for p in items:
        by_status[p.status_label] = by_status.get(p.status_label, 0) + 1
    text = f"规划确定的{len(items)}项重点工程中，" + "、".join(f"{k}{n}项" for k, n in by_status.items())
    late = [p for p in items if p.overdue(as_of)]
    due = [p for p in items if p.planned_year == as_of and p.status not in ("done", "dropped")]
    if late:
        text += f"；{len(late)}项已过计划完成年份仍未建成"
    if due:
        text += f"；计划{as_of}年完成的{len(due)}项尚未建成"
    return text + "（据重点工程台账）。"
