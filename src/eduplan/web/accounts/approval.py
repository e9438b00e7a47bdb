"""Data approval per (county, school year), DHIS2's chain for our hierarchy: schools submit → the county
approves → the city accepts. Submitted data of a school, and all data of an approved county-year, are locked:
the store refuses to write them (`check_unlocked`, run by every save) and edits are refused with the reason.
A county reopens approved data, a city hands accepted data back, each with a written reason, recorded."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import polars as pl
from django.db import transaction

from eduplan.errors import DataError
from eduplan.facts import Facts
from eduplan.store import versions
from eduplan.web.accounts.models import Approval, ApprovalStep
from eduplan.web.accounts.units import Places, county_code
from eduplan.web.schools.models import School

State = Approval.State
LOCKING = (State.APPROVED, State.ACCEPTED)
UNIT_COLUMNS = ("school", "township", "county", "unit")  # the column naming the unit of a yearly fact row


@dataclass(frozen=True)
class Step:
    label: str
    level: str  # the unit it applies to: 'school' or 'county'
    right: str  # the action (access.can) it needs
    before: tuple[str, ...]
    after: str
    needs_reason: bool = False


STEPS: dict[str, Step] = {
    "submit": Step("提交", "school", "submit", (State.OPEN,), State.SUBMITTED),
    "return": Step("退回学校", "school", "approve", (State.SUBMITTED,), State.OPEN, needs_reason=True),
    "approve": Step("审核通过", "county", "approve", (State.OPEN,), State.APPROVED),
    "reopen": Step("撤销审核", "county", "approve", (State.APPROVED,), State.OPEN, needs_reason=True),
    "accept": Step("确认", "county", "accept", (State.APPROVED,), State.ACCEPTED),
    "unaccept": Step("退回县级", "county", "accept", (State.ACCEPTED,), State.APPROVED, needs_reason=True),
}


def state_of(unit: str, year: int) -> str:
    return Approval.objects.filter(unit=unit, year=year).values_list("state", flat=True).first() or State.OPEN


def _county_of(unit: str) -> str | None:
    """The county of an org unit or school code (None above county level or when unknown)."""
    place = Places().get(unit)
    return county_code(place) if place is not None else None


def lock_reason(code: str, year: int) -> str | None:
    county = _county_of(code)
    if county is not None:
        state = state_of(county, year)
        if state in LOCKING:
            return (f"{county} {year} 学年的数据{State(state).label}，已锁定。如需修改，请县教育局先撤销审核"
                    "（须写明理由）")  # fmt: skip
    if state_of(code, year) == State.SUBMITTED:
        return f"学校 {code} {year} 学年的数据已提交，已锁定。如需修改，请县教育局退回（须写明理由）"
    return None


def status_text(county: str, year: int | None) -> str:
    if year is None:
        return ""
    state = state_of(county, year)
    if state != State.OPEN:
        return f"{year} 学年数据：{State(state).label}"
    schools = School.objects.filter(township__code__startswith=county).values("code")
    submitted = Approval.objects.filter(unit__in=schools, year=year, state=State.SUBMITTED).count()
    return f"{year} 学年数据：未经审核（{submitted} 所学校已提交）"


def check_unlocked(facts: Facts) -> None:
    """Refuse a save that touches locked data: every yearly row of a school, township or unit whose
    (county, year) is approved or accepted, or whose school-year is submitted. Run by the store's save."""
    locks = list(Approval.objects.exclude(state=State.OPEN).values_list("unit", "year", "state"))
    if not locks:
        return
    pairs: set[tuple[str, int]] = set()
    for frame in facts.frames().values():
        column = next((c for c in UNIT_COLUMNS if c in frame.columns), None)
        if column is None or "year" not in frame.columns or frame.height == 0:
            continue
        unique = frame.select(pl.col(column).cast(pl.String), pl.col("year")).unique().drop_nulls()
        pairs.update((str(u), int(y)) for u, y in unique.iter_rows())
    if not pairs:
        return
    schools = dict(
        School.objects.filter(code__in={u for u, _ in pairs}).values_list("code", "township__code")
    )
    county_locks = {(u, y): s for u, y, s in locks if s in LOCKING}
    school_locks = {(u, y) for u, y, s in locks if s == State.SUBMITTED}
    found: list[str] = []
    for unit, year in sorted(pairs):
        county = (schools.get(unit) or unit)[:6]
        if (county, year) in county_locks:
            found.append(f"{county} {year} 学年（{State(county_locks[county, year]).label}）")
        elif (unit, year) in school_locks:
            found.append(f"学校 {unit} {year} 学年（已提交）")
    if found:
        shown = sorted(set(found))
        raise DataError(
            f"数据已审核锁定，未写入任何数据：{'、'.join(shown[:5])}{' 等' if len(shown) > 5 else ''}。"
            "如需修改，请先撤销审核或退回（须写明理由）",
            english=f"locked data: {shown[:5]}",
        )


def transition(user: Any, unit: str, year: int, action: str, reason: str = "") -> str:
    """Move (unit, year) one step along the chain; returns the new state. Raises DataError on a refused step
    (PermissionDenied when the user lacks the right)."""
    from django.core.exceptions import PermissionDenied

    from eduplan.web import access

    step = STEPS.get(action)
    if step is None:
        raise DataError(f"未知的审核操作：{action}", english=f"unknown approval action {action}")
    if not access.can(user, unit, step.right):  # type: ignore[arg-type]
        raise PermissionDenied(f"无权对 {unit} 执行“{step.label}”")
    is_school = School.objects.filter(code=unit).exists()
    if is_school != (step.level == "school"):
        raise DataError(f"“{step.label}”只适用于{'学校' if step.level == 'school' else '县'}",
                        english=f"{action} applies to a {step.level}")  # fmt: skip
    reason = reason.strip()
    if step.needs_reason and not reason:
        raise DataError(f"“{step.label}”须写明理由", english=f"{action} needs a reason")
    with transaction.atomic():
        before = state_of(unit, year)
        if before not in step.before:
            raise DataError(f"{unit} {year} 学年当前为“{State(before).label}”，不能{step.label}",
                            english=f"{action} not allowed from {before}")  # fmt: skip
        if step.level == "school" and (county := _county_of(unit)) and state_of(county, year) in LOCKING:
            raise DataError(
                f"{county} {year} 学年已审核，不能再{step.label}", english="county already approved"
            )
        Approval.objects.update_or_create(
            unit=unit, year=year, defaults={"state": step.after, "changed_by": user.get_username()}
        )
        versions.bump(versions.scopes_of("approvals", [pl.DataFrame({"unit": [unit], "year": [year]})]))
        ApprovalStep.objects.create(unit=unit, year=year, action=action, before=before, after=step.after,
                                    reason=reason, by=user.get_username())  # fmt: skip
        access.audit(
            None, f"approval_{action}", unit, year=year, before=before, after=step.after, reason=reason
        )
    return step.after
