"""`/region/<code>/targets/`: the city's 目标分解, edited by a city planner (edit on the city) on a form or from
an uploaded .xlsx/.csv; every change is audited."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from eduplan.errors import EduplanError
from eduplan.web import access
from eduplan.web.region.assign import read_file, save_parts, save_rows
from eduplan.web.region.forms import AssignmentForm
from eduplan.web.region.models import Assignment
from eduplan.web.schools.models import OrgUnit

MAX_UPLOAD = 5 * 1024 * 1024


def _region(request: HttpRequest, code: str, action: access.Action) -> OrgUnit:
    unit = OrgUnit.objects.filter(code=code, level__in=("city", "province")).first()
    if unit is None or not access.can(request.user, code, "view"):
        raise Http404("没有这个市或省，或无权查看")
    if action != "view" and not access.can(request.user, code, action):
        raise PermissionDenied("无权修改本市（省）的目标分解")
    return unit


def _counties(code: str) -> list[tuple[str, str]]:
    from eduplan.web.region.assign import regions_map

    mine = regions_map().get(code, set())
    return list(OrgUnit.objects.filter(code__in=mine).order_by("code").values_list("code", "name"))


@login_required
def targets(request: HttpRequest, code: str) -> HttpResponse:
    """The list of the region's 目标分解 with its counties' parts; an editor also uploads a file here."""
    unit = _region(request, code, "edit" if request.method == "POST" else "view")
    error = message = ""
    if request.method == "POST":
        error, message = _upload(request, code)
    names = dict(_counties(code))
    items = [{"a": a, "parts": [(names.get(p.county, p.county), p) for p in a.parts.all()]}
             for a in Assignment.objects.filter(unit=code).prefetch_related("parts")]  # fmt: skip
    context: dict[str, Any] = {"unit": unit, "items": items, "error": error, "message": message,
                               "can_edit": access.can(request.user, code, "edit")}  # fmt: skip
    return render(request, "region/targets.html", context, status=400 if error else 200)


def _upload(request: HttpRequest, code: str) -> tuple[str, str]:
    upload = request.FILES.get("file")
    if upload is None:
        return "请选择要导入的 .xlsx 或 .csv 文件", ""
    if upload.size is not None and upload.size > MAX_UPLOAD:
        return f"{upload.name}：文件超过 {MAX_UPLOAD // 1024 // 1024} MB", ""
    suffix = Path(upload.name or "").suffix.lower()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"upload{suffix}"
        path.write_bytes(upload.read())
        try:
            rows = read_file(path, upload.name or path.name)
            foreign = sorted({r.unit for r in rows if r.unit != code})
            if foreign:
                return (
                    f"{upload.name}：只能导入本市（省）{code} 的目标分解，文件中有 {'、'.join(foreign)}",
                    "",
                )
            created, changed = save_rows(rows)
        except EduplanError as exc:
            return exc.message, ""
    access.audit(
        request, "import", code, file=upload.name, assignments=len(rows), created=created, changed=changed
    )
    return (
        "",
        f"已导入目标分解 {len(rows)} 项（新增 {created}，更新 {changed}，未变 {len(rows) - created - changed}）",
    )


@login_required
def edit(request: HttpRequest, code: str, pk: int | None = None) -> HttpResponse:
    """The form of one 目标分解 (a new one without `pk`); only for a user who may edit the region."""
    unit = _region(request, code, "edit")
    instance = get_object_or_404(Assignment, pk=pk, unit=code) if pk is not None else Assignment(unit=code)
    form = AssignmentForm(request.POST or None, instance=instance, unit=code, counties=_counties(code))
    if request.method == "POST" and form.is_valid():
        a = form.save(commit=False)
        a.unit = code
        a.higher = _higher(a.indicator_code)
        a.save()
        save_parts(a, form.parts())
        access.audit(request, "edit", code, assignment=a.pk, text=a.text, parts=len(form.parts()))
        return redirect("region:targets", code=code)
    title = f"{unit.name} · {'修改' if pk is not None else '新增'}目标分解"
    return render(request, "region/target_form.html", {"unit": unit, "form": form, "title": title},
                  status=400 if request.method == "POST" else 200)  # fmt: skip


def _higher(code: str) -> bool:
    from eduplan.indicators.catalogue import load_catalogue

    found = load_catalogue().indicators.get(code)
    return found is None or found.direction != "lower"


@login_required
def delete(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """Delete one 目标分解 (POST only)."""
    _region(request, code, "edit")
    if request.method != "POST":
        return redirect("region:targets", code=code)
    a = get_object_or_404(Assignment, pk=pk, unit=code)
    access.audit(request, "delete", code, assignment=a.pk, text=a.text)
    a.delete()
    return redirect("region:targets", code=code)
