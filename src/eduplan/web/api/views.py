"""The read endpoints: org units, schools, statistics tables, indicator values, plans with targets and
judgements, evaluations, completeness and approval. Each asks `eduplan.web.access` exactly as the pages do."""

from __future__ import annotations

from typing import Any

import polars as pl
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions
from rest_framework.request import Request
from rest_framework.response import Response

from eduplan.facts import LEVELS
from eduplan.indicators.catalogue import load_catalogue
from eduplan.indicators.completeness import latest_complete_year, year_status
from eduplan.store import load_facts
from eduplan.web import access
from eduplan.web.accounts.approval import state_of
from eduplan.web.accounts.models import Approval
from eduplan.web.api import shapes, sources
from eduplan.web.api.base import ApiView
from eduplan.web.plans.models import Plan
from eduplan.web.plans.services import cached_evaluation
from eduplan.web.schools.models import OrgUnit

ERRORS = {
    400: OpenApiResponse(shapes.Error, description="参数或内容不符合要求"),
    401: OpenApiResponse(shapes.Error, description="未提供令牌，或令牌无效、过期、已吊销"),
    403: OpenApiResponse(shapes.Error, description="无权执行此操作"),
    404: OpenApiResponse(shapes.Error, description="没有这个单位或对象，或无权查看"),
    429: OpenApiResponse(shapes.Error, description="调用过于频繁"),
}
UNIT = OpenApiParameter("unit", str, description="区划代码或学校标识码；不填为本账号的第一个县")
YEAR = OpenApiParameter("year", int, description="学年起始年份，如 2024 表示 2024-2025 学年")


def answers(ok: Any) -> dict[int, Any]:
    return {200: ok, **ERRORS}


@csrf_exempt  # nothing to protect, and a refused write must still answer JSON, not the CSRF page
@login_not_required
def not_found(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"message": "没有这个接口地址", "problems": []}, status=404)


def query(request: Request) -> tuple[str, int | None]:
    """The unit asked for (else the user's first county) and the year (None: every year); 404 for a unit
    the user may not read (the permission class has checked it already), 400 for a malformed year."""
    params = shapes.UnitQuery(data=request.query_params)
    params.is_valid(raise_exception=True)
    unit = params.validated_data.get("unit", "")
    if not unit:
        first = access.counties(request.user)
        if not first:
            raise Http404("本账号没有可查看的县，请用 unit 参数指定单位")
        unit = first[0].code
    access.require(request, unit, "view")
    return unit, params.validated_data.get("year")


def county_query(request: Request) -> tuple[OrgUnit, int | None]:
    """For endpoints about a whole county: the county of `unit` (or the user's first one)."""
    county = access.county_of(request)
    if county is None:
        raise Http404("本账号没有可查看的县")
    return county, query(request)[1]


class Units(ApiView):
    @extend_schema(
        summary="行政区划",
        description="本账号可查看的省、市、县、乡镇；给出 unit 时只列它及其下级。",
        parameters=[OpenApiParameter("unit", str, description="只列这个区划及其下级")],
        responses=answers(shapes.paged(shapes.Unit, "UnitPage")),
        tags=["区划与学校"],
    )
    def get(self, request: Request) -> Response:
        units = access.visible(request.user, OrgUnit.objects.select_related("parent").order_by("code"))
        if request.query_params.get("unit"):
            units = units.filter(code__startswith=request.query_params["unit"])
        rows = [{"code": u.code, "name": u.name, "level": u.level, "level_label": LEVELS.get(u.level, u.level),
                 "parent": u.parent.code if u.parent else None} for u in units]  # fmt: skip
        return self.paginated(request, rows)


class Schools(ApiView):
    @extend_schema(
        summary="学校名录",
        description="某区划（默认本账号的第一个县）下的学校，字段与导入模板“学校名录”相同。",
        parameters=[UNIT],
        responses=answers(shapes.paged(shapes.row("schools"), "SchoolPage")),
        tags=["区划与学校"],
    )
    def get(self, request: Request) -> Response:
        unit, _ = query(request)
        frame = load_facts(unit).schools.sort("code")
        return self.paginated(request, shapes.finite(frame.to_dicts()))


class Indicators(ApiView):
    @extend_schema(
        summary="指标值",
        description="某单位及其下级（乡镇、学校）的指标值，每个值带分子、分母，无法计算时给出原因。"
        "按指标目录的口径由统计数据计算（比率为分子之和除以分母之和）。",
        parameters=[
            UNIT,
            YEAR,
            OpenApiParameter("indicator", str, description="只要这个指标（指标代码）"),
            OpenApiParameter("below", bool, description="true：也列下级单位和学校的值（默认只列 unit 本身）"),
        ],
        responses=answers(shapes.paged(shapes.IndicatorValue, "IndicatorValuePage")),
        tags=["指标"],
    )
    def get(self, request: Request) -> Response:
        unit, year = query(request)
        values, facts = sources.indicator_values(unit)
        if request.query_params.get("below") != "true":
            values = values.filter(pl.col("unit") == unit)
        if year is not None:
            values = values.filter(pl.col("year") == year)
        if request.query_params.get("indicator"):
            values = values.filter(pl.col("code") == request.query_params["indicator"])
        return self.paginated(request, indicator_rows(values, facts))


