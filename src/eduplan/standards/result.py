"""What an evaluation returns: plain dataclasses with a JSON form (the shape the CLI and API print).

Every part (a school, a stage, an item) and the evaluation itself has a status in three values: pass, fail, or
undecided. A part fails when its known inputs already rule out passing; it passes only when every input is
known and meets the standard; otherwise it is undecided (无法评估, with the missing inputs listed). The verdict
is the same rule over the parts, and is 无法评估 whenever the year's statistics are incomplete: a verdict on
incomplete data is never 达标 and never 未达标.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from eduplan.indicators.completeness import YearStatus

Status = Literal["pass", "fail", "pending"]
Verdict = Literal["pass", "fail", "incomplete"]
STATUS_NAMES = {"pass": "达标", "fail": "未达标", "pending": "待录入"}
VERDICT_NAMES = {"pass": "达标", "fail": "未达标", "incomplete": "无法评估"}
# A rate threshold (≤ 1) reads as a percentage; a "ratio" item (children per teacher) reads as 1:x.
Display = Literal["auto", "ratio"]


def combine(statuses: Iterable[str]) -> Verdict:
    """Three-valued AND: any fail fails; otherwise anything undecided leaves the whole undecided."""
    seen = set(statuses)
    if "fail" in seen:
        return "fail"
    if seen - {"pass"}:
        return "incomplete"
    return "pass"


@dataclass
class Measure:
    """One school's value of one indicator against its threshold."""

    value: float | None
    threshold: float | None
    met: bool | None
    ratio: float | None = None  # value / threshold


@dataclass
class SchoolResult:
    code: str
    name: str
    stage: str
    school_type: str
    pupils: int
    indicators: dict[str, Measure]
    met_count: int
    passed: bool
    note: str = ""
    status: Verdict = "pass"
    missing: list[str] = field(default_factory=list)  # indicators without a value

    @property
    def status_name(self) -> str:
        return VERDICT_NAMES[self.status]


@dataclass
class StageResult:
    stage: str
    cv: dict[str, float | None]
    cv_limit: float
    cv_met: dict[str, bool]
    mean: dict[str, float | None]
    schools: list[SchoolResult]
    excluded: list[dict[str, Any]]
    passed: bool
    combined_cv: float | None = None
    sample_size: int = 0
    status: Verdict = "pass"
    missing: list[str] = field(default_factory=list)  # what the stage's verdict lacks, in words
    reason: str = ""

    @property
    def failing_schools(self) -> list[SchoolResult]:
        return [s for s in self.schools if s.status == "fail"]

    @property
    def undecided_schools(self) -> list[SchoolResult]:
        return [s for s in self.schools if s.status == "incomplete"]

    @property
    def status_name(self) -> str:
        return VERDICT_NAMES[self.status]


@dataclass
class ItemResult:
    code: str
    group: str
    name: str
    source: str
    status: Status
    decided_by: Literal["data", "entered"]
    value: float | None = None
    threshold: float | None = None
    detail: str = ""
    failing: list[str] = field(default_factory=list)  # schools (or townships) that fail a per-unit item
    shortfall: dict[str, float] = field(default_factory=dict)  # school → what it lacks (rooms, places …)
    inputs: list[str] = field(default_factory=list)  # the data the item reads, in words
    missing: list[str] = field(default_factory=list)  # the inputs it lacks (why it is pending)
    display: Display = "auto"
    compare: Literal["ge", "le"] = "ge"

    @property
    def is_rate(self) -> bool:
        return self.display == "auto" and self.threshold is not None and 0 < self.threshold <= 1

    @property
    def status_name(self) -> str:
        if self.status != "pending":
            return STATUS_NAMES[self.status]
        return "无法评估" if self.decided_by == "data" and self.missing else "待录入"

    def text(self, v: float | None) -> str:
        """`v` as shown to people: a rate as a percentage, a ratio as 1:13.7, a count with separators."""
        if v is None:
            return ""
        if self.display == "ratio":
            return f"1:{v:g}" if float(v).is_integer() else f"1:{v:.1f}"
        if self.is_rate:  # two decimals, as the indicator pages show the same rate (103.04, 85)
            return f"{v * 100:,.2f}".rstrip("0").rstrip(".") + "%"
        return f"{v:,.0f}" if float(v).is_integer() else f"{v:,.2f}"


