"""The dashboard a bureau opens every week: overview, targets table (and Excel), target page, roll-up, method."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string

from eduplan.indicators.completeness import choose_year
from eduplan.monitoring.progress import STATUS_LABELS, STATUSES
from eduplan.web import access
from eduplan.web.downloads import attachment
from eduplan.web.plans import dashboard
from eduplan.web.plans.forms import ManualValueFormSet, MilestoneFormSet, PlanForm, ProjectForm, TargetForm
from eduplan.web.plans.models import Plan, Project, Target
from eduplan.web.plans.services import cached_evaluation, cached_rows, label, plan_warnings


def _plans(request: HttpRequest) -> QuerySet[Plan]:
    """The plans of the user's units."""
    return access.visible(request.user, Plan.objects.all())


def _plan(request: HttpRequest) -> Plan:
    """The plan asked for (?plan=ID, or ?unit=CODE), else the user's first adopted plan."""
    plans = _plans(request)
    if (pk := access.int_param(request, "plan")) is not None:
        plans = plans.filter(pk=pk)
    elif request.GET.get("unit"):
        plans = plans.filter(region_code=request.GET["unit"])
    plan = plans.order_by("status", "-period_start", "pk").first()
    if plan is None:
        raise Http404("还没有规划")
    return plan


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    if not _plans(request).exists():
        return render(request, "plans/empty.html")
    plan = _plan(request)
    evaluation = cached_evaluation(plan)
    if "overview" not in evaluation.memo:  # the same for every reader until the data change: render it once
        rows = evaluation.rows
        counts = Counter(r.judgement.status for r in rows)
        parts = {
            "counts": [(s, STATUS_LABELS[s], counts.get(s, 0)) for s in STATUSES],
            "warnings": plan_warnings(rows, dashboard.latest_year(rows), evaluation.findings)[:20],
            "deadlines": dashboard.next_deadlines(rows, plan)[:10],
            "total": len(rows),
        }
        evaluation.memo["overview"] = render_to_string("plans/_overview_body.html", parts)
    context = {
        "plan": plan,
        "plans": _plans(request).order_by("region_code", "name"),
        "body": evaluation.memo["overview"],
        "stored": evaluation.stored,
        "data_year": access.latest_year(plan.region_code),
        "choice": None if evaluation.facts is None else choose_year(evaluation.facts, plan.region_code),
        "report_years": range(plan.period_start, plan.period_end + 1),
    }
    return render(request, "plans/overview.html", context)


@login_required
def targets(request: HttpRequest) -> HttpResponse:
    plan = _plan(request)
    evaluation = cached_evaluation(plan)
    context = {"plan": plan, "rows": dashboard.table_rows(evaluation.rows), "stored": evaluation.stored}
    return render(request, "plans/targets.html", context)


@login_required
def targets_excel(request: HttpRequest) -> HttpResponse:
    plan = _plan(request)
    data = dashboard.excel(plan, dashboard.table_rows(cached_rows(plan)))
    access.audit(request, "export", plan.region_code, what="targets.xlsx", plan=plan.pk)
    return attachment(data, f"targets-{plan.region_code}.xlsx")


@login_required
def target_detail(request: HttpRequest, pk: int) -> HttpResponse:
    target = access.get_object(request, Target.objects.select_related("plan"), pk=pk)
    evaluation = cached_evaluation(target.plan)
    rows = evaluation.rows
    row = next((r for r in rows if r.target.pk == target.pk), None)
    if row is None:
        raise Http404("目标不存在")
    units = dashboard.units_below(row)
    explanation_text, explanation_lines = dashboard.explanation(row)
    context: dict[str, Any] = {
        "plan": target.plan,
        "target": target,
        "row": dashboard.table_rows([row])[0],
        "j": row.judgement,
        "chart": dashboard.target_chart(row),
        "explanation_text": explanation_text,
        "explanation": explanation_lines,
        "values": dashboard.values_by_year(row),
        "source_reason": row.source_reason,
        "units": units,
        "units_rows": dashboard.units_html(units),
        "row_target": row.target,
        "label": label(row.target),
        "warnings": plan_warnings([row], dashboard.latest_year(rows), evaluation.findings),
        "stored": evaluation.stored,
    }
    return render(request, "plans/target.html", context)


