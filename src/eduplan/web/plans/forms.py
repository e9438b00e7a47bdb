"""Plan and target forms; validation lives in the models' clean() so the admin and imports share it."""

from __future__ import annotations

from django import forms

from eduplan.web.plans.models import ManualValue, Milestone, Plan, Project, Target


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


FREE_TEXT = "（不在指标目录中，按年手工填报）"


class IndicatorInput(forms.TextInput):
    """A search box over the catalogue's Chinese names (a datalist: the browser filters as one types)."""

    template_name = "plans/_indicator_input.html"

    def get_context(self, name: str, value: object, attrs: dict[str, object] | None) -> dict[str, object]:
        from eduplan.web.plans import indicator_source

        context = super().get_context(name, value, attrs)
        names = sorted({i.name for i in indicator_source.catalogue().values()})
        context["options"] = [*names, FREE_TEXT]
        return context


class TargetForm(forms.ModelForm):  # type: ignore[type-arg]
    """A target; the indicator is chosen by its Chinese name (search), never by typing a code."""

    indicator = forms.CharField(
        label="指标（输入名称查找）",
        widget=IndicatorInput(attrs={"list": "indicator-names", "autocomplete": "off", "size": 40}),
        help_text=f"从指标目录中选择；目录不能计算的指标选“{FREE_TEXT}”",
    )

    class Meta:
        model = Target
        fields = (
            "number", "indicator_text", "scope", "scope_value", "comparator", "value", "value_high",
            "unit", "direction", "target_year", "baseline_value", "baseline_year", "recurrence", "attribute",
            "responsible_office", "quote", "note",
        )  # fmt: skip
        widgets = {  # noqa: RUF012 - Django reads it as a dict
            "quote": forms.Textarea(attrs={"rows": 3}),
            "note": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.order_fields(["number", "indicator"])
        self.fields["indicator_text"].required = False
        self.fields["indicator_text"].help_text = "规划中的写法；留空则用指标目录中的名称"
        code = self.instance.indicator_code
        if code:
            from eduplan.web.plans import indicator_source

            known = indicator_source.catalogue().get(code)
            self.initial["indicator"] = known.name if known else code
        elif self.instance.pk:
            self.initial["indicator"] = FREE_TEXT

    def clean_indicator(self) -> str:
        """The catalogue code of the chosen name (or alias); "" for a target entered by hand."""
        from eduplan.indicators.catalogue import load_catalogue

        text: str = self.cleaned_data.get("indicator", "").strip()
        if text == FREE_TEXT:
            return ""
        code = load_catalogue().match(text)
        if code is None:
            raise forms.ValidationError(
                f"指标目录中没有“{text}”；请从列表中选择，目录不能计算的指标选“{FREE_TEXT}”"
            )
        return code

    def save(self, commit: bool = True) -> Target:
        from eduplan.web.plans import indicator_source

        target: Target = super().save(commit=False)
        target.indicator_code = self.cleaned_data["indicator"]
        known = indicator_source.catalogue().get(target.indicator_code)
        if not target.indicator_text:
            target.indicator_text = known.name if known else self.cleaned_data.get("indicator", "")
        if commit:
            target.save()
        return target


class ProjectForm(forms.ModelForm):  # type: ignore[type-arg]
    """Place a project (from a plan document) where the forecast can count it: a school or a zone, the places it
    adds per stage, the year it opens."""

    class Meta:
        model = Project
        fields = (
            "name", "kind", "school_code", "zone", "places_preschool", "places_primary", "places_junior",
            "places_senior", "planned_year", "actual_year", "status", "quote",
        )  # fmt: skip
        widgets = {"quote": forms.Textarea(attrs={"rows": 2})}  # noqa: RUF012 - Django reads it as a dict

    def __init__(self, *args: object, places: dict[str, str] | None = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.places = places or {}
        zones = sorted((k, v) for k, v in self.places.items() if v.startswith("学区"))
        if zones:
            self.fields["zone"].widget = forms.Select(choices=[("", "—"), *((k, v[3:]) for k, v in zones)])

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        school, zone = data.get("school_code") or "", data.get("zone") or ""
        if self.places and school and school not in self.places:
            self.add_error("school_code", f"本区域没有学校标识码为 {school} 的学校")
        if self.places and zone and zone not in self.places:
            self.add_error("zone", f"本区域没有学区“{zone}”")
        return data


MilestoneFormSet = forms.inlineformset_factory(
    Target, Milestone, fields=["year", "value"], extra=2, can_delete=True
)
ManualValueFormSet = forms.inlineformset_factory(
    Target, ManualValue, fields=["year", "value", "source"], extra=1, can_delete=True
)
