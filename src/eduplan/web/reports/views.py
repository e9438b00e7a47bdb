"""The plan page's button: the plan's evaluation report as .docx or .pdf, scoped and audited."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect

from eduplan.errors import EduplanError
from eduplan.web import access
from eduplan.web.downloads import attachment
from eduplan.web.plans.models import Plan
from eduplan.web.reports.render import CONTENT_TYPES, FORMATS, evaluation_report, filename


@login_required
def evaluation(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_object_or_404(Plan, pk=pk)
    access.require(request, plan.region_code, "view")
    fmt = request.GET.get("format", "docx")
    fmt = fmt if fmt in FORMATS else "docx"
    raw = request.GET.get("as_of", "")
    known = raw.isascii() and raw.isdigit()  # "²".isdigit() is True, int("²") fails
    as_of = int(raw) if known and plan.period_start - 1 <= int(raw) <= plan.period_end + 10 else None
    try:
        data, inputs = evaluation_report(plan, as_of, fmt)  # type: ignore[arg-type]
    except EduplanError as exc:
        messages.error(request, f"报告未能生成：{exc.message}")
        return redirect(f"/plans/?plan={plan.pk}")
    access.audit(request, "report_download", plan.region_code, plan=plan.pk, as_of=inputs.as_of, format=fmt)
    return attachment(data, filename(inputs, fmt), CONTENT_TYPES[fmt])  # type: ignore[index]