@login_required
def rollup(request: HttpRequest, code: str) -> HttpResponse:
    access.require(request, code)
    plans = list(
        _plans(request).filter(region_code__startswith=code).exclude(region_code=code).order_by("region_code")
    )
    table = dashboard.rollup_table(plans)
    for row in table["totals"]:  # whether each county's figures stand on approved data
        row["data"] = access.data_status(row["plan"].region_code, access.latest_year(row["plan"].region_code))
    return render(request, "plans/rollup.html", {"code": code, "plans": plans, **table})


@login_required
def method(request: HttpRequest) -> HttpResponse:
    return render(request, "plans/method.html", {"statuses": STATUS_LABELS})


@login_required
def plan_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Edit a plan of one's own county (or start one there): the region must be one the user may edit."""
    plan = access.get_object(request, Plan, "edit", pk=pk) if pk else None
    if not access.can_any(request.user, "edit"):
        raise PermissionDenied("只有县教育局的业务科室可以编辑规划")
    form = PlanForm(request.POST or None, instance=plan)
    if request.method == "POST" and form.is_valid():
        if not access.can(request.user, form.cleaned_data["region_code"], "edit"):
            form.add_error("region_code", "只能为本单位及下属区划编制规划")
            return render(
                request, "plans/edit.html", {"form": form, "title": "编辑规划" if plan else "新建规划"}
            )
        plan = form.save()
        messages.success(request, "规划已保存")
        return redirect(f"/plans/?plan={plan.pk}")
    return render(request, "plans/edit.html", {"form": form, "title": "编辑规划" if plan else "新建规划"})


@login_required
def target_edit(request: HttpRequest, pk: int | None = None, plan_pk: int | None = None) -> HttpResponse:
    if pk:
        target = access.get_object(request, Target.objects.select_related("plan"), "edit", pk=pk)
    else:
        target = Target(plan=access.get_object(request, Plan, "edit", pk=plan_pk))
    form = TargetForm(request.POST or None, instance=target)
    formset = MilestoneFormSet(request.POST or None, instance=target, prefix="ms")
    values = ManualValueFormSet(request.POST or None, instance=target, prefix="mv")
    if request.method == "POST" and form.is_valid() and formset.is_valid() and values.is_valid():
        target = form.save()
        for inline in (formset, values):
            inline.instance = target
            inline.save()
        messages.success(request, "目标已保存")
        return redirect("plans:target", pk=target.pk)
    title = f"编辑目标：{target.indicator_text}" if target.pk else "新建目标"
    context = {"form": form, "formset": formset, "values": values, "title": title}
    return render(request, "plans/edit.html", context)


def _places(region: str) -> dict[str, str]:
    """The schools, zones and townships of the region a project may be placed in (empty without data)."""
    from eduplan.errors import NotFound
    from eduplan.forecast.places import known_places
    from eduplan.store import load_facts

    try:
        return known_places(load_facts(region).schools)
    except NotFound:
        return {}


@login_required
def projects(request: HttpRequest) -> HttpResponse:
    """The plan's building projects: where each is placed (school or zone), the places it adds, its year."""
    plan = _plan(request)
    places = _places(plan.region_code)
    rows = [{"project": p, "where": places.get(p.school_code or p.zone, p.school_code or p.zone or "—"),
             "places": p.places()} for p in plan.projects.all()]  # fmt: skip
    return render(request, "plans/projects.html", {"plan": plan, "rows": rows})


@login_required
def project_edit(request: HttpRequest, pk: int) -> HttpResponse:
    project = access.get_object(request, Project.objects.select_related("plan"), "edit", pk=pk)
    form = ProjectForm(request.POST or None, instance=project, places=_places(project.plan.region_code))
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "建设项目已保存")
        return redirect(f"/plans/projects/?plan={project.plan.pk}")
    return render(request, "plans/edit.html", {"form": form, "title": f"建设项目：{project.name}"})
