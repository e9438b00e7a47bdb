"""Reporting completeness: which schools open in a year have reported each core table (DHIS2's reporting rate).

A year is complete for a county when, for every core table, the schools that reported it divided by the
schools open that year reaches the required share (1.0 unless the setting EDUPLAN_COMPLETE_SHARE lowers it).
Pages, commands and evaluations default to the latest complete year and label any other year
数据不完整（已报 r/n 所）. A city or province is complete in a year when every county under it is.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

import polars as pl

from eduplan.errors import ConfigError
from eduplan.facts import Facts
from eduplan.memo import per_facts

# The tables every open school reports each year; a school has reported a table when it has a row there.
CORE_TABLES = ("school_year", "stage_year", "grade_year")
CORE_LABELS = {"school_year": "学校年度统计", "stage_year": "分学段统计", "grade_year": "分年级统计"}
SHARE_SETTING = "EDUPLAN_COMPLETE_SHARE"
SCHEMA = {
    "county": pl.String(),
    "year": pl.Int64(),
    "table": pl.String(),
    "open": pl.Int64(),
    "reported": pl.Int64(),
    "rate": pl.Float64(),
}


def required_share(raw: str | None = None) -> float:
    """The share of open schools that must report for a year to count as complete: the setting
    EDUPLAN_COMPLETE_SHARE (0.98, 98 or 98%), 1.0 when unset. A bad value is a ConfigError."""
    text = (os.environ.get(SHARE_SETTING, "") if raw is None else raw).strip()
    if not text:
        return 1.0
    try:
        value = float(text.rstrip("%"))
    except ValueError:
        value = -1.0
    share = value / 100 if text.endswith("%") or value > 1 else value
    if not 0.5 <= share <= 1.0:
        raise ConfigError(
            f"环境变量 {SHARE_SETTING} 的值 {text!r} 无法识别：应为 50% 到 100% 之间的比例，如 0.98 或 98%",
            english=f"{SHARE_SETTING}={text!r}: expected a share between 0.5 and 1",
        )
    return share


@dataclass(frozen=True)
class YearStatus:
    """The completeness of one unit and year: the weakest core table decides."""

    unit: str
    year: int
    open: int
    reported: int
    complete: bool
    tables: dict[str, tuple[int, int]] = field(default_factory=dict)  # table → (reported, open)

    @property
    def label(self) -> str:
        """数据完整, or 数据不完整（已报 r/n 所） naming the weakest table's count."""
        if self.complete:
            return "数据完整"
        return f"数据不完整（已报 {self.reported}/{self.open} 所）"

    @property
    def detail(self) -> str:
        """Each core table's count, e.g. 学校年度统计 3/111 所、分学段统计 111/111 所."""
        return "、".join(f"{CORE_LABELS[t]} {r}/{n} 所" for t, (r, n) in self.tables.items())

    def as_json(self) -> dict[str, object]:
        return {
            "year": self.year,
            "complete": self.complete,
            "open": self.open,
            "reported": self.reported,
            "label": self.label,
            "tables": {t: {"reported": r, "open": n} for t, (r, n) in self.tables.items()},
        }


def _school_counties(facts: Facts) -> pl.DataFrame:
    """Each school with its county (the township's parent) and the years it was open."""
    towns = facts.org_units.select(pl.col("code").alias("township"), pl.col("parent").alias("county"))
    return (
        facts.schools.select(pl.col("code").alias("school"), "township", "opened_year", "closed_year")
        .join(towns, on="township", how="left")
        .with_columns(pl.col("county").fill_null(pl.col("township").str.slice(0, 6)))
    )


def _open(schools: pl.DataFrame, years: pl.DataFrame) -> pl.DataFrame:
    """(county, year, school) for every school open in each year: opened by then, not yet closed."""
    return (
        schools.join(years, how="cross")
        .filter(
            (pl.col("opened_year").is_null() | (pl.col("opened_year") <= pl.col("year")))
            & (pl.col("closed_year").is_null() | (pl.col("year") < pl.col("closed_year")))
        )
        .select("county", "year", "school")
    )


