"""控辍保学 pages: the county's dashboard, the suspected list, the 台账, clerical review, 资助 coverage.

Every page is scoped through `eduplan.web.access`; names and ids are masked unless the user holds the
"personal" action on the county and asks for them, and every unmasked view, export and review is audited.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from eduplan.errors import EduplanError
from eduplan.linkage import schooling
from eduplan.linkage.aid import FINDINGS
from eduplan.linkage.ids import PROBLEMS
from eduplan.linkage.registers import normalise_names
from eduplan.web import access
from eduplan.web.downloads import CSV, attachment
from eduplan.web.linkage import service, store
from eduplan.web.linkage.models import CASE_STATUSES, OWNER_KINDS, Case, Child, Decision, Pair, Pupil, Run
from eduplan.web.schools.models import OrgUnit, School


def _county(request: HttpRequest, action: access.Action = "view") -> OrgUnit:
    county = access.county_of(request)
    if county is None:
        raise Http404("没有可查看的县")
    access.require(request, county.code, action)
    return county


def _year(request: HttpRequest, county: str) -> int:
    asked = access.int_param(request, "year")  # `?year=²` is None, not a 500
    if asked is not None and 2000 <= asked <= 2100:
        return asked
    run = store.latest_run(county)
    if run is not None:
        return run.year
    today = dt.date.today()
    return today.year if today.month >= 9 else today.year - 1


def _personal(request: HttpRequest, county: str, page: str) -> bool:
    """Unmasked only when asked for and allowed; every such view is audited."""
    wanted = request.GET.get("personal") == "1"
    allowed = wanted and access.can(request.user, county, "personal")
    if allowed:
        access.audit(request, "linkage.personal.view", county, page=page)
    return allowed


def _context(
    request: HttpRequest, county: OrgUnit, year: int, run: Run | None, **more: Any
) -> dict[str, Any]:
    return {
        "county": county, "year": year, "run": run, "counties": access.counties(request.user),
        "may_personal": access.can(request.user, county.code, "personal"),
        "may_edit": access.can(request.user, county.code, "edit"), **more,
    }  # fmt: skip


@login_required
def index(request: HttpRequest) -> HttpResponse:
    county = _county(request)
    year = _year(request, county.code)
    run = store.latest_run(county.code, year)
    if run is None:
        return render(request, "linkage/index.html", _context(request, county, year, None))
    labels = service.names(t["township"] for t in run.summary["by_township"])
    trend = service.trend(county.code)
    years = sorted(set(trend["year"]))
    by_year = {(r["township"], r["year"]): r["suspected"] for r in trend.iter_rows(named=True)}
    townships = [
        {
            **t,
            "name": labels.get(t["township"], t["township"]),
            "trend": [by_year.get((t["township"], y)) for y in years],
        }
        for t in run.summary["by_township"]
    ]
    by = run.summary["by_outcome"]
    cards = [(schooling.OUTCOMES[k], by.get(k, 0)) for k in schooling.OUTCOMES]
    context = _context(
        request, county, year, run, cards=cards, townships=townships, years=years, check=_retention_check(run),
        aid=run.summary.get("aid"), open_cases=Case.objects.filter(county=county.code, year=year, status="checking").count(),
        waiting=len(service.review_pairs(run)),
        stale=(changed := service.changed_since(county.code, year)) is not None and changed > run.created,
    )  # fmt: skip
    return render(request, "linkage/index.html", context)


def _retention_check(run: Run) -> dict[str, Any]:
    """The statistical 巩固率 (school tables) beside the registers' own figure for the same cohort."""
    from eduplan.indicators.engine import compute
    from eduplan.store import load_facts

    summary = schooling.Summary.stored(run.summary)
    values = compute(load_facts(run.county), ["compulsory_retention_rate"]).filter(
        (pl.col("unit") == run.county) & (pl.col("year") == run.year)
    )
    statistical = values["value"][0] if values.height else None
    registers = None if summary.retention_rate is None else 100 * summary.retention_rate
    gap = None if statistical is None or registers is None else statistical - registers
    return {"statistical": statistical, "registers": registers, "gap": gap, "cohort": summary.cohort,
            "staying": summary.cohort_in_school, "enrolled": None if summary.enrolled_rate is None else 100 * summary.enrolled_rate}  # fmt: skip


@login_required
@require_POST
def rerun(request: HttpRequest) -> HttpResponse:
    county = _county(request, "edit")
    year = _year(request, county.code)
    try:
        run = service.run_for(county.code, year, fresh=True)
    except EduplanError as exc:
        messages.error(request, exc.message)
    else:
        access.audit(request, "linkage.run", county.code, year=year, run=run.pk)
        messages.success(request, f"已重新比对：疑似失学辍学 {run.summary['by_outcome']['suspected']} 人")
    return redirect(f"/linkage/?unit={county.code}&year={year}")


