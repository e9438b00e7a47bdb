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
    origin = forms.IntegerField(label="起点学年", min_value=1990, max_value=2100, required=False)
    horizon = forms.IntegerField(label="预测年数", min_value=1, max_value=10, initial=5)
    migration = forms.FloatField(
        label="净迁入率（%/年）", initial=0.0, min_value=-20, max_value=20, required=False
    )
    zone_migration = forms.CharField(
        label="分学区迁入率（每行：学区或乡镇代码,%/年）",
        widget=forms.Textarea(attrs={"rows": 2, "cols": 40, "placeholder": "990101-城关第一片区,3"}),
        required=False,
    )
    residents = forms.CharField(
        label="规划标准核查：乡镇常住人口（每行：乡镇代码,人数）",
        widget=forms.Textarea(attrs={"rows": 2, "cols": 40, "placeholder": "990101001,52000"}),
        required=False,
    )
    villages = forms.CharField(
        label="行政村常住人口（每行：村名,人数,有无公办园）",
        widget=forms.Textarea(attrs={"rows": 2, "cols": 40, "placeholder": "石桥村,2300,无"}),
        required=False,
    )
    projects = forms.CharField(
        label="建设项目（每行：名称,学校或学区代码,学段,新增学位,投用年份）",
        widget=forms.Textarea(
            attrs={"rows": 4, "cols": 70, "placeholder": "城东新小学,990101001-1,小学,1350,2027"}
        ),
        required=False,
    )


def parse_projects(text: str, places: dict[str, str]) -> pl.DataFrame:
    """Lines "name,code,stage,places,year" -> the project frame; a code that is a school's goes to the school.
    `places` are the schools, zones and townships the region knows: any other code is an error with its line."""
    rows = []
    unknown = []
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = [p.strip() for p in line.replace("，", ",").split(",")]
        if (
            len(parts) != 5
            or parts[2] not in STAGE_CODES
            or not parts[3].lstrip("-").isascii()
            or not parts[3].lstrip("-").isdigit()
            or not (parts[4].isascii() and parts[4].isdigit())
        ):
            raise DataError(
                f"第 {n} 行格式不对：应为“名称,学校或学区代码,学段,新增学位,投用年份”，如“城东新小学,990101001-1,小学,1350,2027”",
                english=f"bad project line {n}: {line}",
            )
        name, code, stage, added, year = parts
        if code not in places:
            unknown.append(f"第 {n} 行：没有学校或学区“{code}”")
        school = code if places.get(code, "").startswith("学校") else None
        rows.append({"name": name, "school": school, "zone": None if school else code,
                     "stage": STAGE_CODES[stage], "places": int(added), "year": int(year)})  # fmt: skip
    if unknown:
        raise DataError("；".join(unknown) + "（学区写“县代码-学区名”或学区名，学校写学校标识码）",
                        english=f"{len(unknown)} project lines name unknown places")  # fmt: skip
    return pl.DataFrame(rows, schema=PROJECT_SCHEMA)


def _lines(text: str, fields: int, example: str) -> list[list[str]]:
    rows = []
    for n, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            parts = [p.strip() for p in line.replace("，", ",").split(",")]
            if len(parts) != fields:
                raise DataError(f"第 {n} 行格式不对：应如“{example}”", english=f"bad line {n}: {line}")
            rows.append(parts)
    return rows


def _number(text: str, example: str) -> float:
    try:
        return float(text)
    except ValueError as exc:
        raise DataError(f"“{text}”不是数字：应如“{example}”", english=f"not a number: {text}") from exc


def parse_zone_migration(text: str, units: set[str] | None = None) -> dict[str, float]:
    """Lines "unit,percent" -> {unit: percent a year}; a unit not in `units` is an error with its line."""
    out = {}
    for n, (unit, value) in enumerate(_lines(text, 2, "990101-城关第一片区,3"), start=1):
        if units is not None and unit not in units:
            raise DataError(f"分学区迁入率第 {n} 行：没有学区或乡镇“{unit}”", english=f"unknown unit {unit}")
        out[unit] = _number(value, "990101-城关第一片区,3")
    return out


def parse_residents(text: str) -> pl.DataFrame | None:
    rows = _lines(text, 2, "990101001,52000")
    if not rows:
        return None
    return pl.DataFrame(
        {"township": [r[0] for r in rows], "residents": [int(_number(r[1], "990101001,52000")) for r in rows]}
    )


def parse_villages(text: str) -> pl.DataFrame | None:
    rows = _lines(text, 3, "石桥村,2300,无")
    if not rows:
        return None
    return pl.DataFrame(
        {
            "village": [r[0] for r in rows],
            "residents": [int(_number(r[1], "石桥村,2300,无")) for r in rows],
            "public_kindergarten": [r[2] in ("有", "是", "true", "1") for r in rows],
        }
    )
