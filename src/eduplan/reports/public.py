"""The public progress page's content (规划实施进展公开): aggregate figures only.

Each plan target with its latest value, its 评价 and the year of its data; the year's 优质均衡 and 普及普惠
verdicts with their county-level figures; the date of the data. School-level rows (a school's name and its
优质均衡 result, never a person) only when the deployment allows them (`schools_allowed`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from eduplan.facts import STAGE_NAMES
from eduplan.indicators.completeness import YearStatus
from eduplan.reports.content import Standards, TargetLine
from eduplan.reports.equity import result_rows
from eduplan.reports.ratings import (
    RATING_CLASSES,
    RATINGS,
    VERDICT_WORDS,
    counts,
    progress,
    rating,
)
from eduplan.standards.result import Evaluation


@dataclass(frozen=True)
class TargetCard:
    number: int
    label: str
    target: str  # ≥96%（2025年）
    latest: str  # 99.35%（2024年）, or 暂无数据
    rating: str
    css: str
    progress: str


@dataclass(frozen=True)
class StandardCard:
    name: str
    year: int
    verdict: str
    rows: list[tuple[str, str, str]]  # 评估内容, 现状, 结论: county-level figures only
    pending: int


@dataclass(frozen=True)
class SchoolRow:
    name: str
    stage: str
    met: str  # 6/7项
    result: str


@dataclass(frozen=True)
class PublicPage:
    region_name: str
    plan_name: str
    period: tuple[int, int]
    year: int
    data_note: str
    generated: date
    counts: list[tuple[str, int, str]]  # 评价, how many, CSS class
    targets: list[TargetCard]
    standards: list[StandardCard]
    schools: list[SchoolRow] = field(default_factory=list)


def page(
    region_name: str,
    plan_name: str,
    period: tuple[int, int],
    year: int,
    lines: list[TargetLine],
    standards: Standards,
    completeness: YearStatus | None,
    generated: date,
    schools_allowed: bool = False,
) -> PublicPage:
    found = counts(lines)
    cards = [standard_card(e, n) for e, n in ((standards.balanced, "义务教育优质均衡发展"),
                                            (standards.preschool, "学前教育普及普惠")) if e is not None]  # fmt: skip
    return PublicPage(
        region_name=region_name,
        plan_name=plan_name,
        period=period,
        year=year,
        data_note=data_note(year, completeness),
        generated=generated,
        counts=[(w, found[w], RATING_CLASSES[w]) for w in RATINGS if found[w]],
        targets=[target_card(line) for line in lines],
        standards=cards,
        schools=school_rows(standards.balanced) if schools_allowed and standards.balanced else [],
    )


def target_card(line: TargetLine) -> TargetCard:
    word = rating(line)
    latest = (
        "暂无数据"
        if line.latest_value is None
        else f"{line.value(line.latest_value)}（{line.latest_year}年）"
    )
    return TargetCard(
        line.number,
        line.label,
        f"{line.target_text()}（{line.target_year}年）",
        latest,
        word,
        RATING_CLASSES[word],
        progress(line),
    )


def standard_card(result: Evaluation, name: str) -> StandardCard:
    return StandardCard(
        name,
        result.year,
        VERDICT_WORDS.get(result.verdict, "无法评估"),
        result_rows(result),
        len(result.pending),
    )


def school_rows(result: Evaluation) -> list[SchoolRow]:
    return [
        SchoolRow(s.name, STAGE_NAMES.get(s.stage, s.stage), f"{s.met_count}/{len(s.indicators)}项",
                  "达标" if s.passed else "未达标")
        for stage in result.stages.values()
        for s in stage.schools
    ]  # fmt: skip


def data_note(year: int, completeness: YearStatus | None) -> str:
    """数据截至2024学年（109所学校均已报送）."""
    if completeness is None:
        return f"数据截至{year}学年"
    if completeness.complete:
        return f"数据截至{year}学年（{completeness.open}所学校均已报送）"
    return f"数据截至{year}学年（数据不完整：已报{completeness.reported}/{completeness.open}所）"
