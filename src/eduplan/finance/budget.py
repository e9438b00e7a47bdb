"""Per county and year the two 只增不减 tests and 教师工资 parity; and what the plan's commitments will cost.

The tests (data/budget.yaml gives each its source): 一般公共预算教育支出 not below the year before; the same per
student (spending ÷ the students it covers) not below the year before; 义务教育 teachers' average pay not below
the local civil servants'. A test whose figures are missing is undecided (None); a year passes when every test
passes, fails when any fails, and is 无法评估 otherwise.

The cost of the plan (unit costs in data/unit_costs.yaml, editable per county): the 优质均衡 to-do list, the
places the forecast says are missing by stage and year, the classrooms that end 大班额, against the budgets of the
plan's projects.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import polars as pl
import yaml

from eduplan.facts import STAGE_NAMES
from eduplan.standards.gaps import Plan

VERDICT_NAMES = {"pass": "达标", "fail": "未达标", "unknown": "无法评估"}
PLACE_STAGES = ("preschool", "primary", "junior", "senior")
TOLERANCE = 1e-6


@cache
def _data(name: str) -> dict[str, Any]:
    text = resources.files(__package__).joinpath("data", f"{name}.yaml").read_text("utf-8")
    data: dict[str, Any] = yaml.safe_load(text)
    return data


def sources() -> dict[str, Any]:
    """The tests' names, sources and quotes (data/budget.yaml)."""
    return _data("budget")


# ---------------------------------------------------------------------------------------------- county tests


@dataclass(frozen=True)
class Test:
    code: str  # spending, per_student, pay_parity
    name: str
    value: float | None  # this year's figure
    reference: float | None  # the year before's (只增不减) or the civil servants' pay (parity)
    passed: bool | None  # None: a figure is missing

    @property
    def verdict(self) -> str:
        return "unknown" if self.passed is None else ("pass" if self.passed else "fail")


@dataclass(frozen=True)
class CountyYear:
    county: str
    year: int
    spending: float | None  # 万元
    students: int | None
    per_student: float | None  # 元
    surcharge: float | None  # 万元
    budget_share: float | None  # education over all 一般公共预算支出
    gdp_share: float | None
    tests: tuple[Test, ...]

    @property
    def verdict(self) -> str:
        results = [t.passed for t in self.tests]
        if False in results:
            return "fail"
        return "pass" if all(r is True for r in results) else "unknown"

    def test(self, code: str) -> Test:
        return next(t for t in self.tests if t.code == code)

    def nondecreasing(self) -> dict[str, bool | None]:
        return {code: self.test(code).passed for code in ("spending", "per_student")}

    def to_json(self) -> dict[str, Any]:
        return {
            "county": self.county,
            "year": self.year,
            "spending": self.spending,
            "students": self.students,
            "per_student": self.per_student,
            "nondecreasing": self.nondecreasing(),
            "previous": {
                "spending": self.test("spending").reference,
                "per_student": self.test("per_student").reference,
            },
            "pay_parity": self.test("pay_parity").passed,
            "teacher_pay": self.test("pay_parity").value,
            "civil_servant_pay": self.test("pay_parity").reference,
            "surcharge": self.surcharge,
            "budget_share": self.budget_share,
            "gdp_share": self.gdp_share,
            "verdict": self.verdict,
            "verdict_name": VERDICT_NAMES[self.verdict],
        }


def _at_least(value: float | None, reference: float | None) -> bool | None:
    if value is None or reference is None:
        return None
    return value >= reference - TOLERANCE


def _ratio(part: float | None, whole: float | None, scale: float = 1.0) -> float | None:
    return None if part is None or not whole else round(part * scale / whole, 6)


def county_years(county_finance: pl.DataFrame, county: str) -> list[CountyYear]:
    """Every year of `county` in `county_finance`, oldest first, with its three tests."""
    names = sources()["nondecreasing"]["tests"]
    pay_name = sources()["pay_parity"]["name"]
    rows = {r["year"]: r for r in county_finance.filter(pl.col("county") == county).iter_rows(named=True)}
    out = []
    for year in sorted(rows):
        r, before = rows[year], rows.get(year - 1, {})
        per = _ratio(r["education_spending"], r["students"], 1e4)
        per_before = _ratio(before.get("education_spending"), before.get("students"), 1e4)
        per, per_before = (None if v is None else round(v, 2) for v in (per, per_before))
        spending, spent_before = r["education_spending"], before.get("education_spending")
        tests = (
            Test("spending", names["spending"], spending, spent_before, _at_least(spending, spent_before)),
            Test("per_student", names["per_student"], per, per_before, _at_least(per, per_before)),
            Test("pay_parity", pay_name, r["teacher_pay"], r["civil_servant_pay"],
                 _at_least(r["teacher_pay"], r["civil_servant_pay"])),
        )  # fmt: skip
        out.append(
            CountyYear(
                county,
                year,
                spending,
                r["students"],
                per,
                r["education_surcharge"],
                _ratio(spending, r["total_spending"]),
                _ratio(spending, r["gdp"]),
                tests,
            )
        )
    return out


