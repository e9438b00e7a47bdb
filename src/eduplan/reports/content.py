"""What the reports are made of: the results the shell hands in, one dataclass per kind of result.

Targets and projects come from the plan (the shell converts its rows); the national evaluations, the to-do list,
the places forecast, the warnings and the completeness of the data are the core's own result types.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import polars as pl

from eduplan.forecast.report import PlacesReport
from eduplan.indicators.completeness import YearStatus
from eduplan.monitoring.warnings import Warning
from eduplan.reports.numbers import num
from eduplan.standards.gaps import Plan as TodoPlan
from eduplan.standards.result import Evaluation

COMPARATOR_WORDS = {"ge": "≥", "le": "≤", "eq": "=", "range": "", "change": ""}
STAGE_PLACES = ("preschool", "primary", "junior", "senior")


@dataclass(frozen=True)
class TargetLine:
    """One plan target with its judgement (`eduplan.monitoring.progress.Judgement`) as the reports show it."""

    number: int
    label: str  # the indicator with its scope when narrower than the region: 学前三年毛入园率（农村）
    unit: str
    comparator: str
    target_value: float | None  # the value to reach (a change target's end value)
    target_year: int
    status: str
    attribute: str = ""  # 约束性 / 预期性 / "" when the plan does not say
    value_high: float | None = None
    step: float | None = None  # a change target's yearly change
    baseline_value: float | None = None
    baseline_year: int | None = None
    latest_value: float | None = None
    latest_year: int | None = None
    ratio: float | None = None
    forecast_value: float | None = None
    milestone_value: float | None = None  # where the plan's path stands in the latest year
    milestones_missed: tuple[int, ...] = ()
    years_met: tuple[int, ...] = ()
    recurrence: bool = False
    source: str = "computed"  # computed, manual or none
    reason: str = ""
    office: str = ""
    series: tuple[tuple[int, float], ...] = ()

    def value(self, v: float | None) -> str:
        return num(v, self.unit)

    def missed_text(self) -> str:
        """2023、2024年未达到年度目标（2024年应为54%）."""
        if not self.milestones_missed:
            return ""
        text = f"{'、'.join(map(str, self.milestones_missed))}年未达到年度目标"
        if self.milestone_value is not None and self.latest_year in self.milestones_missed:
            text += f"（{self.latest_year}年应为{self.value(self.milestone_value)}）"
        return text

    def target_text(self) -> str:
        """≥96%, 95%—98%, 每年+2个百分点（至60%）, 每年≥10%."""
        if self.comparator == "range" and self.value_high is not None:
            text = f"{self.value(self.target_value)}—{self.value(self.value_high)}"
        elif self.comparator == "change" and self.step is not None:
            step = f"{self.step:+g}{'个百分点' if self.unit == '%' else self.unit}"
            text = f"每年{step}（至{self.value(self.target_value)}）"
        else:
            text = COMPARATOR_WORDS.get(self.comparator, "") + self.value(self.target_value)
        return ("每年" + text) if self.recurrence else text


@dataclass(frozen=True)
class ProjectLine:
    name: str
    kind: str  # 新建 / 改扩建 / 配建
    status: str  # planned, building, done, dropped
    status_label: str
    places: dict[str, int] = field(default_factory=dict)  # stage → places added
    budget: float | None = None  # 万元
    planned_year: int | None = None
    actual_year: int | None = None
    school: str = ""  # the school's code when the project extends an existing school

    @property
    def total_places(self) -> int | None:
        return sum(self.places.values()) if self.places else None

    def overdue(self, as_of: int) -> bool:
        """Planned to be finished before `as_of` and still not built."""
        late = self.planned_year is not None and self.planned_year < as_of
        return late and self.status not in ("done", "dropped")


@dataclass(frozen=True)
class Standards:
    """The national evaluations of the county in the report's year, and the 优质均衡 to-do list."""

    balanced: Evaluation | None = None
    preschool: Evaluation | None = None
    todo: TodoPlan | None = None
    errors: dict[str, str] = field(default_factory=dict)  # kind → why it could not be run


@dataclass(frozen=True)
class Places:
    """The places forecast from the report's year, with the display names of its units."""

    report: PlacesReport
    names: dict[str, str]
    method: str
    unplaced: tuple[str, ...] = ()  # plan projects with places that could not be placed in a zone

    def name(self, unit: str) -> str:
        return self.names.get(unit, unit)

    def alerts(self) -> pl.DataFrame:
        """Red and amber units, most urgent first, then the largest gap."""
        w = self.report.warnings.filter(
            pl.col("level").is_in(["red", "amber"]) & pl.col("stage").is_in(list(STAGE_PLACES))
        )
        return w.sort(["first_shortfall", "max_gap"], descending=[False, True])


@dataclass(frozen=True)
class ReportInputs:
    """Everything the 中期评估 report states, computed by the shell for one plan and one year."""

    region_code: str
    region_name: str
    plan_name: str
    period: tuple[int, int]
    as_of: int
    issued: date
    targets: list[TargetLine]
    projects: list[ProjectLine] = field(default_factory=list)
    warnings: list[Warning] = field(default_factory=list)
    standards: Standards = field(default_factory=Standards)
    places: Places | None = None
    completeness: YearStatus | None = None
    source_document: str = ""

    @property
    def final(self) -> bool:
        """A final (终期) evaluation once the plan period is over."""
        return self.as_of >= self.period[1]
