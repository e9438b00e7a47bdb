"""Plan and target forms; validation lives in the models' clean() so the admin and imports share it."""

from __future__ import annotations

from django import forms

from eduplan.web.plans.models import ManualValue, Milestone, Plan, Target


class PlanForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Plan
        fields = (
            "name",
            "region_code",
            "region_name",
            "period_start",
            "period_end",
            "source_document",
            "status",
        )


class TargetForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Target
        fields = (
            "number", "indicator_text", "indicator_code", "scope", "scope_value", "comparator", "value", "value_high",
            "unit", "direction", "target_year", "baseline_value", "baseline_year", "recurrence", "attribute",
            "responsible_office", "quote", "note",
        )  # fmt: skip
        widgets = {  # noqa: RUF012 - Django reads it as a dict
            "quote": forms.Textarea(attrs={"rows": 3}),
            "note": forms.Textarea(attrs={"rows": 2}),
        }

    def clean_indicator_code(self) -> str:
        from eduplan.web.plans import indicator_source

        code: str = self.cleaned_data.get("indicator_code", "").strip()
        known = indicator_source.catalogue()
        if code and known and code not in known:
            raise forms.ValidationError(
                f"指标目录中没有代码 {code}；目录尚不能计算的指标请留空，按年手工填报"
            )
        return code


MilestoneFormSet = forms.inlineformset_factory(
    Target, Milestone, fields=["year", "value"], extra=2, can_delete=True
)
ManualValueFormSet = forms.inlineformset_factory(
    Target, ManualValue, fields=["year", "value", "source"], extra=1, can_delete=True
)
