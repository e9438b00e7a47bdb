"""Plans over the API beyond their targets: a plan's ranked warnings, and a target's values entered by hand
(for indicators the catalogue cannot compute), read and written."""

from __future__ import annotations

import math
from typing import Any, ClassVar, cast

from django import forms
from django.db import transaction
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response

from eduplan.web import access
from eduplan.web.api import shapes
from eduplan.web.api.base import ApiView, Invalid, problem
from eduplan.web.api.views import ERRORS, Targets, answers
from eduplan.web.plans import dashboard
from eduplan.web.plans.forms import TargetForm
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


REFUSED = "目标的内容不符合要求，未作任何修改"


def _field(field: forms.Field, required: bool) -> serializers.Field:  # type: ignore[type-arg]
    """The serializer field documenting one of TargetForm's fields (the form validates; this documents)."""
    text = f"{field.label}{'：' + str(field.help_text) if field.help_text else ''}"
    common: dict[str, Any] = {"help_text": text, "required": required}
    if isinstance(field, forms.BooleanField):
        return serializers.BooleanField(**common)
    common["allow_null"] = not field.required
    if isinstance(field, forms.ChoiceField):
        choices = cast("list[tuple[str, str]]", field.choices)
        return serializers.ChoiceField(choices=[c for c, _ in choices if c != ""], **common)
    if isinstance(field, forms.IntegerField):
        return serializers.IntegerField(**common)
    if isinstance(field, forms.FloatField):
        return serializers.FloatField(**common)
    return serializers.CharField(allow_blank=True, **common)


def _fields_serializer(name: str, required: bool, extra: dict[str, Any]) -> type[serializers.Serializer]:  # type: ignore[type-arg]
    fields = {n: _field(f, required) for n, f in TargetForm().fields.items()}
    return type(name, (serializers.Serializer,), {**extra, **fields})


TargetFields = _fields_serializer("TargetFields", required=False, extra={})
TargetRecord = _fields_serializer("TargetRecord", required=True, extra={
    "id": serializers.IntegerField(help_text="目标编号"),
    "plan": serializers.IntegerField(help_text="规划编号"),
    "changed": serializers.ListField(child=serializers.CharField(), help_text="本次请求改变的字段（读取时为空）"),
})  # fmt: skip


def _record(target: Target, changed: list[str]) -> dict[str, Any]:
    """The target as its editor shows it: every field of TargetForm, the indicator by its catalogue name."""
    form = TargetForm(instance=target)
    return {"id": target.pk, "plan": target.plan_id, **{n: form[n].value() for n in form.fields},
            "changed": changed}  # fmt: skip


def _save(request: Request, target: Target) -> tuple[Target, list[str]]:
    """The body over the target's current fields, checked and saved by the target editor's form; a 400 naming
    each field, its value and what was expected otherwise (nothing written)."""
    body = request.data
    if not isinstance(body, dict):
        raise Invalid(REFUSED, [problem(None, "", None, "请求内容应为一个对象（字段名: 值）")])
    known = TargetForm().fields
    unknown = [problem(None, str(k), v, f"没有这个字段；可用：{'、'.join(known)}") for k, v in body.items()
               if k not in known]  # fmt: skip
    if unknown:
        raise Invalid(REFUSED, unknown)
    current = {n: v for n, v in _record(target, []).items() if n in known}  # a new one: the model's defaults
    data = {n: "" if v is None else v for n, v in (current | body).items()}
    form = TargetForm(data, instance=target)
    if not form.is_valid():
        raise Invalid(REFUSED, [
            problem(None, "" if n == "__all__" else n, body.get(n, current.get(n)), str(m))
            for n, messages in form.errors.items() for m in messages
        ])  # fmt: skip
    changed = list(form.changed_data)
    if changed or not target.pk:
        with transaction.atomic():
            target = form.save()
    return target, changed


class TargetDetail(ApiView):
    parser_classes: ClassVar[list[Any]] = [JSONParser]

    @extend_schema(
        summary="一个目标的可编辑内容",
        description="与“编辑目标”页面相同的字段；指标以指标目录中的名称给出。原样 PUT 回去不改变任何数据。",
        responses=answers(TargetRecord),
        tags=["规划与目标"],
    )
    def get(self, request: Request, pk: int, target_id: int) -> Response:
        target = access.get_object(request, Target.objects.select_related("plan"), pk=target_id, plan_id=pk)
        return Response(_record(target, []))

    @extend_schema(
        summary="修改目标",
        description="按“编辑目标”页面的规则修改一个目标（需有该县的编辑权限）；未给出的字段保持不变。"
        "内容不符合要求时返回 400，逐项列出字段、值和要求，不作任何修改。",
        request=TargetFields,
        responses=answers(TargetRecord),
        tags=["规划与目标"],
    )
    def put(self, request: Request, pk: int, target_id: int) -> Response:
        queryset = Target.objects.select_related("plan")
        target = access.get_object(request, queryset, "edit", pk=target_id, plan_id=pk)
        target, changed = _save(request, target)
        self.note(unit=target.plan.region_code, target=target.pk, changed=changed)
        return Response(_record(target, changed))


class PlanTargets(Targets):
    parser_classes: ClassVar[list[Any]] = [JSONParser]

    @extend_schema(
        summary="新增目标",
        description="按“新建目标”页面的规则给规划新增一个目标（需有该县的编辑权限）。"
        "内容不符合要求时返回 400，逐项列出字段、值和要求，不作任何修改。",
        request=TargetFields,
        responses={201: TargetRecord, **ERRORS},
        tags=["规划与目标"],
    )
    def post(self, request: Request, pk: int) -> Response:
        plan = access.get_object(request, Plan, "edit", pk=pk)
        target, changed = _save(request, Target(plan=plan))
        self.note(unit=plan.region_code, target=target.pk, created=True)
        return Response(_record(target, changed), status=201)
