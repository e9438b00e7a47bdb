"""The scenario editor's form: region, years, migration, and the project table as editable lines."""

from __future__ import annotations

import polars as pl
from django import forms

from eduplan.errors import DataError
from eduplan.facts import STAGE_NAMES
from eduplan.forecast.places import PROJECT_SCHEMA

STAGE_CODES = {**{v: k for k, v in STAGE_NAMES.items()}, **{k: k for k in STAGE_NAMES}, "幼儿园": "preschool"}
LEVEL_CHOICES = [("zone", "学区"), ("township", "乡镇"), ("county", "县")]


class ScenarioForm(forms.Form):
    unit = forms.CharField(label="区划代码", max_length=12)
    level = forms.ChoiceField(label="层级", choices=LEVEL_CHOICES, initial="zone")
    origin = forms.IntegerField(label="起点学年", min_value=1990, max_value=2100)
    horizon = forms.IntegerField(label="预测年数", min_value=1, max_value=10, initial=5)
    migration = forms.FloatField(
        label="净迁入率（%/年）", initial=0.0, min_value=-20, max_value=20, required=False
    )
    projects = forms.CharField(
        label="建设项目（每行：名称,学校或学区代码,学段,新增学位,投用年份）",
        widget=forms.Textarea(
            attrs={"rows": 4, "cols": 70, "placeholder": "城东新小学,990101001-1,小学,1350,2027"}
        ),
        required=False,
    )


def parse_projects(text: str, school_codes: set[str]) -> pl.DataFrame:
    """Lines "name,code,stage,places,year" -> the project frame; a code that is a school's goes to the school."""
    rows = []
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = [p.strip() for p in line.replace("，", ",").split(",")]
        if (
            len(parts) != 5
            or parts[2] not in STAGE_CODES
            or not parts[3].lstrip("-").isdigit()
            or not parts[4].isdigit()
        ):
            raise DataError(
                f"第 {n} 行格式不对：应为“名称,学校或学区代码,学段,新增学位,投用年份”，如“城东新小学,990101001-1,小学,1350,2027”",
                english=f"bad project line {n}: {line}",
            )
        name, code, stage, places, year = parts
        school = code if code in school_codes else None
        rows.append({"name": name, "school": school, "zone": None if school else code,
                     "stage": STAGE_CODES[stage], "places": int(places), "year": int(year)})  # fmt: skip
    return pl.DataFrame(rows, schema=PROJECT_SCHEMA)