# ---------------------------------------------------------------------------------------------- unit costs


@dataclass(frozen=True)
class UnitCost:
    key: str
    label: str
    unit: str
    value: float
    origin: str  # 本系统设定, 督导评估单价 or who changed it


def unit_costs(
    shared: Mapping[str, float], edits: Mapping[str, tuple[float, str]] | None = None
) -> dict[str, UnitCost]:
    """Every unit cost: ours (data/unit_costs.yaml), the standards' shared ones, each replaced by a county's edit
    (key -> (value, who and when))."""
    data, edits = _data("unit_costs"), edits or {}
    out = {}
    for key, c in data["costs"].items():
        out[key] = UnitCost(key, c["label"], c["unit"], float(c["value"]), "本系统设定")
    for key, c in data["shared"].items():
        if key in shared:
            out[key] = UnitCost(key, c["label"], c["unit"], float(shared[key]), "与督导评估整改清单共用")
    for key, (value, who) in edits.items():
        if key in out:
            out[key] = UnitCost(key, out[key].label, out[key].unit, float(value), who)
    return out


def large_class_max() -> int:
    return int(_data("unit_costs")["large_class_max"])


# ---------------------------------------------------------------------------------------------- plan cost


@dataclass(frozen=True)
class CostLine:
    group: str  # 优质均衡整改, 学位缺口, 消除大班额
    item: str
    year: int
    quantity: float
    unit: str
    unit_cost: float
    cost: float
    note: str = ""


@dataclass(frozen=True)
class ProjectBudget:
    name: str
    kind: str
    status: str
    year: int | None
    places: Mapping[str, int]
    budget: float | None  # 元
    estimate: float | None  # 元: its places at the unit costs; None when it adds no places
    status_name: str = ""

    @property
    def difference(self) -> float | None:
        """Budget minus estimate: negative when the budget falls short."""
        return None if self.budget is None or self.estimate is None else self.budget - self.estimate


@dataclass
class PlanCost:
    origin: int
    lines: list[CostLine]
    projects: list[ProjectBudget]
    residual: list[CostLine]  # places still missing at the horizon once the projects are built
    costs: dict[str, UnitCost]
    notes: list[str] = field(default_factory=list)

    @property
    def need(self) -> float:
        return sum(line.cost for line in self.lines)

    @property
    def budgeted(self) -> float:
        return sum(p.budget or 0.0 for p in self.projects)

    @property
    def unbudgeted(self) -> float:
        """What no budget covers yet: the to-do list and 大班额 classrooms (no project carries them), the places
        still missing once the projects are built, and each project's estimate beyond its budget."""
        uncovered = sum(line.cost for line in self.lines if line.group != "学位缺口")
        uncovered += sum(line.cost for line in self.residual)
        short = [
            (p.estimate or 0.0) - (p.budget or 0.0)
            for p in self.projects
            if p.status not in ("done", "dropped")
        ]
        return uncovered + sum(max(0.0, d) for d in short)

    def by_year(self) -> dict[int, float]:
        out: dict[int, float] = {}
        for line in self.lines:
            out[line.year] = out.get(line.year, 0.0) + line.cost
        return dict(sorted(out.items()))

    def by_group(self) -> dict[str, float]:
        out: dict[str, float] = {}
        for line in self.lines:
            out[line.group] = out.get(line.group, 0.0) + line.cost
        return out


# To-do items the plan cost counts its own way: the places of oversized schools (the forecast's place lines).
OWN_LINES = ("school_size",)


def todo_lines(todo: Plan, year: int) -> list[CostLine]:
    """The 优质均衡 to-do list summed by resource (its costs are made with the county's unit costs). Its places
    for oversized schools are left to the forecast's place lines (counting both would count them twice), and
    the work it does not cost (classes to add, certificates) is not a cost line."""
    grouped: dict[tuple[str, str], list[float]] = {}
    for a in (a for a in todo.actions if a.costed and a.indicator not in OWN_LINES):
        quantity, cost = grouped.setdefault((a.resource, a.unit), [0.0, 0.0])
        grouped[a.resource, a.unit] = [quantity + a.amount, cost + a.cost]
    return [
        CostLine("优质均衡整改", resource, year, round(q, 2), unit, round(c / q, 2) if q else 0.0, round(c, 2),
                 f"{sum(1 for a in todo.actions if a.resource == resource)} 项")
        for (resource, unit), (q, c) in sorted(grouped.items())
    ]  # fmt: skip


def places_needed(gaps: pl.DataFrame) -> pl.DataFrame:
    """stage, year, needed (whole places missing by then: the running maximum of the shortfall), new (added
    that year)."""
    return (
        gaps.filter(pl.col("stage").is_in(PLACE_STAGES))
        .group_by("stage", "year")
        .agg(pl.col("gap").sum())
        .sort("stage", "year")
        .with_columns(pl.col("gap").clip(0).ceil().cum_max().over("stage").cast(pl.Int64).alias("needed"))
        .with_columns((pl.col("needed") - pl.col("needed").shift(1, fill_value=0).over("stage")).alias("new"))
        .select("stage", "year", "needed", "new")
    )


