"""`/region/<code>/`: a city's or province's counties side by side, for a reader of the whole region."""

from __future__ import annotations

import functools
import hashlib
import io
from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from eduplan import results
from eduplan.errors import EduplanError
from eduplan.indicators.catalogue import Indicator, load_catalogue
from eduplan.region.compare import NO_DATA, REGION_LEVELS, region_counties, unit_level
from eduplan.results import county_facts
from eduplan.web import access
from eduplan.web.downloads import attachment
from eduplan.web.region import pages
from eduplan.web.region.maps import LEVELS, map_data
from eduplan.web.schools.models import OrgUnit
from eduplan.web.years import year_choice


def regions(user: Any) -> list[OrgUnit]:
    """The cities and provinces the user may read."""
    units = OrgUnit.objects.filter(level__in=REGION_LEVELS).order_by("code")
    return [u for u in units if access.can(user, u.code)]


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """`/region/`: the user's first city or province, or a page saying there is none."""
    readable = regions(request.user)
    if readable:
        return redirect("region:region", code=readable[0].code)
    return render(request, "region/none.html")


@login_required
def region(request: HttpRequest, code: str) -> HttpResponse:
    """`/region/<code>/`: comparison grid, ranking of one indicator, map, targets broken down to counties."""
    if not access.can(request.user, code) or OrgUnit.objects.filter(code=code).first() is None:
        raise Http404("没有这个市或省，或无权查看")
    facts = county_facts(code)  # kept per data version: the engine's rows are computed once per version
    level_of = unit_level(facts, code)
    if level_of not in REGION_LEVELS:
        raise Http404("区域比较只对市、省：县的乡镇和学校比较见指标页")
    choice = year_choice(request, facts, code)
    if choice.year is None:
        return render(request, "region/region.html", {"code": code, "choice": choice, "empty": True})
    ind = _indicator(request.GET.get("code", ""))
    level = request.GET.get("map", "county")
    level = level if level in LEVELS else "county"
    year = choice.year
    sections = _sections(facts, code, year, ind, level, level_of == "province")
    stored = results.fragment(code)
    rows = pages.rows_key(code, region_counties(facts, code))
    key = hashlib.sha256(f"{stored.key}|{rows}|{year}|{ind.code}|{level}".encode()).hexdigest()
    if request.GET.get("format") == "xlsx":
        access.audit(request, "export", code, page="region", year=year, indicator=ind.code)
        made = cache.get_or_set(
            f"region-xlsx|{code}|{key}", lambda: _workbook(_resolved(sections)), stored.cache_seconds
        )
        assert isinstance(made, bytes)
        return attachment(made, f"region-{code}-{year}.xlsx")
    context: dict[str, Any] = {
        "code": code, "name": OrgUnit.objects.get(code=code).name, "choice": choice, "year": year, "ind": ind,
        "level": level, "levels": LEVELS, "indicators": list(load_catalogue()), "fragment": stored, "key": key,
        "can_edit": access.can(request.user, code, "edit"), **sections,
    }  # fmt: skip
    return render(request, "region/region.html", context)


def _sections(facts: Any, code: str, year: int, ind: Indicator, level: str, province: bool) -> dict[str, Any]:
    """The page's sections, each computed when the template (or the workbook) first asks for it: when the
    page's fragment is cached for this data version, none is."""

    @functools.cache
    def r() -> pages.Region:
        found = pages.region(facts, code, year)
        found.evaluations = pages.evaluations(facts, found)
        return found

    lazy: Callable[[Callable[[], Any]], Callable[[], Any]] = functools.cache
    return {
        "r": r, "grid": lazy(lambda: pages.grid(r())), "ranking": lazy(lambda: pages.ranking(r(), ind)),
        "plans": lazy(lambda: pages.plan_breakdowns(r())), "commitments": lazy(lambda: pages.commitment_breakdowns(r())),
        "evaluations": lazy(lambda: _evaluation_rows(r())), "coverage": lazy(lambda: r().cover.label(r().names)),
        "map": lazy(lambda: map_data(facts, r().cover, ind, level)), "evaluated_max": pages.EVALUATED_MAX,
        "county_names": lazy(lambda: [r().names.get(c, c) for c in r().counties]),
        "places": lazy(lambda: pages.places(facts, r())), "gaps": lazy(lambda: pages.gaps(facts, r())),
        "gap_columns": pages.GAP_COLUMNS, "projections": lazy(lambda: pages.projections(facts, r())),
        "assignments": lazy(lambda: pages.assignment_breakdowns(r())),
        "cities": lazy(lambda: pages.cities(facts, r(), ind) if province else None),
    }  # fmt: skip


def _resolved(sections: dict[str, Any]) -> dict[str, Any]:
    return {k: v() if callable(v) else v for k, v in sections.items()}


def _indicator(code: str) -> Indicator:
    try:
        return load_catalogue().get(code or pages.DEFAULT_CODE)
    except EduplanError as exc:
        raise Http404(exc.message) from exc


