"""Indicator pages: all indicators of a unit, one indicator over the years, a county's townships and schools
compared on one indicator, and the data-quality findings. Every number shows its explanation beside it."""

from __future__ import annotations

import io
from typing import Any

import polars as pl
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from eduplan import results
from eduplan.errors import EduplanError
from eduplan.facts import LEVELS, TABLES, Facts
from eduplan.indicators.catalogue import Indicator, load_catalogue
from eduplan.indicators.completeness import CORE_TABLES, YearChoice, missing_text, reporting
from eduplan.indicators.display import SPLIT_NOTE, is_split
from eduplan.indicators.explain import column_label, explain, readable
from eduplan.indicators.quality import check, completeness
from eduplan.memo import per_facts
from eduplan.web import access
from eduplan.web.charts import Series, bar_chart, line_chart
from eduplan.web.downloads import CSV, attachment
from eduplan.web.schools.models import OrgUnit
from eduplan.web.years import year_choice

DOWNLOAD_HEADERS = {"unit": "单位代码", "name": "单位名称", "year": "学年", "value": "数值", "numerator": "分子",
                    "denominator": "分母", "reason": "缺失原因"}  # fmt: skip


FIELD_LABELS = {c.name: c.label for t in TABLES.values() for c in t.columns}
SOURCE_ROWS = 200  # source rows shown per input; the CLI `eduplan explain` and the downloads give everything


def _county(request: HttpRequest) -> OrgUnit | None:
    """The county asked for (?county=), else the user's first county."""
    return access.county_of(request, "county")


def _indicator(code: str) -> Indicator:
    try:
        return load_catalogue().get(code)
    except EduplanError as exc:
        raise Http404(exc.message) from exc


def _names(facts: Facts) -> dict[str, str]:
    pairs = zip(facts.org_units["code"], facts.org_units["name"], strict=True)
    return dict(pairs) | dict(zip(facts.schools["code"], facts.schools["name"], strict=True))


def _with_names(frame: pl.DataFrame, names: dict[str, str], column: str = "unit") -> pl.DataFrame:
    """`frame` with a `name` column: the name of the code in `column` (the code itself when it has none)."""
    return frame.with_columns(pl.col(column).replace_strict(names, default=pl.col(column)).alias("name"))


def _units(facts: Facts, county: str) -> list[dict[str, str]]:
    """The county and its townships, for the unit picker."""
    towns = facts.org_units.filter(pl.col("parent") == county).sort("code")
    own = facts.org_units.filter(pl.col("code") == county)
    rows = pl.concat([own, towns]).select("code", "name", "level").to_dicts()
    return [r | {"level_name": LEVELS.get(r["level"], r["level"])} for r in rows]


def _context(request: HttpRequest) -> tuple[dict[str, Any], Facts | None]:
    county = _county(request)
    if county is None:
        return {"county": None}, None
    facts = results.county_facts(county.code)
    unit = request.GET.get("unit") or county.code
    names = _names(facts)
    if unit not in names:
        raise Http404(f"{county.name}没有代码为 {unit} 的单位或学校")
    units = _units(facts, county.code)
    if unit not in {u["code"] for u in units}:
        units.append({"code": unit, "name": names[unit], "level": "school", "level_name": "学校"})
    choice = year_choice(request, facts, county.code)
    context = {"county": county, "unit": unit, "units": units, "unit_name": names[unit], "choice": choice}
    return context, facts


def _year(context: dict[str, Any]) -> int | None:
    """The page's year: asked for, else the county's latest complete year (see eduplan.web.years)."""
    choice: YearChoice = context["choice"]
    return choice.year


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """`/indicators/`: every indicator of one unit in one year, each with its formula and inputs beside it."""
    context, facts = _context(request)
    if facts is None:
        return render(request, "indicators/index.html", context)
    year = _year(context)
    stored = results.indicator_rows(context["county"].code, year, context["unit"])
    catalogue = load_catalogue()
    split = {ind.code: SPLIT_NOTE for ind in catalogue if is_split(ind)}
    order = {ind.code: n for n, ind in enumerate(catalogue)}
    rows = sorted(stored.rows.to_dicts(), key=lambda r: order.get(r["code"], len(order)))
    context |= {
        "year": year,
        "stored": stored,
        "rows": [r | {"ind": catalogue.get(r["code"]), "split": split.get(r["code"], "")} for r in rows],
    }
    return render(request, "indicators/index.html", context)


def _series(county: str, ind: Indicator, unit: str) -> tuple[pl.DataFrame, results.Stored]:
    stored = results.indicator_rows(county, unit=unit)
    return stored.rows.filter(pl.col("code") == ind.code).sort("year"), stored


def _download(frame: pl.DataFrame, ind: Indicator, fmt: str, names: dict[str, str]) -> HttpResponse:
    table = _with_names(frame, names).select(list(DOWNLOAD_HEADERS)).rename(DOWNLOAD_HEADERS)
    if fmt == "csv":
        # UTF-8 with BOM so that Excel on Windows opens the Chinese headers correctly.
        return attachment("\ufeff" + table.write_csv(), f"{ind.code}.csv", CSV)
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = ind.name[:31]
    sheet.append(table.columns)
    for row in table.iter_rows():
        sheet.append(list(row))
    sheet.append([])
    sheet.append(
        [
            f"公式：{ind.numerator_label} ÷ {ind.denominator_label}"
            if ind.denominator_label
            else ind.numerator_label
        ]
    )
    sheet.append([f"来源：{ind.source_text}"])
    buffer = io.BytesIO()
    book.save(buffer)
    return attachment(buffer.getvalue(), f"{ind.code}.xlsx")


