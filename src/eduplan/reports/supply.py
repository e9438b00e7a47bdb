"""五、学位供需: the places forecast from the report's year, zone by zone and stage by stage."""

from __future__ import annotations

from typing import Any

import polars as pl

from eduplan.facts import STAGE_NAMES
from eduplan.forecast.cohort import Method
from eduplan.forecast.norms import load_norms
from eduplan.forecast.places import LEVEL_NAMES
from eduplan.reports.content import STAGE_PLACES, Places, ReportInputs
from eduplan.reports.document import Block, Heading, Paragraph, Table, ref
from eduplan.reports.numbers import num

ESTIMATORS = {"pooled": "合并", "mean": "平均", "median": "中位数"}
NAME_WIDTHS, YEARS_WIDTH, LEVEL_WIDTH = (3.6, 1.2), 8.5, 2.3  # centimetres: the years share 8.5 cm


def section(inputs: ReportInputs) -> list[Block]:
    blocks: list[Block] = [Heading("五、学位供需")]
    places = inputs.places
    if places is None:
        return [*blocks, Paragraph(f"缺少{inputs.as_of}年及以前的分年级在校生数据，未能预测学位供需。")]
    blocks.append(Paragraph(overview(places)))
    if places.alerts().height:
        blocks.append(alert_table(places))
    if places.unplaced:
        blocks.append(
            Paragraph(
                f"另有{len(places.unplaced)}项带新增学位的重点工程未关联到具体学校，未计入学位供给："
                + "、".join(places.unplaced)
                + "。落位后可重新测算。"
            )
        )
    return blocks


def overview(places: Places) -> str:
    r, n = places.report, load_norms()
    w = r.warnings.filter(pl.col("stage").is_in(list(STAGE_PLACES)))
    count = {k: w.filter(pl.col("level") == k).height for k in LEVEL_NAMES}
    text = (
        f"以{r.origin}年为起点，按{places.method}预测{r.origin + 1}—{r.origin + r.horizon}年各学区分学段在校生，"
        f"并与现有学位及已落位的规划工程对比：{w.height}个学区-学段中，红色预警（{n.red_within}年内出现缺口）"
        f"{count['red']}个，黄色预警（{n.amber_within}年内出现缺口）{count['amber']}个，学位富余（末年利用率低于"
        f"{n.surplus_below:.0%}）{count['surplus']}个，其余{count['green']}个供需基本平衡。"
    )
    worst = worst_gap(places)
    if worst is not None:
        text += (
            f"缺口最大的是{places.name(worst['unit'])}{STAGE_NAMES[worst['stage']]}，{worst['year']}年预测在校生"
            f"{num(worst['demand'], '人')}、学位{num(worst['capacity'], '个')}，缺口{num(worst['gap'], '个')}"
            f"（详见{ref('places')}）。"
        )
    return text


def worst_gap(places: Places) -> dict[str, Any] | None:
    """The (unit, stage, year) with the largest shortfall, or None when no unit lacks places."""
    g = places.report.gaps.filter(pl.col("stage").is_in(list(STAGE_PLACES)) & (pl.col("gap") > 0.5))
    return None if g.is_empty() else g.sort("gap", descending=True).row(0, named=True)


def alert_table(places: Places) -> Table:
    """Red and amber units, one row each: the shortfall in every forecast year (— where places suffice)."""
    r = places.report
    years = list(range(r.origin + 1, r.origin + r.horizon + 1))
    gaps = {(u, s, y): g for u, s, y, g in r.gaps.select("unit", "stage", "year", "gap").iter_rows()}
    rows = []
    for w in places.alerts().iter_rows(named=True):
        cells = [gaps.get((w["unit"], w["stage"], y)) for y in years]
        shown = ["—" if g is None or g <= 0.5 else num(g, "个").removesuffix("个") for g in cells]
        rows.append((places.name(w["unit"]), STAGE_NAMES[w["stage"]], *shown, LEVEL_NAMES[w["level"]]))
    header = ("学区", "学段", *(f"{y}年" for y in years), "预警")
    widths = (*NAME_WIDTHS, *([YEARS_WIDTH / len(years)] * len(years)), LEVEL_WIDTH)
    caption = "学位缺口预警（预测在校生减学位，单位：个；“—”为学位充足）"
    return Table("places", caption, header, rows, widths)


def shortfall_total(places: Places, level: str = "red") -> tuple[int, float]:
    """How many units of a warning level, and their largest gaps summed (places to add, rounded up later)."""
    w = places.alerts().filter(pl.col("level") == level)
    return w.height, float(w["max_gap"].sum()) if w.height else 0.0


def method_text(method: Method) -> str:
    """年级递进比率法（近3年合并升级比率，入学比率按阻尼趋势外推）."""
    text = f"年级递进比率法（近{method.base_years}年{ESTIMATORS.get(method.estimator, '')}升级比率"
    if method.trend:
        text += f"，入学比率按阻尼系数{method.trend:g}的趋势外推"
    return text + "）"
