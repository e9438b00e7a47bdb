"""The figures a 工作要点 draft may use, each with its source and calculation, from the pages' own results:
the plan's commitments and projects, last year's values, the places forecast and the 优质均衡 to-do list."""

from __future__ import annotations

import polars as pl

from eduplan.errors import EduplanError, NotFound
from eduplan.facts import STAGE_NAMES, Facts
from eduplan.forecast.report import places_report
from eduplan.monitoring.progress import committed_milestones
from eduplan.reports.numbers import num
from eduplan.reports.todo import resource_totals
from eduplan.reports.todo import schools as todo_schools
from eduplan.reports.workplan import Fact, IndicatorFacts, WorkplanData
from eduplan.web.forecast.views import _names as unit_names
from eduplan.web.plans import indicator_source
from eduplan.web.plans.models import Plan, Target
from eduplan.web.plans.services import TargetRow, cached_evaluation, label
from eduplan.web.reports import inputs
from eduplan.web.schools.models import OrgUnit


def workplan_facts(unit: str, year: int) -> WorkplanData:
    county = OrgUnit.objects.filter(code=unit, level="county").select_related("parent").first()
    if county is None:
        raise NotFound(f"没有县级区划 {unit}（工作要点按县起草）", english=f"no county {unit}")
    found = {"year": Fact(str(year), "年", "工作要点年度（命令参数 --year）", f"{year}年")} | names(county)
    plan = Plan.objects.filter(region_code=unit).order_by("status", "-period_start").first()
    data = inputs.region_facts(unit)
    origin = _origin(data, year)
    if plan is not None:
        found |= due_projects(plan, year)
    if data is not None and origin is not None:
        found |= places_needed(data, unit, origin, year, plan)
        found |= todo_facts(data, unit, origin)
    indicators = plan_indicators(plan, year) if plan is not None else []
    return WorkplanData(year, found, indicators)


def names(county: OrgUnit) -> dict[str, Fact]:
    """xx县 → the county; x市 → the county itself when it is a county-level city (南雄市), else its city."""
    source = "行政区划名录（组织单元）"
    out = {"county_name": Fact(county.name, "", source, f"区划代码 {county.code} 的名称")}
    if county.name.endswith("市"):
        out["city_name"] = Fact(county.name, "", source, f"{county.name}为县级市，“x市”取本市名称")
    elif county.parent is not None:
        out["city_name"] = Fact(
            county.parent.name, "", source, f"区划代码 {county.parent.code} 的名称（上级市）"
        )
    return out


def _origin(facts: Facts | None, year: int) -> int | None:
    """The latest year before the work plan's with enrolment data: last year's values and the forecast's start."""
    if facts is None:
        return None
    years = [int(y) for y in facts.grade_year["year"].unique().to_list() if int(y) < year]
    return max(years) if years else None


def due_projects(plan: Plan, year: int) -> dict[str, Fact]:
    due = [inputs.project_line(p) for p in plan.projects.filter(planned_year=year).exclude(status="dropped")]
    due = [p for p in due if p.total_places]
    if not due:
        return {}
    total = sum(p.total_places or 0 for p in due)
    parts = " + ".join(f"{p.name}{num(p.total_places, '个')}" for p in due)
    source = f"《{plan.name}》重点工程台账：计划{year}年建成的项目"
    return {"places_from_projects": Fact(float(total), "个", source, f"{parts} = {num(total, '个')}")}


def places_needed(facts: Facts, unit: str, origin: int, year: int, plan: Plan | None) -> dict[str, Fact]:
    """Places the forecast says are missing in `year`: the sum of every zone and stage's shortfall."""
    horizon = year - origin
    if not 1 <= horizon <= 10:
        return {}
    planned = inputs.plan_projects(plan, origin, set(facts.schools["code"].to_list()))[0] if plan else None
    try:
        report = places_report(facts, "zone", origin, horizon, planned)
    except EduplanError:
        return {}
    short = report.gaps.filter((pl.col("year") == year) & (pl.col("gap") > 0.5)).sort("gap", descending=True)
    if short.is_empty():
        return {}
    shown = unit_names(facts)
    total = float(round(short["gap"].sum()))
    parts = " + ".join(
        f"{shown.get(u, u)}{STAGE_NAMES[s]}{num(g, '个')}"
        for u, s, g in short.select("unit", "stage", "gap").iter_rows()
    )
    source = f"学位预测（以{origin}年为起点，按学区分学段预测在校生并对比学位）"
    return {
        "places_needed": Fact(total, "个", source, f"{year}年学位缺口：{parts}，合计约{num(total, '个')}")
    }


def todo_facts(facts: Facts, unit: str, origin: int) -> dict[str, Fact]:
    """Teachers, schools and rooms of the 优质均衡 to-do list of the last year with data."""
    todo = inputs.standards(facts, unit, origin).todo
    if todo is None or not todo.actions:
        return {}
    source = f"{origin}学年义务教育优质均衡整改清单（费用最少方案）"
    totals = resource_totals(todo)
    out = {}
    teachers = {k: v for k, v in totals.items() if k[1] == "人"}
    if teachers:
        n = sum(teachers.values())
        parts = " + ".join(f"{name}{num(v, '人')}" for (name, _), v in teachers.items())
        out["teachers_to_add"] = Fact(n, "人", source, f"{parts} = {num(n, '人')}（达标所需，未计自然减员）")
    rooms = sum(v for (_, u), v in totals.items() if u == "间")
    if rooms:
        out["rooms_to_add"] = Fact(
            rooms, "间", source, f"各校音乐、美术专用教室缺口之和 = {num(rooms, '间')}"
        )
    n_schools = todo_schools(todo)
    out["schools_to_standard"] = Fact(
        float(n_schools), "所", source, f"清单中有整改项目的学校 {n_schools} 所"
    )
    return out


def plan_indicators(plan: Plan, year: int) -> list[IndicatorFacts]:
    """Each region-wide target's names, its commitment for `year` and its value the year before."""
    known = indicator_source.catalogue()
    out = []
    for row in cached_evaluation(plan).rows:
        t = row.target
        if t.scope != Target.Scope.REGION or t.unit != "%":
            continue
        info = known.get(t.indicator_code)
        names = tuple(dict.fromkeys([t.indicator_text, *((info.name, *info.aliases) if info else ())]))
        out.append(IndicatorFacts(names, commitment(row, plan, year), last_value(row, year)))
    return out


def commitment(row: TargetRow, plan: Plan, year: int) -> Fact | None:
    t, target = row.target, row.judgement.target_value
    source = f"《{plan.name}》目标：{label(t)}{t.comparator_symbol}{num(target, t.unit)}（{t.target_year}年）"
    milestone = committed_milestones(row.spec, [year]).get(year)
    if milestone is not None:
        return Fact(round(milestone, 2), "%", source, f"规划确定的{year}年里程碑为{num(milestone, '%')}")
    if target is not None and (t.target_year == year or (t.recurrence and year <= t.target_year)):
        why = "每年考核目标" if t.recurrence else f"目标年{year}年的目标值"
        return Fact(target, "%", source, f"{why}{num(target, '%')}")
    return None


def last_value(row: TargetRow, year: int) -> Fact | None:
    value = dict(row.series).get(year - 1)
    if value is None:
        return None
    how = "手工填报" if row.source == "manual" else "统计数据计算"
    return Fact(
        round(value, 2),
        "%",
        f"{year - 1}年{label(row.target)}（{how}）",
        f"{year - 1}年实际值{num(value, '%')}",
    )
