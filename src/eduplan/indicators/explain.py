"""Why a number is what it is: formula, numerator, denominator, each input term and the fact rows it summed."""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

from eduplan.errors import NotFound
from eduplan.facts import LEVELS, STAGE_NAMES, TABLES, Facts
from eduplan.indicators.catalogue import Indicator, load_catalogue
from eduplan.indicators.engine import MISS, compute, hierarchy, level_frames, sides
from eduplan.indicators.formula import GRADE_COLUMNS, STAGE_COLUMNS, Term
from eduplan.indicators.split import split_resources

# How many source rows the text rendering prints per input; the full frames stay on the Explanation.
TEXT_ROWS = 12
# Source-row columns in words (the facts tables' own labels, plus the keys and derived columns shown here).
KEY_LABELS = {"school": "学校标识码", "name": "学校名称", "year": "学年", "stage": "学段", "grade": "年级",
              "pupils": "学段学生数", "share": "学段拆分比例", "township": "乡镇代码", "unit": "单位代码",
              "indicator": "指标", "value": "指标值", "source": "数据来源"}  # fmt: skip


def column_label(column: str) -> str:
    """A source-row column in words: 在校生数, 专任教师数（全校）."""
    if column in KEY_LABELS:
        return KEY_LABELS[column]
    base = column.removesuffix("_whole_school")
    label = next((t.by_name[base].label for t in TABLES.values() if base in t.by_name), base)
    return f"{label}（全校）" if base != column else label


def readable(rows: pl.DataFrame) -> pl.DataFrame:
    """Source rows as people read them: columns in words, stages and indicator codes by name."""
    names = {i.code: i.name for i in load_catalogue()}
    if "stage" in rows.columns:
        rows = rows.with_columns(pl.col("stage").replace_strict(STAGE_NAMES, default=pl.col("stage")))
    if "indicator" in rows.columns:
        rows = rows.with_columns(pl.col("indicator").replace_strict(names, default=pl.col("indicator")))
    return rows.rename({c: column_label(c) for c in rows.columns})


@dataclass(frozen=True)
class Input:
    side: str  # "numerator" | "denominator" | "reported"
    text: str
    value: float | None
    missing: int
    rows: pl.DataFrame
    term: Term | None = None


@dataclass(frozen=True)
class Explanation:
    indicator: Indicator
    unit: str
    unit_name: str
    level: str
    year: int
    value: float | None
    numerator: float | None
    denominator: float | None
    reason: str | None
    inputs: tuple[Input, ...] = field(default=())

    @property
    def formula(self) -> str:
        ind = self.indicator
        if ind.reported:
            return f"直报：{ind.numerator_label}" + (
                f" ÷ {ind.denominator_label}" if ind.denominator_label else ""
            )
        if not ind.denominator:
            return ind.numerator_label
        scale = f" × {ind.scale:g}" if ind.scale != 1 else ""
        return f"{ind.numerator_label} ÷ {ind.denominator_label}{scale}"

    def text(self) -> str:
        """The explanation in Chinese, as the CLI prints it and the web shows it."""
        ind = self.indicator
        lines = [
            f"指标：{ind.name}",
            f"单位：{self.unit_name}（{self.unit}，{LEVELS.get(self.level, self.level)}）  学年：{self.year}",
            f"数值：{_fmt(self.value)} {_unit(ind)}" + (f"  （缺失：{self.reason}）" if self.reason else ""),
            f"公式：{self.formula}",
            f"分子：{_fmt(self.numerator)}    分母：{_fmt(self.denominator)}",
            f"来源：{ind.source_text}",
        ]
        if ind.note:
            lines.append(f"口径说明：{ind.note}")
        for inp in self.inputs:
            side = {"numerator": "分子项", "denominator": "分母项"}.get(inp.side, "直报")
            miss = f"，{inp.missing} 项缺失" if inp.missing else ""
            lines.append(f"— {side} {inp.text} = {_fmt(inp.value)}（来自 {inp.rows.height} 行{miss}）")
            if inp.rows.height:
                lines.extend("    " + line for line in _table(readable(inp.rows.head(TEXT_ROWS))))
                if inp.rows.height > TEXT_ROWS:
                    lines.append(f"    …… 另有 {inp.rows.height - TEXT_ROWS} 行")
        return "\n".join(lines)


def _unit(ind: Indicator) -> str:
    return "" if ind.unit == "ratio" else ind.unit


def _fmt(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:,.4f}".rstrip("0").rstrip(".")


def _table(frame: pl.DataFrame) -> list[str]:
    rows = [frame.columns, *([("" if v is None else str(v)) for v in row] for row in frame.iter_rows())]
    return ["  ".join(cells) for cells in rows]


def unit_level(facts: Facts, unit: str) -> str:
    if unit in set(facts.schools["code"].to_list()):
        return "school"
    match = facts.org_units.filter(pl.col("code") == unit)
    if match.height:
        return str(match["level"][0])
    by_length = {2: "province", 4: "city", 6: "county", 9: "township"}
    if len(unit) in by_length:
        return by_length[len(unit)]
    raise NotFound(f"没有代码为 {unit} 的单位或学校", english=f"unknown unit {unit}")