@login_required
def indicator(request: HttpRequest, code: str) -> HttpResponse:
    """`/indicators/<code>/`: one indicator of one unit over the years: chart, table, downloads, explanation."""
    ind = _indicator(code)
    context, facts = _context(request)
    if facts is None:
        return render(request, "indicators/indicator.html", context | {"ind": ind})
    series, stored = _series(context["county"].code, ind, context["unit"])
    fmt = request.GET.get("format", "")
    if fmt in ("csv", "xlsx"):
        access.audit(request, "export", context["unit"], indicator=code, format=fmt, rows=series.height)
        return _download(series, ind, fmt, _names(facts))
    choice: YearChoice = context["choice"]
    rows = [
        r | {"data": "" if r["year"] not in choice.options or choice.options[r["year"]].complete
             else choice.options[r["year"]].label}
        for r in series.to_dicts()
    ]  # fmt: skip
    year = _year(context)
    points = [(r["year"], r["value"]) for r in rows]
    chart = (
        line_chart([Series(context["unit_name"], points)], title=ind.name, y_label=ind.unit) if rows else ""
    )
    unit = context["unit"]
    explanation = (
        per_facts(facts, ("explain", code, unit, year), lambda: explain(facts, code, unit, year))
        if year is not None
        else None
    )
    inputs = [
        {"side": i.side, "text": i.text, "value": i.value, "missing": i.missing,
         "columns": [column_label(c) for c in i.rows.columns], "rows": readable(i.rows.head(SOURCE_ROWS)).rows(),
         "height": i.rows.height}
        for i in (explanation.inputs if explanation else ())
    ]  # fmt: skip
    context |= {
        "ind": ind,
        "rows": rows,
        "stored": stored,
        "chart": chart,
        "year": year,
        "explanation": explanation,
        "inputs": inputs,
        "split_note": SPLIT_NOTE if is_split(ind) else "",
    }
    return render(request, "indicators/indicator.html", context)


@login_required
def compare(request: HttpRequest, code: str) -> HttpResponse:
    """`/indicators/<code>/compare/`: a county's townships and schools side by side on one indicator."""
    ind = _indicator(code)
    context, facts = _context(request)
    if facts is None:
        return render(request, "indicators/compare.html", context | {"ind": ind})
    county = context["county"].code
    year = _year(context)
    stored = results.indicator_rows(county, year)
    this_year = _with_names(stored.rows.filter(pl.col("code") == code), _names(facts))
    towns = this_year.filter(pl.col("level") == "township").sort("unit").to_dicts()
    schools = (
        this_year.filter(pl.col("level") == "school")
        .sort("value", descending=True, nulls_last=True)
        .to_dicts()
    )
    chart = bar_chart([t["name"] for t in towns], [t["value"] for t in towns], title=f"{ind.name}（{year}）",
                      y_label=ind.unit) if towns else ""  # fmt: skip
    whole = this_year.filter(pl.col("unit") == county).to_dicts()
    context |= {
        "ind": ind, "year": year, "towns": towns, "schools": schools, "chart": chart, "stored": stored,
        "whole": whole[0] if whole else None,
    }  # fmt: skip
    return render(request, "indicators/compare.html", context)


def _missing(facts: Facts, county: str, year: int) -> list[str]:
    """What is missing in `year` (`missing_text`, its first five per table), made once per data version."""
    return per_facts(facts, ("missing", county, year), lambda: missing_text(facts, county, year, limit=5))


def reporting_rows(facts: Facts, county: str, choice: YearChoice) -> list[dict[str, Any]]:
    """Per year, newest first: each core table's reporting rate and whether the year is complete."""
    frame = reporting(facts).filter(pl.col("county") == county)
    rows = []
    for year, status in sorted(choice.options.items(), reverse=True):
        here = frame.filter(pl.col("year") == year)
        tables = {t: f"{r}/{n}" for t, r, n in here.select("table", "reported", "open").iter_rows()}
        missing = _missing(facts, county, year) if not status.complete else []
        rows.append({"year": year, "label": status.label, "complete": status.complete,
                     "tables": [tables.get(t, "—") for t in CORE_TABLES], "missing": missing})  # fmt: skip
    return rows


@login_required
def quality(request: HttpRequest) -> HttpResponse:
    """`/indicators/quality/`: every data-quality finding of the county, and completeness per township."""
    context, facts = _context(request)
    if facts is None:
        return render(request, "indicators/quality.html", context)
    findings = per_facts(facts, "quality-check", lambda: check(facts))
    years = sorted(findings["year"].unique().to_list(), reverse=True)
    asked = access.int_param(request, "year")
    if asked is not None:
        findings = findings.filter(pl.col("year") == asked)
    names = _names(facts)
    findings = _with_names(findings, names).with_columns(
        pl.col("field").replace_strict(FIELD_LABELS, default=pl.col("field")).alias("field_label")
    )
    fill = _with_names(per_facts(facts, "completeness", lambda: completeness(facts)), names, "township")
    context |= {
        "findings": findings.to_dicts(),
        "counts": findings.group_by("severity").len().to_dicts(),
        "years": years,
        "year": asked,
        "completeness": fill.sort("year", "township", descending=[True, False]).to_dicts(),
        "reporting": reporting_rows(facts, context["county"].code, context["choice"]),
    }
    return render(request, "indicators/quality.html", context)