def data_years(facts: Facts) -> list[int]:
    """Every year any core table holds, ascending."""
    return sorted({int(y) for t in CORE_TABLES for y in getattr(facts, t)["year"].drop_nulls().unique()})


def _school_rows(facts: Facts, years: list[int]) -> pl.DataFrame:
    """(county, year, school, table, sent): every open or reporting school against every core table."""
    schools = _school_counties(facts)
    year_frame = pl.DataFrame({"year": years}, schema={"year": pl.Int64()})
    open_rows = _open(schools, year_frame)
    parts = []
    for table in CORE_TABLES:
        sent = (
            getattr(facts, table)
            .filter(pl.col("year").is_in(years))
            .select("school", "year")
            .unique()
            .join(schools.select("school", "county"), on="school", how="inner")
            .with_columns(pl.lit(True).alias("sent"))
        )
        both = open_rows.join(sent, on=["county", "year", "school"], how="full", coalesce=True)
        parts.append(both.with_columns(pl.lit(table).alias("table"), pl.col("sent").fill_null(False)))
    return pl.concat(parts)


def reporting(facts: Facts, years: list[int] | None = None) -> pl.DataFrame:
    """Per (county, year, core table): schools open, schools that reported, and their ratio.

    `years` defaults to every year any core table holds. A school that reported but is not listed as open
    (closed, or not yet opened) still counts as reported and as open, so the rate never exceeds 1."""
    years = data_years(facts) if years is None else years
    if not years:
        return pl.DataFrame(schema=SCHEMA)
    frame = (
        _school_rows(facts, years)
        .group_by("county", "year", "table")
        .agg(pl.len().cast(pl.Int64).alias("open"), pl.col("sent").sum().cast(pl.Int64).alias("reported"))
        .with_columns((pl.col("reported") / pl.col("open")).alias("rate"))
    )
    return frame.select(list(SCHEMA)).sort("county", "year", "table")


def _prefix(unit: str) -> str:
    """The county-code prefix of `unit`: a township or school code means its county."""
    return unit[:6] if len(unit) >= 6 else unit


def statuses(frame: pl.DataFrame, unit: str, required: float | None = None) -> dict[int, YearStatus]:
    """Each year's completeness for `unit` from a `reporting` frame: a county, or the counties under a city
    or province summed (a year is complete only when every county under it is)."""
    share = required_share() if required is None else required
    rows = frame.filter(pl.col("county").str.starts_with(_prefix(unit)))
    out: dict[int, YearStatus] = {}
    for (year,), group in rows.group_by("year"):
        summed = group.group_by("table").agg(pl.col("open").sum(), pl.col("reported").sum())
        tables = {t: (int(r), int(n)) for t, n, r in summed.select("table", "open", "reported").iter_rows()}
        tables = {t: tables.get(t, (0, 0)) for t in CORE_TABLES}
        weakest = min(tables.values(), key=lambda rn: rn[0] / rn[1] if rn[1] else 0.0)
        ok = group.group_by("county").agg(((pl.col("rate") >= share).all() & (pl.len() == 3)).alias("ok"))
        out[int(year)] = YearStatus(unit, int(year), weakest[1], weakest[0], bool(ok["ok"].all()), tables)
    return dict(sorted(out.items()))


def year_status(facts: Facts, unit: str, required_share: float | None = None) -> dict[int, YearStatus]:
    """Each year's completeness for `unit` (a county, or the counties under a city or province)."""
    frame = per_facts(facts, "reporting", lambda: reporting(facts))
    return per_facts(facts, ("statuses", unit, required_share), lambda: statuses(frame, unit, required_share))


def latest_complete_year(facts: Facts, unit: str, required_share: float | None = None) -> int | None:
    """The latest year every open school of `unit` reported every core table (None when there is none)."""
    complete = [y for y, s in year_status(facts, unit, required_share).items() if s.complete]
    return max(complete) if complete else None