def _unit_name(facts: Facts, unit: str) -> str:
    for frame in (facts.schools, facts.org_units):
        hit = frame.filter(pl.col("code") == unit)
        if hit.height:
            return str(hit["name"][0])
    return unit


def _schools_under(facts: Facts, unit: str, level: str) -> list[str]:
    if level == "school":
        return [unit]
    tree = hierarchy(facts)
    towns = tree.filter(pl.col(level) == unit)["township"].to_list()
    return facts.schools.filter(pl.col("township").is_in(towns))["code"].to_list()


def _townships_under(facts: Facts, unit: str, level: str) -> list[str]:
    if level == "school":
        return []
    tree = hierarchy(facts)
    return tree.filter(pl.col(level) == unit)["township"].to_list()


def source_rows(facts: Facts, term: Term, unit: str, level: str, year: int) -> pl.DataFrame:
    """The fact rows a term summed for `unit` in `year` (a lagged term: `year` − lag)."""
    when = year - term.lag
    if term.base == "township":
        towns = _townships_under(facts, unit, level)
        return facts.population.filter(pl.col("township").is_in(towns) & (pl.col("year") == when)).filter(
            term.predicate()
        )
    schools = _schools_under(facts, unit, level)
    attrs = facts.schools.select(
        pl.col("code").alias("school"), "name", "school_type", "ownership", "locale", "boarding"
    )
    if term.column in GRADE_COLUMNS:
        table, keys = facts.grade_year, ["school", "year", "stage", "grade"]
    elif term.column in STAGE_COLUMNS:
        table, keys = facts.stage_year, ["school", "year", "stage"]
    elif term.base == "stage":
        table, keys = split_resources(facts), ["school", "year", "stage", "pupils", "share"]
    else:
        table = facts.school_year.join(facts.health_year, on=["school", "year"], how="full", coalesce=True)
        keys = ["school", "year"]
    rows = table.filter(pl.col("school").is_in(schools) & (pl.col("year") == when)).join(attrs, on="school")
    rows = rows.filter(term.predicate())
    shown = [*keys, "name", *([term.column] if term.column in rows.columns else [])]
    if "share" in keys:  # a split resource: show the whole school's amount beside the stage's share of it
        whole = facts.school_year.select(
            "school", "year", pl.col(term.column).alias(f"{term.column}_whole_school")
        )
        rows = rows.join(whole, on=["school", "year"], how="left")
        shown.append(f"{term.column}_whole_school")
    return rows.select(shown).sort(keys)


def _reported_input(facts: Facts, ind: Indicator, unit: str, level: str, year: int) -> Input:
    units = {unit, *_schools_under(facts, unit, level), *_townships_under(facts, unit, level)}
    if level in ("city", "province"):
        units |= set(hierarchy(facts).filter(pl.col(level) == unit)["county"].to_list())
    rows = facts.reported.filter(
        (pl.col("indicator") == ind.code) & (pl.col("year") == year) & pl.col("unit").is_in(list(units))
    ).sort("unit")
    own = rows.filter(pl.col("unit") == unit)
    value = own["value"][0] if own.height else None
    return Input("reported", "直报指标值表", value, 0 if rows.height else 1, rows)


def explain(facts: Facts, code: str, unit: str, year: int) -> Explanation:
    """The explanation of indicator `code` for org unit or school `unit` in `year`."""
    ind = load_catalogue().get(code)
    level = unit_level(facts, unit)
    result = compute(facts, [code]).filter((pl.col("unit") == unit) & (pl.col("year") == year))
    if result.height == 0:
        raise NotFound(
            f"{_unit_name(facts, unit)}（{unit}）{year} 年没有指标“{ind.name}”的值：该指标不在此层级或此单位计算",
            english=f"no value of {code} for {unit} in {year}",
        )
    row = result.row(0, named=True)
    inputs: list[Input] = []
    if not ind.reported:
        num, den = sides(ind)
        terms = [*num, *den]
        frame = level_frames(facts, terms)[level].filter((pl.col("unit") == unit) & (pl.col("year") == year))
        for side, group in (("numerator", num), ("denominator", den)):
            for t in group:
                value = frame[t.key][0] if frame.height else None
                has_miss = t.key + MISS in frame.columns
                missing = (int(frame[t.key + MISS][0]) if has_miss else 0) if frame.height else 1
                rows = source_rows(facts, t, unit, level, year)
                inputs.append(Input(side, t.text(), value, missing, rows, t))
    else:
        inputs.append(_reported_input(facts, ind, unit, level, year))
    return Explanation(
        indicator=ind,
        unit=unit,
        unit_name=_unit_name(facts, unit),
        level=level,
        year=year,
        value=row["value"],
        numerator=row["numerator"],
        denominator=row["denominator"],
        reason=row["reason"],
        inputs=tuple(inputs),
    )