def indicator_rows(values: pl.DataFrame, facts: Any) -> list[dict[str, Any]]:
    catalogue = load_catalogue()
    names = dict(zip(facts.org_units["code"], facts.org_units["name"], strict=True))
    names |= dict(zip(facts.schools["code"], facts.schools["name"], strict=True))
    rows = []
    for r in values.sort(["unit", "code", "year"]).to_dicts():
        ind = catalogue.indicators.get(r["code"])
        formula = (f"{ind.numerator_label} ÷ {ind.denominator_label}" if ind.denominator_label
                   else ind.numerator_label) if ind else ""  # fmt: skip
        rows.append(r | {"name": ind.name if ind else r["code"], "unit_name": names.get(r["unit"], r["unit"]),
                         "measure": ind.unit if ind else "", "formula": formula,
                         "source": ind.source_text if ind else ""})  # fmt: skip
    return shapes.finite(rows)


class Explanations(ApiView):
    @extend_schema(
        summary="指标值的解释",
        description="一个指标在一个单位一个学年的值从何而来：口径、分子分母、各输入项的合计与缺失数、所用数据行数"
        "（与 eduplan explain 命令和指标页面相同）。逐校数据见“统计数据”各表。",
        parameters=[
            OpenApiParameter("indicator", str, required=True, description="指标代码"),
            OpenApiParameter("unit", str, description="区划代码或学校标识码；不填为本账号的第一个县"),
            OpenApiParameter("year", int, required=True, description="学年起始年份"),
        ],
        responses=answers(shapes.Explanation),
        tags=["指标"],
    )
    def get(self, request: Request) -> Response:
        from eduplan.indicators.explain import explain

        unit, year = query(request)
        code = request.query_params.get("indicator", "")
        if year is None or not code:
            raise exceptions.ValidationError({"indicator": "请给出 indicator（指标代码）和 year（学年）"})
        if code not in load_catalogue().indicators:
            raise Http404(f"指标目录中没有 {code[:40]}")
        found = explain(load_facts(unit), code, unit, year)
        inputs = [{"side": i.side, "text": i.text, "value": i.value, "missing": i.missing, "rows": i.rows.height}
                  for i in found.inputs]  # fmt: skip
        body = {"code": code, "name": found.indicator.name, "unit": unit, "unit_name": found.unit_name,
                "level": found.level, "year": year, "value": found.value, "numerator": found.numerator,
                "denominator": found.denominator, "reason": found.reason, "formula": found.formula,
                "source": found.indicator.source_text, "text": found.text(), "inputs": inputs}  # fmt: skip
        return Response(shapes.finite_tree(body))


class Plans(ApiView):
    @extend_schema(
        summary="规划",
        description="本账号可查看的规划；给出 unit 时只列该区划的规划。",
        parameters=[OpenApiParameter("unit", str, description="所属区划代码")],
        responses=answers(shapes.paged(shapes.Plan, "PlanPage")),
        tags=["规划与目标"],
    )
    def get(self, request: Request) -> Response:
        plans = access.visible(request.user, Plan.objects.order_by("region_code", "name", "pk"))
        if request.query_params.get("unit"):
            plans = plans.filter(region_code=request.query_params["unit"])
        fields = ("id", "name", "region_code", "region_name", "period_start", "period_end", "status")
        return self.paginated(request, list(plans.values(*fields)))


class Targets(ApiView):
    @extend_schema(
        summary="规划目标及研判",
        description="一个规划的每个目标：目标值、基期、最新值、进度、预测与研判（与“目标监测”页面相同）。",
        responses=answers(shapes.paged(shapes.Target, "TargetPage")),
        tags=["规划与目标"],
    )
    def get(self, request: Request, pk: int) -> Response:
        plan = access.get_object(request, Plan, pk=pk)
        rows = [row.record() for row in cached_evaluation(plan).rows]
        return self.paginated(request, shapes.finite(rows))


class Evaluations(ApiView):
    @extend_schema(
        summary="督导评估",
        description="一个县一个学年的评估结果：结论、理由、缺少的输入、各评估项、各学段每所学校的指标与差距。"
        "数据不完整时结论为“无法评估”（incomplete）。不填 year 为最近一个报齐的学年。",
        parameters=[UNIT, YEAR],
        responses=answers(shapes.Evaluation),
        tags=["督导评估"],
    )
    def get(self, request: Request, kind: str) -> Response:
        from eduplan.web.standards.pages import KIND_NAMES

        if kind not in KIND_NAMES:
            raise Http404(f"没有评估 {kind}；可用：{'、'.join(KIND_NAMES)}")
        county, year = county_query(request)
        if year is None:
            year = latest_complete_year(load_facts(county.code), county.code)
            if year is None:
                raise Http404(f"{county.name}还没有报齐的学年，请用 year 参数指定")
        data = sources.evaluation(kind, county.code, year).to_json()
        stages = {s: data.pop(s) for s in list(data) if isinstance(data[s], dict) and "schools" in data[s]}
        data["stages"] = stages
        return Response(shapes.finite_tree(data))


class Status(ApiView):
    @extend_schema(
        summary="报送完整性与审核状态",
        description="一个县每个学年的报送完整性（各校各核心表是否报齐）和数据审核状态。",
        parameters=[UNIT, YEAR],
        responses=answers(shapes.paged(shapes.YearStatus, "YearStatusPage")),
        tags=["指标"],
    )
    def get(self, request: Request) -> Response:
        county, year = county_query(request)
        statuses = year_status(load_facts(county.code), county.code)
        rows = []
        for y, s in sorted(statuses.items()):
            if year is not None and y != year:
                continue
            state = state_of(county.code, y)
            rows.append({"year": y, "complete": s.complete, "completeness": s.label, "detail": s.detail,
                         "approval": state, "approval_label": Approval.State(state).label})  # fmt: skip
        return self.paginated(request, rows)