@dataclass(frozen=True)
class YearChoice:
    """The year a page, command or evaluation uses, and every year it may choose, with their completeness."""

    year: int | None
    status: YearStatus | None
    options: dict[int, YearStatus]
    latest_complete: int | None

    @property
    def complete(self) -> bool:
        return self.status is not None and self.status.complete

    def label(self, year: int | None = None) -> str:
        """2024-2025 学年, with · 数据不完整（已报 r/n 所） for an incomplete year."""
        year = self.year if year is None else year
        if year is None:
            return "无数据"
        status = self.options.get(year)
        text = f"{year}-{year + 1} 学年"
        return text if status is None or status.complete else f"{text} · {status.label}"

    def choices(self) -> list[tuple[int, str]]:
        """(year, label) newest first, for a year picker."""
        return [(y, self.label(y)) for y in sorted(self.options, reverse=True)]


def choose_year(
    facts: Facts, unit: str, asked: int | None = None, required_share: float | None = None
) -> YearChoice:
    """`asked` when the data hold it, else the latest complete year, else the latest year with data."""
    options = year_status(facts, unit, required_share)
    complete = [y for y, s in options.items() if s.complete]
    latest = max(complete) if complete else None
    if asked is not None and asked in options:
        year: int | None = asked
    else:
        year = latest if latest is not None else (max(options) if options else None)
    return YearChoice(year, options.get(year) if year is not None else None, options, latest)


def missing_schools(facts: Facts, unit: str, year: int) -> dict[str, list[str]]:
    """Per core table, the schools of `unit` open in `year` that did not report it (codes, sorted)."""
    rows = _school_rows(facts, [year]).filter(
        pl.col("county").str.starts_with(_prefix(unit)) & ~pl.col("sent")
    )
    return {t: sorted(rows.filter(pl.col("table") == t)["school"].to_list()) for t in CORE_TABLES}


def missing_text(facts: Facts, unit: str, year: int, limit: int = 10) -> list[str]:
    """What is missing in `year`, one line per table: 学校年度统计未报 3 所：甲小学、乙小学…"""
    names = dict(zip(facts.schools["code"], facts.schools["name"], strict=True))
    lines = []
    for table, codes in missing_schools(facts, unit, year).items():
        if codes:
            shown = "、".join(names.get(c, c) for c in codes[:limit])
            more = f" 等 {len(codes)} 所" if len(codes) > limit else ""
            lines.append(f"{CORE_LABELS[table]}未报 {len(codes)} 所：{shown}{more}")
    return lines


def changes(before: pl.DataFrame, after: pl.DataFrame) -> pl.DataFrame:
    """(county, year, table, before, after): the reporting counts an import changed, from two `reporting` frames."""
    keys = ["county", "year", "table"]
    old = before.select(*keys, pl.col("reported").alias("before"))
    new = after.select(*keys, pl.col("reported").alias("after"))
    both = old.join(new, on=keys, how="full", coalesce=True).with_columns(
        pl.col("before").fill_null(0), pl.col("after").fill_null(0)
    )
    return both.filter(pl.col("before") != pl.col("after")).sort(keys)


def import_lines(
    before: pl.DataFrame, after: pl.DataFrame, names: dict[str, str]
) -> tuple[list[str], list[str]]:
    """(report, warnings) after an import: each changed county's completeness per year, and a loud warning for
    every year the import left incomplete and every table it emptied for a county and year."""
    changed = changes(before, after)
    report: list[str] = []
    warnings: list[str] = []
    for county in changed["county"].unique().sort().to_list():
        name = f"{names.get(county, county)}（{county}）"
        years = statuses(after, county)
        latest = max((y for y, s in years.items() if s.complete), default=None)
        report.append(f"报送完整性：{name}")
        for year, status in years.items():
            report.append(f"  {year}-{year + 1} 学年  {status.label}  {status.detail}")
        touched = set(changed.filter(pl.col("county") == county)["year"].to_list())
        for year in sorted(touched):
            if year in years and not years[year].complete:
                default = f"，各页面与评估仍默认使用 {latest} 学年" if latest is not None else ""
                warnings.append(f"警告：{name} {year} 学年{years[year].label}{default}")
        emptied = changed.filter(
            (pl.col("county") == county) & (pl.col("after") == 0) & (pl.col("before") > 0)
        )
        for year, table, was in emptied.select("year", "table", "before").iter_rows():
            warnings.append(
                f"警告：{name} {year} 学年的{CORE_LABELS[table]}已被清空（导入前 {was} 所学校有数据）"
            )
    return report, warnings