@dataclass
class Evaluation:
    kind: str
    name: str
    source: str
    unit: str
    year: int
    stages: dict[str, StageResult]
    items: list[ItemResult]
    indicators: list[dict[str, Any]]
    notes: list[str] = field(default_factory=list)
    province_file: str | None = None
    completeness: YearStatus | None = None
    missing_reports: list[str] = field(default_factory=list)  # schools that did not report, per table

    @property
    def data_complete(self) -> bool:
        return self.completeness is not None and self.completeness.complete

    @property
    def verdict(self) -> Verdict:
        if not self.data_complete:
            return "incomplete"
        parts = [s.status for s in self.stages.values()]
        parts += ["incomplete" if i.status == "pending" else i.status for i in self.items]
        return combine(parts)

    @property
    def verdict_name(self) -> str:
        return VERDICT_NAMES[self.verdict]

    @property
    def pending(self) -> list[ItemResult]:
        return [i for i in self.items if i.status == "pending"]

    @property
    def failing(self) -> list[str]:
        """The parts that fail, in words."""
        out = [
            f"{_stage_name(st)}：{s.reason or '未达标'}"
            for st, s in self.stages.items()
            if s.status == "fail"
        ]
        return out + [i.name for i in self.items if i.status == "fail"]

    @property
    def missing(self) -> list[str]:
        """Everything the verdict lacks: unreported schools, stages' missing values, undecided items."""
        out = []
        if self.completeness is None:
            out.append(f"{self.year} 学年没有任何学校报送统计数据")
        elif not self.completeness.complete:
            out.append(f"{self.year} 学年{self.completeness.label}：{self.completeness.detail}")
            out += self.missing_reports
        for stage, s in self.stages.items():
            out += [f"{_stage_name(stage)}：{m}" for m in s.missing]
        for i in self.pending:
            lacking = "；".join(i.missing) if i.missing else "尚未录入判定与佐证"
            out.append(f"{i.name}：{lacking}")
        return out

    @property
    def reason(self) -> str:
        """Why the verdict is what it is, in one sentence."""
        if self.verdict == "pass":
            return "各项输入齐全，各部分均达标"
        if self.verdict == "fail":
            parts = self.failing
            more = f"；另有 {len(self.missing)} 项无法评估或待录入" if self.missing else ""
            return f"已有 {len(parts)} 部分在完整数据上未达标：{'、'.join(parts[:5])}{more}"
        if not self.data_complete:
            label = self.completeness.label if self.completeness else "没有数据"
            return f"{self.year} 学年{label}：数据不完整时不作达标或未达标结论"
        return f"没有未达标的部分，但 {len(self.missing)} 项输入缺失或待录入，尚不能认定达标"

    def explanation(self) -> list[dict[str, Any]]:
        """Each part of the verdict with its status and the inputs it read (and lacks)."""
        parts: list[dict[str, Any]] = []
        for stage, s in self.stages.items():
            inputs = [f"{i['name']}（{'、'.join(i.get('inputs', []))}）" for i in self.indicators]
            parts.append({"part": stage, "name": f"{_stage_name(stage)}资源配置", "status": s.status,
                          "inputs": ["在校生数（分年级统计）", *inputs], "missing": s.missing})  # fmt: skip
        for i in self.items:
            status = "incomplete" if i.status == "pending" else i.status
            inputs = i.inputs or (["人工录入的判定与佐证"] if i.decided_by == "entered" else [])
            parts.append({"part": i.code, "name": i.name, "status": status, "inputs": inputs,
                          "missing": i.missing or ([] if i.status != "pending" else ["判定与佐证"])})  # fmt: skip
        return parts

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "kind": self.kind,
            "name": self.name,
            "source": self.source,
            "unit": self.unit,
            "year": self.year,
            "verdict": self.verdict,
            "verdict_label": self.verdict_name,
            "reason": self.reason,
            "data": None if self.completeness is None else self.completeness.as_json(),
            "missing": self.missing,
            # `complete`: nothing is pending (every item decided); the verdict still needs complete data.
            "complete": not self.pending,
            "pending": [i.code for i in self.pending],
            "indicators": self.indicators,
            "items": [_item_json(i) for i in self.items],
            "explanation": self.explanation(),
            "notes": self.notes,
            "province_file": self.province_file,
        }
        for stage, result in self.stages.items():
            data = asdict(result)
            data["schools"] = [_school_json(s) for s in result.schools]
            out[stage] = data
        return out


def _stage_name(stage: str) -> str:
    from eduplan.facts import STAGE_NAMES

    return STAGE_NAMES.get(stage, stage)


def _item_json(item: ItemResult) -> dict[str, Any]:
    data = asdict(item)
    data["status_label"] = item.status_name
    return data


def _school_json(school: SchoolResult) -> dict[str, Any]:
    # Each indicator both under "indicators" and at the top level, so `school[code]["met"]` also works.
    data = asdict(school)
    data.update(data["indicators"])
    return data