def place_lines(needed: pl.DataFrame, costs: Mapping[str, UnitCost]) -> list[CostLine]:
    out = []
    for r in needed.filter(pl.col("new") > 0).iter_rows(named=True):
        c = costs[f"place_{r['stage']}"]
        out.append(CostLine("学位缺口", c.label, r["year"], float(r["new"]), "个", c.value, r["new"] * c.value,
                            f"预测至 {r['year']} 年累计缺 {r['needed']} 个"))  # fmt: skip
    return out


def residual_lines(
    needed: pl.DataFrame, projects: Sequence[ProjectBudget], costs: Mapping[str, UnitCost], origin: int
) -> list[CostLine]:
    """Per stage, the places still missing in the last year once the projects not yet built and due by then add
    theirs (finished projects are already in the statistics' places; dropped ones add nothing)."""
    due = [p for p in projects if p.status not in ("done", "dropped")]
    out = []
    for stage, part in needed.group_by("stage", maintain_order=True):
        last = part.sort("year").row(-1, named=True)
        built = sum(p.places.get(str(stage[0]), 0) for p in due if (p.year or origin) <= last["year"])
        missing = max(0, last["needed"] - built)
        if missing:
            c = costs[f"place_{stage[0]}"]
            out.append(CostLine("项目建成后仍缺学位", c.label, last["year"], float(missing), "个", c.value,
                                missing * c.value, f"缺 {last['needed']} 个，规划项目提供 {built} 个"))  # fmt: skip
    return out


def large_class_lines(grade_year: pl.DataFrame, year: int, cost: UnitCost, max_size: int) -> list[CostLine]:
    """Classrooms that bring every class of `year` down to `max_size` pupils, per stage, in the year after."""
    rows = grade_year.filter(
        (pl.col("year") == year)
        & ((pl.col("classes_56_65").fill_null(0) + pl.col("classes_66_plus").fill_null(0)) > 0)
    )
    extra = (
        rows.with_columns(
            ((pl.col("enrollment") / max_size).ceil() - pl.col("classes")).clip(0).alias("extra")
        )
        .group_by("stage")
        .agg(pl.col("extra").sum(), pl.col("school").n_unique().alias("schools"))
    )
    return [
        CostLine("消除大班额", f"{STAGE_NAMES.get(r['stage'], r['stage'])}{cost.label}", year + 1, float(r["extra"]),
                 "间", cost.value, r["extra"] * cost.value, f"{r['schools']} 所学校，每班不超过 {max_size} 人")
        for r in extra.filter(pl.col("extra") > 0).sort("stage").iter_rows(named=True)
    ]  # fmt: skip


def project_budgets(
    projects: Iterable[Mapping[str, Any]], costs: Mapping[str, UnitCost]
) -> list[ProjectBudget]:
    """The plan's projects with their budget (元) against the cost of the places they add."""
    out = []
    for p in projects:
        places = {s: int(p.get(f"places_{s}") or 0) for s in PLACE_STAGES}
        estimate = (
            sum(n * costs[f"place_{s}"].value for s, n in places.items()) if any(places.values()) else None
        )
        budget = p.get("budget")
        out.append(
            ProjectBudget(str(p["name"]), str(p.get("kind", "")), str(p.get("status", "")),
                          p.get("actual_year") or p.get("planned_year"), places,
                          None if budget is None else float(budget), estimate, str(p.get("status_name", "")))
        )  # fmt: skip
    return out


def plan_cost(
    origin: int,
    todo: Plan | None,
    gaps: pl.DataFrame,
    grade_year: pl.DataFrame,
    projects: Iterable[Mapping[str, Any]],
    costs: dict[str, UnitCost],
) -> PlanCost:
    """Everything the plan's commitments cost from the year after `origin`, against the projects' budgets.

    `todo`: the 优质均衡 to-do list of `origin` (None when it could not be made); `gaps`: the county's places
    forecast (stage, year, gap) without the projects; `projects`: dicts of plans.Project's fields, budget in 元.
    """
    lines = todo_lines(todo, origin + 1) if todo is not None else []
    needed = places_needed(gaps)
    lines += place_lines(needed, costs)
    lines += large_class_lines(grade_year, origin, costs["classroom"], large_class_max())
    budgets = project_budgets(projects, costs)
    notes = [] if todo is not None else ["优质均衡整改清单无法生成（见督导评估页面），未计入"]
    if todo is not None and not todo.passes_after:
        notes.append("整改清单完成后仍有学校或差异系数未达标（多为数据缺失），其费用未全部计入")
    return PlanCost(origin, lines, budgets, residual_lines(needed, budgets, costs, origin), costs, notes)