def _download(
    request: HttpRequest, county: OrgUnit, rows: list[dict[str, Any]], name: str, personal: bool
) -> HttpResponse:
    fmt = request.GET.get("format")
    access.audit(
        request, f"linkage.export.{name}", county.code, rows=len(rows), personal=personal, format=fmt
    )
    if fmt == "xlsx":
        return attachment(service.to_xlsx(rows, name), f"{name}-{county.code}.xlsx")
    return attachment("\ufeff" + service.to_csv(rows, name), f"{name}-{county.code}.csv", CSV)


def _list_page(request: HttpRequest, page: str) -> tuple[OrgUnit, int, Run | None, bool]:
    """The county, school year, its latest run, and whether personal data is shown, for a list page."""
    county = _county(request)
    year = _year(request, county.code)
    return county, year, store.latest_run(county.code, year), _personal(request, county.code, page)


@login_required
def suspects(request: HttpRequest) -> HttpResponse:
    county, year, run, personal = _list_page(request, "suspects")
    rows = service.suspected_rows(run, personal) if run else []
    township = request.GET.get("township", "")
    if township:
        rows = [r for r in rows if r["乡镇代码"] == township]
    if request.GET.get("format") in ("csv", "xlsx"):
        return _download(request, county, rows, "out-of-school", personal)
    cases = {c.person_no: c.pk for c in Case.objects.filter(county=county.code, year=year)}
    for r in rows:
        r["case"] = cases.get(r["人员编号"])
    context = _context(request, county, year, run, rows=rows, personal=personal, township=township,
                       townships=service.names({r["乡镇代码"] for r in rows}))  # fmt: skip
    return render(request, "linkage/suspects.html", context)


@login_required
def cases(request: HttpRequest) -> HttpResponse:
    county = _county(request)
    year = _year(request, county.code)
    chosen = request.GET.get("status", "")
    found = Case.objects.filter(county=county.code, year=year).order_by("township", "person_no")
    if chosen in CASE_STATUSES:
        found = found.filter(status=chosen)
    rows = list(found)
    labels = service.names([c.township for c in rows] + [c.owner for c in rows])
    counts = {
        CASE_STATUSES[k]: Case.objects.filter(county=county.code, year=year, status=k).count()
        for k in CASE_STATUSES
    }
    context = _context(request, county, year, store.latest_run(county.code, year), cases=rows, labels=labels,
                       statuses=CASE_STATUSES, chosen=chosen, counts=counts)  # fmt: skip
    return render(request, "linkage/cases.html", context)


