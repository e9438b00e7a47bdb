"""四、均衡与普惠: the county's 优质均衡 and 普及普惠 evaluations in the report's year, with their gaps."""

from __future__ import annotations

from eduplan.facts import STAGE_NAMES
from eduplan.reports.content import ReportInputs
from eduplan.reports.document import Block, Heading, Paragraph, Table, ref
from eduplan.reports.ratings import STANDARD_STATUS_WORDS, VERDICT_WORDS
from eduplan.standards.result import Evaluation, ItemResult, StageResult

HEADER = ("评估内容", "现状", "结论")
WIDTHS = (8.6, 4.6, 2.4)
KINDS = (("balanced", "（一）义务教育优质均衡发展", "义务教育优质均衡发展"),
         ("preschool", "（二）学前教育普及普惠", "学前教育普及普惠"))  # fmt: skip


def section(inputs: ReportInputs) -> list[Block]:
    blocks: list[Block] = [Heading("四、均衡与普惠")]
    for kind, heading, what in KINDS:
        result: Evaluation | None = getattr(inputs.standards, kind)
        blocks.append(Heading(heading, 2))
        if result is None:
            why = inputs.standards.errors.get(kind, "缺少评估所需数据")
            blocks.append(Paragraph(f"{inputs.as_of}学年{what}未能评估：{why}。"))
            continue
        blocks += evaluation_blocks(result, what, kind)
    return blocks


def evaluation_blocks(result: Evaluation, what: str, key: str) -> list[Block]:
    verdict = VERDICT_WORDS.get(result.verdict, "无法评估")
    text = f"按{result.source}测算，{result.year}学年全县{what}{verdict}（见{ref(key)}）。"
    text += "".join(stage_sentence(result, s) for s in result.stages.values())
    failed = [i for i in result.items if i.status == "fail"]
    if failed:
        text += "未达标的项目有：" + "；".join(f"{i.name}（{item_now(i)}）" for i in failed) + "。"
    if result.pending:
        text += f"另有{len(result.pending)}项需录入佐证材料后方能评定。"
    rows: list[tuple[str, ...]] = list(result_rows(result))
    if result.pending:
        rows.append(("需录入佐证材料的项目", f"{len(result.pending)}项", "待录入"))
    return [Paragraph(text), Table(key, f"{what}主要评估结果（{result.year}学年）", HEADER, rows, WIDTHS)]


def result_rows(result: Evaluation) -> list[tuple[str, str, str]]:
    """评估内容, 现状, 结论: each stage's 差异系数 and schools, then every item the data or an entry decided."""
    rows = [row for s in result.stages.values() for row in stage_rows(result, s)]
    rows += [
        (i.name, item_value(i), STANDARD_STATUS_WORDS.get(i.status, "无法评估"))
        for i in result.items
        if i.status != "pending"
    ]
    return rows


def item_value(item: ItemResult) -> str:
    """98.3%（标准100.0%）for a rate; the evaluation's own detail otherwise."""
    if item.is_rate and item.value is not None:
        return f"{item.text(item.value)}（标准{item.text(item.threshold)}）"
    return item.detail or item.text(item.value) or "—"


def item_now(item: ItemResult) -> str:
    """现为98.3% for a rate (its standard is in its name); the evaluation's own detail otherwise."""
    if item.is_rate and item.value is not None:
        return f"现为{item.text(item.value)}"
    return item_value(item)


def stage_sentence(result: Evaluation, s: StageResult) -> str:
    """小学：7项校际差异系数均不超过0.50（最大0.472）；22/30所学校达标，8所未达标（骨干教师数低于标准5所……）。"""
    names = {i["code"]: i["name"] for i in result.indicators}
    known = {c: v for c, v in s.cv.items() if v is not None}
    over = {c: v for c, v in known.items() if v > s.cv_limit}
    stage = STAGE_NAMES.get(s.stage, s.stage)
    if over:
        cv = f"{len(over)}项校际差异系数超过{s.cv_limit:.2f}：" + "、".join(
            f"{names[c]}{v:.3f}" for c, v in over.items()
        )
    elif known:
        cv = f"{len(known)}项校际差异系数均不超过{s.cv_limit:.2f}（最大{max(known.values()):.3f}）"
    else:
        cv = "校际差异系数缺少数据"
    failing = s.failing_schools
    text = f"{stage}：{cv}；{len(s.schools) - len(failing)}/{len(s.schools)}所学校达标"
    if failing:
        low: dict[str, int] = {}
        for school in failing:
            for code, m in school.indicators.items():
                if m.met is not True:
                    low[code] = low.get(code, 0) + 1
        worst = sorted(low.items(), key=lambda kv: -kv[1])[:3]
        text += f"，{len(failing)}所未达标的学校中，" + "、".join(
            f"{names[c]}未达标准{n}所" for c, n in worst
        )
    return text + "。"


def stage_rows(result: Evaluation, s: StageResult) -> list[tuple[str, str, str]]:
    stage = STAGE_NAMES.get(s.stage, s.stage)
    known = [v for v in s.cv.values() if v is not None]
    cv_ok = bool(known) and all(v <= s.cv_limit for v in known)
    cv_value = f"最大{max(known):.3f}" if known else "—"
    schools_ok = not s.failing_schools and bool(s.schools)
    return [
        (f"{stage}校际差异系数（{len(s.cv)}项，均不超过{s.cv_limit:.2f}）", cv_value, "达标" if cv_ok else "未达标"),
        (f"{stage}学校达标", f"{len(s.schools) - len(s.failing_schools)}/{len(s.schools)}所",
         "达标" if schools_ok else "未达标"),
    ]  # fmt: skip
