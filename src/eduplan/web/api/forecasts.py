"""学位预测 over the API: the /forecast/ page's baseline (five years, the plans' placed building projects, no
scenario) per zone, township or county, stage and year, with its warnings, computed by the same call."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from eduplan.facts import STAGE_NAMES
from eduplan.web.api import shapes
from eduplan.web.api.base import ApiView
from eduplan.web.api.views import UNIT, answers, county_query
from eduplan.web.forecast.scenario_form import LEVEL_CHOICES
from eduplan.web.forecast.views import county_forecast

LEVELS = dict(LEVEL_CHOICES)


class ForecastUnit(serializers.Serializer):  # type: ignore[type-arg]
    unit = serializers.CharField(help_text="学区（县代码-学区名）、乡镇代码或县代码")
    name = serializers.CharField(help_text="学区、乡镇或县的名称")
    stage = serializers.CharField(help_text="学段代码")
    stage_name = serializers.CharField(help_text="学段")


class ForecastYear(ForecastUnit):
    year = serializers.IntegerField(help_text="预测学年")
    demand = serializers.FloatField(help_text="预测在校生（人）")
    low = serializers.FloatField(help_text="预测区间下限（人）")
    high = serializers.FloatField(help_text="预测区间上限（人）")
    capacity = serializers.FloatField(help_text="学位数（含当年投用的规划建设项目）")
    gap = serializers.FloatField(help_text="学位缺口：预测在校生减学位，正数为不足，负数为富余")
    utilisation = serializers.FloatField(allow_null=True, help_text="学位使用率（预测在校生 ÷ 学位）")


class ForecastWarning(ForecastUnit):
    level = serializers.CharField(
        help_text="预警等级代码：red 两年内不足，amber 五年内不足，surplus 富余，green 正常"
    )
    level_name = serializers.CharField(help_text="预警等级")
    first_shortfall = serializers.IntegerField(allow_null=True, help_text="首次出现学位不足的学年")
    max_gap = serializers.FloatField(help_text="预测期内最大缺口（人）")
    final_utilisation = serializers.FloatField(allow_null=True, help_text="预测末年的学位使用率")


class Forecast(serializers.Serializer):  # type: ignore[type-arg]
    unit = serializers.CharField(help_text="县级区划代码")
    level = serializers.CharField(help_text="预测单元层级代码：zone 学区，township 乡镇，county 县")
    origin = serializers.IntegerField(help_text="起点学年（最近一个报齐的学年，或 year 参数）")
    horizon = serializers.IntegerField(help_text="预测年数")
    years = ForecastYear(many=True, help_text="每个单元、学段、学年的预测")
    warnings = ForecastWarning(many=True, help_text="每个单元、学段的预警，由重到轻")


class Forecasts(ApiView):
    @extend_schema(
        summary="学位预测",
        description="一个县今后五年每个学区（或乡镇、全县）各学段的预测在校生及区间、学位数和缺口，以及预警"
        "（与“学位预测”页面的基准情景相同，计入规划中已定位的建设项目）。不填 year 为最近一个报齐的学年。",
        parameters=[
            UNIT,
            OpenApiParameter("year", int, description="起点学年，如 2024 表示由 2024-2025 学年起预测"),
            OpenApiParameter(
                "level",
                str,
                enum=[c for c, _ in LEVEL_CHOICES],
                description="预测单元：zone 学区（默认），township 乡镇，county 县",
            ),
        ],
        responses=answers(Forecast),
        tags=["学位预测"],
    )
    def get(self, request: Request) -> Response:
        county, year = county_query(request)
        level = request.query_params.get("level", "zone")
        if level not in LEVELS:
            raise serializers.ValidationError({"level": f"应为 {'、'.join(LEVELS)} 之一"})
        report, warnings = county_forecast(county.code, year, level)
        names = {w["unit"]: w["name"] for w in warnings}
        years = report.gaps.sort("unit", "stage", "year")
        shown = {(w["unit"], w["stage"]) for w in warnings}  # the stages the page shows
        rows = [r | {"name": names[r["unit"]], "stage_name": STAGE_NAMES[r["stage"]]}
                for r in years.to_dicts() if (r["unit"], r["stage"]) in shown]  # fmt: skip
        keep = ("unit", "name", "stage", "stage_name", "level", "level_name", "first_shortfall", "max_gap",
                "final_utilisation")  # fmt: skip
        body = {"unit": county.code, "level": level, "origin": report.origin, "horizon": report.horizon,
                "years": rows, "warnings": [{k: w[k] for k in keep} for w in warnings]}  # fmt: skip
        return Response(shapes.finite_tree(body))