@login_required
def case(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(Case, pk=pk)
    access.require(request, item.county, "view")
    if request.method == "POST":
        access.require(request, item.county, "edit")
        problem = _update_case(request, item)
        if problem:
            messages.error(request, problem)
        else:
            access.audit(request, "linkage.case.edit", item.county, case=item.pk, status=item.status)
            messages.success(request, "台账已保存")
            return redirect("linkage:case", pk=item.pk)
    personal = _personal(request, item.county, "case")
    child = Child.objects.filter(person_no=item.person_no).first()
    context = {
        "case": item, "child": child, "personal": personal, "statuses": CASE_STATUSES, "owner_kinds": OWNER_KINDS,
        "name": service.shown_name(child.name, personal) if child else "", "labels": service.names([item.township, item.owner, item.school]),
        "id_text": service.shown_id(child, personal) if child else "", "may_personal": access.can(request.user, item.county, "personal"),
        "may_edit": access.can(request.user, item.county, "edit"),
    }  # fmt: skip
    return render(request, "linkage/case.html", context)


def _update_case(request: HttpRequest, item: Case) -> str:
    """Apply the posted fields; a Chinese problem, or "" when saved."""
    status, owner_kind = request.POST.get("status", ""), request.POST.get("owner_kind", "")
    owner = request.POST.get("owner", "").strip()
    if status not in CASE_STATUSES or owner_kind not in OWNER_KINDS:
        return "状态或责任主体无效"
    if not (owner.isdigit() and len(owner) in (9, 10) and owner.startswith(item.county)):
        return f"责任单位代码应为本县的 9 位乡镇代码或 10 位学校标识码：{owner}"
    closed_raw = request.POST.get("closed_on", "").strip()
    try:
        closed = dt.date.fromisoformat(closed_raw) if closed_raw else None
    except ValueError:
        return f"销号日期格式应为 YYYY-MM-DD：{closed_raw}"
    if closed is not None and closed < item.opened_on:
        return "销号日期不能早于立案日期"
    note = request.POST.get("note", "").strip()[:1000]
    item.status, item.owner_kind, item.owner = status, owner_kind, owner
    item.closed_on = closed if status != "checking" else None
    if note:
        stamp = dt.date.today().isoformat()
        item.notes = (
            item.notes + "\n" if item.notes else ""
        ) + f"{stamp} {request.user.get_username()}：{note}"
    item.updated_by = request.user if request.user.is_authenticated else None  # type: ignore[assignment]
    item.save()
    return ""


@login_required
def review(request: HttpRequest) -> HttpResponse:
    county = _county(request)
    year = _year(request, county.code)
    run = store.latest_run(county.code, year)
    pairs = service.review_pairs(run) if run else []
    return render(request, "linkage/review.html", _context(request, county, year, run, pairs=pairs))


def _record(person: Any, personal: bool, labels: dict[str, str]) -> dict[str, tuple[str, object]]:
    """Each row of the side-by-side view: what is shown (masked unless allowed) and what is compared (the
    stored value: two masked names may look alike and differ)."""
    place = getattr(person, "township", "") or getattr(person, "school", "")
    return {
        "姓名": (service.shown_name(person.name, personal), person.name), "性别": (person.sex, person.sex),
        "出生日期": (person.birth, person.birth), "身份证号": (service.shown_id(person, personal) or "（空）", person.id_hash or None),
        "身份证号问题": (PROBLEMS.get(person.id_problem, "无"), person.id_problem), "地点": (labels.get(place, place), place),
    }  # fmt: skip


def _compared(
    child: Child, pupil: Pupil, personal: bool, labels: dict[str, str]
) -> list[tuple[str, str, str, bool]]:
    left, right = _record(child, personal, labels), _record(pupil, personal, labels)
    # the school's township is what the 户籍 township compares with
    right["地点"] = (
        right["地点"][0],
        School.objects.filter(code=pupil.school).values_list("township__code", flat=True).first(),
    )
    rows = [(k, left[k][0], right[k][0], left[k][1] == right[k][1]) for k in left]
    spoken = normalise_names(pl.Series([child.name, pupil.name]))["name_py"].to_list()
    same_sound = "读音相同" if spoken[0] == spoken[1] else "读音不同"
    rows.insert(1, ("姓名读音", same_sound, same_sound, spoken[0] == spoken[1]))
    return rows


@login_required
def review_pair(request: HttpRequest, pk: int) -> HttpResponse:
    pair = get_object_or_404(Pair, pk=pk, side="household")
    county = pair.run.county
    access.require(request, county, "view")
    if request.method == "POST":
        access.require(request, county, "edit")
        answer = request.POST.get("same")
        if answer not in ("yes", "no"):
            raise Http404("无效的答复")
        Decision.objects.update_or_create(
            side=pair.side, left_id=pair.left_id, right_id=pair.right_id,
            defaults={"same": answer == "yes", "decided_by": request.user if request.user.is_authenticated else None},
        )  # fmt: skip
        access.audit(request, "linkage.review", county, pair=pair.pk, same=answer == "yes")
        messages.success(request, "已记录。下一次比对（或点击“重新比对”）时生效。")
        following = [p for p in service.review_pairs(pair.run) if p.pk != pair.pk]
        return (
            redirect("linkage:review_pair", pk=following[0].pk)
            if following
            else redirect(f"/linkage/review/?unit={county}&year={pair.run.year}")
        )
    personal = _personal(request, county, "review")
    access.audit(request, "linkage.review.view", county, pair=pair.pk, personal=personal)
    child = get_object_or_404(Child, person_no=pair.left_id)
    pupil = get_object_or_404(Pupil, student_no=pair.right_id)
    labels = service.names([child.township, pupil.school])
    context = {"pair": pair, "rows": _compared(child, pupil, personal, labels), "child": child, "pupil": pupil, "personal": personal,
               "may_personal": access.can(request.user, county, "personal"), "may_edit": access.can(request.user, county, "edit")}  # fmt: skip
    return render(request, "linkage/review_pair.html", context)


@login_required
def aid(request: HttpRequest) -> HttpResponse:
    county, year, run, personal = _list_page(request, "aid")
    rows = service.coverage_rows(run, personal) if run else []
    if request.GET.get("format") in ("csv", "xlsx"):
        return _download(request, county, [r for r in rows if r["finding"] == "unaided"], "unaided", personal)
    summary = run.summary.get("aid") if run else None
    rate = None if not summary or not summary["in_school"] else 100 * summary["aided"] / summary["in_school"]
    listed = [r for r in rows if r["finding"] in ("unaided", "not_found", "not_in_school")]
    counts = [(FINDINGS[k], (summary or {}).get("by_finding", {}).get(k, 0)) for k in FINDINGS]
    context = _context(
        request, county, year, run, rows=listed, summary=summary, rate=rate, counts=counts, personal=personal
    )
    return render(request, "linkage/aid.html", context)