def _evaluation_rows(r: pages.Region) -> list[dict[str, Any]]:
    from eduplan.standards.result import VERDICT_NAMES
    from eduplan.web.standards.pages import KIND_NAMES

    rows: list[dict[str, Any]] = []
    for county in r.counties if r.evaluations else ():
        cells = [
            {"kind": k, "status": r.evaluations[k][county][0], "name": VERDICT_NAMES[r.evaluations[k][county][0]],
             "why": r.evaluations[k][county][1]}
            for k in KIND_NAMES
        ]  # fmt: skip
        rows.append({"code": county, "name": r.names.get(county, county), "cells": cells})
    return rows


def _workbook(context: dict[str, Any]) -> bytes:
    """The page's tables as sheets: the comparison grid, the ranking, the targets broken down."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    r: pages.Region = context["r"]
    book = Workbook()
    grid = book.active
    assert grid is not None
    grid.title = "各县比较"
    grid.append([f"{r.name}各县指标比较（{r.year}-{r.year + 1} 学年）；{context['coverage']}"])
    grid.append(["指标", "计量单位", r.name, *(r.names.get(c, c) for c in r.counties)])
    for row in context["grid"]:
        grid.append([row["ind"].name, row["ind"].unit, *(c["text"] for c in row["cells"])])
    grid.append(["各市（省）值为各县分子之和 ÷ 分母之和；数据不完整的县已标注，不参加排名。"])
    ranking = book.create_sheet("排名")
    rk = context["ranking"]
    ranking.append([f"{rk['ind'].name}：各县排名（{r.year}-{r.year + 1} 学年）"])
    ranking.append(["排名", "区划代码", "县", "数值", "分子", "分母", "完整性", "缺失原因"])
    for c in rk["counties"]:
        ranking.append([c["rank"], c["unit"], c["name"], c["value"], c["numerator"], c["denominator"],
                        c["data"], c["reason"]])  # fmt: skip
    if rk["region"]:
        w = rk["region"]
        ranking.append(
            ["", r.code, r.name, w["value"], w["numerator"], w["denominator"], w["data"], w["reason"]]
        )
    ranking.append([f"来源：{rk['ind'].source_text}"])
    targets = book.create_sheet("目标分解")
    targets.append(["目标或承诺", "目标年", "全市（省）", "县", "数值", "结论", "说明"])
    for item in [*context["plans"], *context["commitments"], *context["assignments"]]:
        b = item["b"]
        for p in item["parts"]:
            targets.append(
                [b.text, b.year, b.status_name, p["name"], p["text"], p["p"].status_name, p["p"].note]
            )
    _assignments_sheet(book.create_sheet("分解到县"), context["assignments"])
    _projections_sheet(book.create_sheet("预计达标年份"), context["projections"])
    if context["cities"] is not None:
        _cities_sheet(book.create_sheet("各市"), context["cities"], context["ranking"]["ind"])
    gaps = book.create_sheet("缺编与经费缺口")
    gaps.append([f"{r.name}各县教师缺编与公用经费缺口（{r.year}-{r.year + 1} 学年）"])
    gaps.append(["区划代码", "县", *pages.GAP_COLUMNS])
    for g in context["gaps"]:
        gaps.append([g["code"], g["name"], *(NO_DATA if v is None else v for v in g["cells"])])
    gaps.append(["“无数据”：该县本学年没有教师名册或没有拨付数据，不是 0。"])
    for sheet in book.worksheets:
        for cell in sheet[1 if sheet.title in ("目标分解", "分解到县", "预计达标年份", "各市") else 2]:
            cell.font = Font(bold=True)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _assignments_sheet(sheet: Any, items: list[dict[str, Any]]) -> None:
    sheet.append(["目标原文", "分解方式", "目标年", "全市目标", "全市完成", "全市结论", "分解是否闭合", "县",
                  "分解目标", "完成或现值", "结论", "本县自身承诺", "说明"])  # fmt: skip
    for item in items:
        b, a = item["b"], item["a"]
        for p in item["parts"]:
            sheet.append([b.text, a.get_kind_display(), b.year, b.target, b.value, b.status_name,
                          b.mismatch or "闭合", p["name"], p["p"].target, p["p"].value, p["p"].status_name,
                          "是" if p["p"].own else "", p["p"].note])  # fmt: skip


def _projections_sheet(sheet: Any, rows: list[dict[str, Any]]) -> None:
    from eduplan.web.standards.pages import KIND_NAMES

    sheet.append(["县", "评估", "预计", "项目", "现值", "标准", "年均变化", "预计达到", "依据"])
    for row in rows:
        for c in row["cells"]:
            p = c["p"]
            if not p.parts:
                sheet.append([row["name"], KIND_NAMES[c["kind"]], p.text])
            for part in p.parts:
                sheet.append([row["name"], KIND_NAMES[c["kind"]], p.text, part.name, part.current, part.threshold,
                              part.change, part.year_text, part.basis])  # fmt: skip


def _cities_sheet(sheet: Any, cities: list[dict[str, Any]], ind: Indicator) -> None:
    from eduplan.web.standards.pages import KIND_NAMES

    counts = [f"{name}（达标/未达标/无法评估县数）" for name in KIND_NAMES.values()]
    sheet.append(["区划代码", "市", "县数", f"{ind.name}（各县分子之和 ÷ 分母之和）", "数据", *counts])
    for c in cities:
        shown = [f"{n['pass']}/{n['fail']}/{n['incomplete']}" if n else "" for n in c["counts"]]
        sheet.append([c["code"], c["name"], c["counties"], c["value"], c["cover"], *shown])
