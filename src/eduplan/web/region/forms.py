"""The city's 目标分解 form: the target's own fields and, per county of the city, its part and progress."""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms

from eduplan.indicators.catalogue import load_catalogue
from eduplan.web.region.models import Assignment

NUMBER_ERRORS = {"invalid": "请填数值", "min_value": "不能小于 0"}


class AssignmentForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Assignment
        fields = (
            "text",
            "measure",
            "measure_unit",
            "kind",
            "total",
            "indicator_code",
            "target_year",
            "source",
        )
        error_messages: ClassVar[dict[str, dict[str, str]]] = {"text": {"required": "请填写目标原文"}, "measure": {"required": "请填写事项"},
                          "target_year": {"required": "请填写目标年", "invalid": "目标年应为年份"}}  # fmt: skip

    def __init__(self, *args: Any, unit: str, counties: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.unit, self.counties = unit, counties
        self.fields["total"].error_messages["invalid"] = "全市目标值应为数值"
        indicators = [("", "（数量目标不选）"), *((i.code, i.name) for i in load_catalogue())]
        self.fields["indicator_code"] = forms.ChoiceField(
            label="指标（比率目标按各县该指标的值判断）", choices=indicators, required=False,
            error_messages={"invalid_choice": "请从指标目录中选择指标"},
        )  # fmt: skip
        known = {p.county: p for p in self.instance.parts.all()} if self.instance.pk else {}
        for code, name in counties:
            p = known.get(code)
            self.fields[f"target_{code}"] = _number(f"{name}分解目标", p.target if p else None)
            self.fields[f"done_{code}"] = _number(f"{name}已完成", p.done if p else None)
            self.fields[f"own_{code}"] = forms.BooleanField(label=f"{name}自身承诺", required=False, initial=p.own if p else False)  # fmt: skip

    def main(self) -> list[Any]:
        """The target's own fields (the county fields come in `rows`)."""
        return [self[name] for name in self.Meta.fields]

    def rows(self) -> list[dict[str, Any]]:
        """The county rows of the form: name and its three fields."""
        return [{"code": c, "name": n, "target": self[f"target_{c}"], "done": self[f"done_{c}"],
                 "own": self[f"own_{c}"]} for c, n in self.counties]  # fmt: skip

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        parts = self.parts()
        if not parts:
            raise forms.ValidationError("至少为一个县填写分解目标")
        kind, code = data.get("kind"), data.get("indicator_code", "")
        if kind == Assignment.Kind.RATE and code not in load_catalogue().indicators:
            self.add_error("indicator_code", "比率目标须选择指标（按各县该指标的值判断）")
        if kind == Assignment.Kind.COUNT:
            data["indicator_code"] = ""
        for code_, values in parts.items():
            if values["done"] is not None and kind == Assignment.Kind.RATE:
                self.add_error(f"done_{code_}", "比率目标的进度取自该县的指标值，不填“已完成”")
        text = data.get("text")
        clash = Assignment.objects.filter(unit=self.unit, text=text).exclude(pk=self.instance.pk)
        if text and clash.exists():
            self.add_error("text", "本市已有同一原文的目标分解")
        return data

    def parts(self) -> dict[str, dict[str, Any]]:
        """county → target, done, own for the counties given a part."""
        d = self.cleaned_data
        return {c: {"target": d[f"target_{c}"], "done": d.get(f"done_{c}"), "own": bool(d.get(f"own_{c}"))}
                for c, _ in self.counties if d.get(f"target_{c}") is not None}  # fmt: skip


def _number(label: str, initial: float | None) -> forms.FloatField:
    return forms.FloatField(
        label=label, required=False, initial=initial, min_value=0, error_messages=NUMBER_ERRORS
    )
