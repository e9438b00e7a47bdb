"""The county after a rotation plan: its school_year counts with the moves made, and the 优质均衡 teacher
indicators (教督〔2017〕6号) before and after, computed by the standards area itself."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from typing import Any

import polars as pl

from eduplan.errors import EduplanError
from eduplan.facts import Facts
from eduplan.io.rules import QUALIFICATIONS
from eduplan.staffing.plan import Plan

TEACHER_INDICATORS = ("teachers_above_degree", "teachers_backbone", "teachers_pe_arts")
QUALIFICATION_COLUMN = dict(
    zip(("postgrad", "bachelor", "college", "secondary"), QUALIFICATIONS, strict=True)
)


def facts_after(facts: Facts, plan: Plan) -> Facts:
    """`facts` with the plan year's school_year counts moved with the teachers, and the plan as the year's
    rotation (交流轮岗人数, 骨干, 符合交流条件 per school by the plan's rules)."""
    p = plan.problem
    year = p.year
    people = {r["teacher"]: r for r in p.candidates.iter_rows(named=True)}
    delta: Counter[tuple[str, str]] = Counter()
    for m in plan.moves:
        columns = _columns(m.subject, m.backbone is not None, people[m.teacher].get("qualification"))
        for column in columns:
            delta[(m.from_school, column)] -= 1
            delta[(m.to_school, column)] += 1
        delta[(m.from_school, "teachers_rotated")] += 1
        delta[(m.from_school, "backbone_rotated")] += int(m.backbone is not None)
    eligible = Counter(r["school"] for r in people.values() if not r["locked"])
    rows = []
    for row in facts.school_year.filter(pl.col("year") == year).iter_rows(named=True):
        code = row["school"]
        if code in set(p.schools["code"]):
            row = dict(
                row, teachers_rotated=0, backbone_rotated=0, teachers_rotation_eligible=eligible.get(code, 0)
            )
        for (school, column), change in delta.items():
            if school == code and row.get(column) is not None:
                row[column] = row[column] + change
        rows.append(row)
    others = facts.school_year.filter(pl.col("year") != year)
    changed = (
        pl.DataFrame(rows, schema=facts.school_year.schema, orient="row")
        if rows
        else facts.school_year.clear()
    )
    return replace(facts, school_year=pl.concat([others, changed]))


def _columns(subject: str, backbone: bool, qualification: str | None) -> list[str]:
    out = ["teachers", "staff"]
    if subject == "pe":
        out.append("teachers_pe")
    if subject in ("music", "art"):
        out.append("teachers_arts")
    if backbone:
        out.append("teachers_backbone")
    if qualification in QUALIFICATION_COLUMN:
        out.append(QUALIFICATION_COLUMN[qualification])
    return out


def balanced_teachers(facts: Facts, plan: Plan) -> dict[str, Any]:
    """The three teacher indicators' CVs, the schools meeting each threshold, and the rotation item, before
    and after the plan; an empty mapping with `error` when the evaluation cannot run."""
    from eduplan.standards import evaluate

    p = plan.problem
    try:
        before = evaluate("balanced", facts, p.unit, p.year)
        after = evaluate("balanced", facts_after(facts, plan), p.unit, p.year)
    except EduplanError as exc:
        return {"error": exc.message}
    return {"before": _summary(before), "after": _summary(after)}


def _summary(result: Any) -> dict[str, Any]:
    stages = {}
    for stage, s in result.stages.items():
        stages[stage] = {
            code: {
                "cv": s.cv.get(code),
                "limit": s.cv_limit,
                "met": sum(1 for school in s.schools if school.indicators[code].met),
                "schools": len(s.schools),
            }
            for code in TEACHER_INDICATORS
        }
    rotation = next((i for i in result.items if i.code == "rotation"), None)
    return {
        "stages": stages,
        "rotation": None
        if rotation is None
        else {"status": rotation.status, "value": rotation.value, "detail": rotation.detail},
    }
