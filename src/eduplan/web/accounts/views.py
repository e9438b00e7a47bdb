"""The approval page (submit, approve, accept, reopen with a reason) and the audit trail (audit role only)."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from eduplan.errors import EduplanError
from eduplan.web import access
from eduplan.web.accounts.approval import STEPS, State
from eduplan.web.accounts.models import Approval, ApprovalStep, AuditEvent
from eduplan.web.downloads import CSV, attachment
from eduplan.web.schools.models import GradeYear, School

AUDIT_PAGE = 100
AUDIT_COLUMNS = {"at": "时间", "username": "用户", "roles": "角色", "unit": "单位", "event": "事件",
                 "address": "来源地址", "path": "网址或命令", "detail": "详情"}  # fmt: skip


def _states(units: list[str], years: list[int]) -> dict[tuple[str, int], str]:
    rows = Approval.objects.filter(unit__in=units, year__in=years).values_list("unit", "year", "state")
    return {(u, y): s for u, y, s in rows}


def _actions(request: HttpRequest, unit: str, state: str, level: str) -> list[tuple[str, str, bool]]:
    """(action, label, needs reason) of the steps the user may take on (unit, state)."""
    return [
        (name, step.label, step.needs_reason)
        for name, step in STEPS.items()
        if step.level == level and state in step.before and access.can(request.user, unit, step.right)  # type: ignore[arg-type]
    ]


def approval(request: HttpRequest) -> HttpResponse:
    """`/access/approval/`: a county's school years with their state and the steps the user may take; the
    schools' submissions of one year. A school filler sees the years of their own schools."""
    county = access.county_of(request)
    if county is None:
        return _school_approval(request)
    schools = list(School.objects.filter(township__code__startswith=county.code).order_by("code"))
    years = sorted(
        set(GradeYear.objects.filter(school__in=schools).values_list("year", flat=True)), reverse=True
    )
    asked = access.int_param(request, "year")
    year: int | None = asked if asked in years else (years[0] if years else None)
    states = _states([county.code], years)
    rows = []
    for y in years:
        state = states.get((county.code, y), State.OPEN)
        rows.append(
            {
                "year": y,
                "state": State(state).label,
                "actions": _actions(request, county.code, state, "county"),
            }
        )
    submitted = _states([s.code for s in schools], [year] if year else [])
    school_rows = []
    for s in schools:
        state = submitted.get((s.code, year or 0), State.OPEN)
        school_rows.append(
            {"school": s, "state": State(state).label, "actions": _actions(request, s.code, state, "school")}
        )
    units = [county.code, *(s.code for s in schools)]
    context: dict[str, Any] = {
        "counties": access.counties(request.user), "county": county, "years": years, "year": year,
        "rows": rows, "schools": school_rows,
        "steps": ApprovalStep.objects.filter(unit__in=units)[:50],
        "back": f"/access/approval/?unit={county.code}&year={year or ''}",
    }  # fmt: skip
    return render(request, "accounts/approval.html", context)


def _school_approval(request: HttpRequest) -> HttpResponse:
    schools = access.visible(request.user, School.objects.all(), "submit")
    rows = []
    for school in schools:
        years = sorted(
            set(GradeYear.objects.filter(school=school).values_list("year", flat=True)), reverse=True
        )
        states = _states([school.code], years)
        for y in years:
            state = states.get((school.code, y), State.OPEN)
            rows.append({"school": school, "year": y, "state": State(state).label,
                         "actions": _actions(request, school.code, state, "school")})  # fmt: skip
    return render(request, "accounts/approval_school.html", {"rows": rows})


@require_POST
def approval_step(request: HttpRequest) -> HttpResponse:
    from eduplan.web.accounts.approval import transition

    unit, action = request.POST.get("unit", ""), request.POST.get("action", "")
    raw_year = request.POST.get("year", "")
    if not access.can(request.user, unit):
        raise Http404("没有这个单位，或无权查看")
    if not raw_year.isascii() or not raw_year.isdigit():
        messages.error(request, "学年不正确")
    else:
        try:
            state = transition(request.user, unit, int(raw_year), action, request.POST.get("reason", ""))
            messages.success(request, f"{unit} {raw_year} 学年：{State(state).label}")
        except EduplanError as exc:
            messages.error(request, exc.message)
    back = request.POST.get("back", "")
    return redirect(back if back.startswith("/access/approval/") else "/access/approval/")


def _events(request: HttpRequest) -> QuerySet[AuditEvent]:
    events = AuditEvent.objects.all()
    for name in ("username", "event", "unit"):
        value = request.GET.get(name, "").strip()
        if value:
            events = events.filter(**{f"{name}__startswith": value})
    for name, lookup in (("since", "at__date__gte"), ("until", "at__date__lte")):
        value = request.GET.get(name, "")
        try:
            events = (
                events.filter(**{lookup: datetime.strptime(value, "%Y-%m-%d").date()}) if value else events
            )
        except ValueError:
            messages.error(request, f"日期应写作 2026-01-31：{value}")
    return events


@access.require_action("audit")
def audit_trail(request: HttpRequest) -> HttpResponse:
    """`/access/audit/`: the audit trail, newest first, filtered by user, event, unit and dates."""
    events = _events(request)
    page = Paginator(events, AUDIT_PAGE).get_page(access.int_param(request, "page") or 1)
    access.audit(request, "audit_view", "", filters={k: v for k, v in request.GET.items() if k != "page"})
    context = {
        "page": page, "query": request.GET.urlencode(), "filters": request.GET,
        "retention": settings.EDUPLAN_AUDIT_RETENTION_DAYS,
    }  # fmt: skip
    return render(request, "accounts/audit.html", context)


def audit_rows(events: QuerySet[AuditEvent]) -> str:
    """The events as CSV text (UTF-8 with BOM for Excel), local time."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(AUDIT_COLUMNS.values())
    for e in events.iterator(chunk_size=2000):
        writer.writerow([timezone.localtime(e.at).strftime("%Y-%m-%d %H:%M:%S"), e.username, e.roles, e.unit,
                         e.event, e.address, e.path, json.dumps(e.detail, ensure_ascii=False)])  # fmt: skip
    return "\ufeff" + out.getvalue()


@access.require_action("audit")
def audit_export(request: HttpRequest) -> HttpResponse:
    events = _events(request)
    access.audit(request, "audit_export", "", rows=events.count(), filters=dict(request.GET.items()))
    return attachment(audit_rows(events), "audit.csv", CSV)
