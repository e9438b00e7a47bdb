"""Plans over the API beyond their targets: a plan's ranked warnings, and a target's values entered by hand
(for indicators the catalogue cannot compute), read and written."""

from __future__ import annotations

import math
from typing import Any, ClassVar

from django.db import transaction
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response

from eduplan.web import access
from eduplan.web.api import shapes
from eduplan.web.api.base import ApiView
from eduplan.web.api.views import answers
from eduplan.web.plans import dashboard
from eduplan.web.plans.models import ManualValue, Plan, Target
from eduplan.web.plans.services import cached_evaluation, plan_warnings


class Warning(serializers.Serializer):  # type: ignore[type-arg]
    kind = serializers.CharField(help_text="预警类别代码")
    kind_label = serializers.CharField(help_text="预警类别（中文）")
    label = serializers.CharField(help_text="指标（含范围）")
    message = serializers.CharField(help_text="预警说明")
    target_year = serializers.IntegerField(help_text="目标年份")
    ratio = serializers.FloatField(allow_null=True, help_text="完成进度比")


class ManualValueRow(serializers.Serializer):  # type: ignore[type-arg]
    year = serializers.IntegerField(min_value=1990, max_value=2100, help_text="学年（或年份）")
    value = serializers.FloatField(help_text="数值")
    source = serializers.CharField(max_length=200, required=False, allow_blank=True, help_text="来源")

    def validate_value(self, value: float) -> float:
        if not math.isfinite(value):
            raise serializers.ValidationError("应为有限的数值")
        return value


class Warnings(ApiView):
    @extend_schema(
        summary="规划预警",
        description="一个规划按严重程度排列的预警（与“规划监测”总览页相同）。",
        responses=answers(shapes.paged(Warning, "WarningPage")),
        tags=["规划与目标"],
    )
    def get(self, request: Request, pk: int) -> Response:
        plan = access.get_object(request, Plan, pk=pk)
        evaluation = cached_evaluation(plan)
        found = plan_warnings(evaluation.rows, dashboard.latest_year(evaluation.rows), evaluation.findings)
        rows = [{"kind": w.kind, "kind_label": w.kind_label, "label": w.label, "message": w.message,
                 "target_year": w.target_year, "ratio": w.ratio} for w in found]  # fmt: skip
        return self.paginated(request, shapes.finite(rows))


class ManualValues(ApiView):
    parser_classes: ClassVar[list[Any]] = [JSONParser]

    @extend_schema(
        summary="目标的手工填报值",
        description="一个目标每年手工填报的值（指标目录尚不能由统计数据计算的指标）。",
        responses=answers(shapes.paged(ManualValueRow, "ManualValuePage")),
        tags=["规划与目标"],
    )
    def get(self, request: Request, pk: int) -> Response:
        target = access.get_object(request, Target, pk=pk)
        rows = list(target.manual_values.order_by("year").values("year", "value", "source"))
        return self.paginated(request, rows)

    @extend_schema(
        summary="写入目标的手工填报值",
        description="按年份新增或更新手工填报值（一次请求一个事务；同样的内容重复提交不改变数据）。",
        request=ManualValueRow(many=True),
        responses=answers(shapes.WriteResult),
        tags=["规划与目标"],
    )
    def put(self, request: Request, pk: int) -> Response:
        target = access.get_object(request, Target.objects.select_related("plan"), "edit", pk=pk)
        rows = ManualValueRow(data=request.data, many=True)
        rows.is_valid(raise_exception=True)
        counts = {"created": 0, "updated": 0, "unchanged": 0}
        with transaction.atomic():
            for row in rows.validated_data:
                stored = ManualValue.objects.filter(target=target, year=row["year"]).first()
                source = row.get("source", stored.source if stored else "")
                if stored is None:
                    ManualValue.objects.create(
                        target=target, year=row["year"], value=row["value"], source=source
                    )
                    counts["created"] += 1
                elif (stored.value, stored.source) != (row["value"], source):
                    stored.value, stored.source = row["value"], source
                    stored.save()
                    counts["updated"] += 1
                else:
                    counts["unchanged"] += 1
        self.note(unit=target.plan.region_code, target=target.pk, **counts)
        return Response({"table": "manual_values", **counts, "batch": None})
