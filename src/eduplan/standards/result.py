"""What an evaluation returns: plain dataclasses with a JSON form (the shape the CLI and API print)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Status = Literal["pass", "fail", "pending"]
STATUS_NAMES = {"pass": "达标", "fail": "未达标", "pending": "待录入"}


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

    @property
    def failing_schools(self) -> list[SchoolResult]:
        return [s for s in self.schools if not s.passed]


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
    failing: list[str] = field(default_factory=list)  # schools that fail a per-school item
    shortfall: dict[str, float] = field(default_factory=dict)  # school → rooms to equip (music_art_rooms)

    @property
    def is_rate(self) -> bool:
        return self.threshold is not None and 0 < self.threshold <= 1

    def text(self, v: float | None) -> str:
        """`v` as shown to people: a rate as a percentage, a whole number without decimals."""
        if v is None:
            return ""
        if self.is_rate:
            return f"{v:.1%}"
        return f"{v:.0f}" if float(v).is_integer() else f"{v:.2f}"


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

    @property
    def verdict(self) -> Literal["pass", "fail"]:
        failed = any(not s.passed for s in self.stages.values()) or any(
            i.status == "fail" for i in self.items
        )
        return "fail" if failed else "pass"

    @property
    def pending(self) -> list[ItemResult]:
        return [i for i in self.items if i.status == "pending"]

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "kind": self.kind,
            "name": self.name,
            "source": self.source,
            "unit": self.unit,
            "year": self.year,
            "verdict": self.verdict,
            # The verdict covers what the data and the entered items decide; pending items still need evidence.
            "complete": not self.pending,
            "pending": [i.code for i in self.pending],
            "indicators": self.indicators,
            "items": [asdict(i) for i in self.items],
            "notes": self.notes,
            "province_file": self.province_file,
        }
        for stage, result in self.stages.items():
            data = asdict(result)
            data["schools"] = [_school_json(s) for s in result.schools]
            out[stage] = data
        return out


def _school_json(school: SchoolResult) -> dict[str, Any]:
    # Each indicator both under "indicators" and at the top level, so `school[code]["met"]` also works.
    data = asdict(school)
    data.update(data["indicators"])
    return data
