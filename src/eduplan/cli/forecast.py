"""`eduplan forecast places|backtest`: school places years ahead, and the accuracy of the method."""

from __future__ import annotations

import argparse
import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import polars as pl

from eduplan.errors import DataError, NotFound
from eduplan.facts import STAGE_NAMES, Facts
from eduplan.forecast.backtest import (
    HORIZONS,
    BacktestResult,
    backtest,
    backtest_units,
    history_from_csv_frames,
)
from eduplan.forecast.cohort import DEFAULT_METHOD
from eduplan.forecast.inputs import LEVELS, history_of, placement
from eduplan.forecast.norms import load_norms
from eduplan.forecast.places import LEVEL_NAMES, PROJECT_SCHEMA, empty_projects, unknown_project_rows
from eduplan.forecast.planning import open_schools, planning_check
from eduplan.forecast.report import PlacesReport, places_report
from eduplan.forecast.scenarios import Scenario


def register(sub: argparse._SubParsersAction[Any]) -> None:
    """Add `forecast places` and `forecast backtest`."""
    parser = sub.add_parser("forecast", help="学位预测：分学区预测在校生、对比学位、回测精度")
    inner = parser.add_subparsers(dest="forecast_command", metavar="SUBCOMMAND", required=True)

    places = inner.add_parser("places", help="预测各学区（乡镇、县）分学段在校生并对比学位，给出预警")
    places.add_argument("--unit", required=True, help="区划代码（县或乡镇），数据库中须已导入")
    places.add_argument(
        "--from-year", type=int, help="预测起点学年（最后一个实际数据年份；默认最近的数据完整学年）"
    )
    places.add_argument("--horizon", type=int, default=5, help="预测年数，1–10（默认 5）")
    places.add_argument("--level", choices=tuple(LEVELS), default="zone", help="汇总层级（默认 zone 学区）")
    places.add_argument("--projects", type=Path, help="规划项目 CSV：name,school,zone,stage,places,year")
    places.add_argument("--migration", type=float, default=0.0, help="情景：每年净迁入率（%%），默认 0")
    places.add_argument(
        "--zone-migration",
        action="append",
        default=[],
        metavar="UNIT=PCT",
        help="情景：某学区（乡镇）的每年净迁入率，如 990101-城关第一片区=3；可重复",
    )
    places.add_argument("--format", choices=("table", "json"), default="table")
    places.set_defaults(handler=run_places)

    bt = inner.add_parser(
        "backtest", help="滚动起点回测：1–5 年预测的平均绝对百分比误差（MAPE），对比“与上年相同”"
    )
    bt.add_argument("--enrollment", type=Path, required=True, help="在校生 CSV：school,year,grade,enrollment")
    bt.add_argument("--births", type=Path, required=True, help="全区出生人口 CSV：year,births")
    bt.add_argument("--entry-grade", type=int, required=True, help="起始年级 G（由出生人口推算入学）")
    bt.add_argument("--entry-lag", type=int, required=True, help="入学年龄 L：t 年入学者出生于 t − L 年")
    bt.add_argument(
        "--base-years", type=int, default=DEFAULT_METHOD.base_years, help="比率基期年数（默认 3）"
    )
    bt.add_argument("--estimator", choices=("pooled", "mean", "median"), default=DEFAULT_METHOD.estimator)
    bt.add_argument(
        "--trend",
        type=float,
        default=DEFAULT_METHOD.trend,
        help="单校入学比率趋势的阻尼系数 φ（0 为不用趋势，默认 0.5）",
    )
    bt.add_argument("--format", choices=("table", "json"), default="table")
    bt.set_defaults(handler=run_backtest)

    norms = inner.add_parser(
        "norms", help="规划标准核查：按常住人口应建学校数对比现有学校数（种子 004 的标准）"
    )
    norms.add_argument("--unit", required=True, help="区划代码（数据库中须已导入）")
    norms.add_argument("--year", type=int, help="核查学年（默认最新）")
    norms.add_argument("--residents", type=Path, required=True, help="乡镇常住人口 CSV：township,residents")
    norms.add_argument(
        "--villages", type=Path, help="行政村 CSV：village,residents,public_kindergarten（true/false）"
    )
    norms.add_argument("--format", choices=("table", "json"), default="table")
    norms.set_defaults(handler=run_norms)

    acc = inner.add_parser(
        "accuracy", help="全学段回测：各学区（乡镇、县）分学段在校生 1–5 年预测误差，对比“与上年相同”"
    )
    acc.add_argument("--unit", help="区划代码（数据库中须已导入）")
    acc.add_argument("--demo", action="store_true", help="不读数据库，直接用示例县（eduplan.demo）")
    acc.add_argument("--level", choices=tuple(LEVELS), default="zone", help="汇总层级（默认 zone 学区）")
    acc.add_argument("--format", choices=("table", "json"), default="table")
    acc.set_defaults(handler=run_accuracy)


def _read_csv(path: Path, what: str) -> pl.DataFrame:
    if not path.is_file():
        raise NotFound(f"找不到{what}文件：{path}", english=f"no such file {path}")
    try:
        return pl.read_csv(path, infer_schema_length=None)
    except (pl.exceptions.ComputeError, UnicodeDecodeError) as exc:
        raise DataError(
            f"{what}文件无法按 CSV（UTF-8）读取：{path}", english=f"cannot read {path}: {exc}"
        ) from exc


def _facts(unit: str) -> Facts:
    """The database's facts of `unit` (Django is set up only for the commands that read it)."""
    from eduplan.web import setup

    setup()
    from eduplan.store import load_facts

    return load_facts(unit)


def run_backtest(args: argparse.Namespace) -> int:
    enrollment = _read_csv(args.enrollment, "在校生")
    births = _read_csv(args.births, "出生人口")
    h = history_from_csv_frames(enrollment, births, args.entry_grade, args.entry_lag)
    if h.enrollment.shape[1] < 3:
        raise DataError("历史数据不足 3 年，无法回测", english="fewer than 3 years of history")
    result = backtest(
        h, replace(DEFAULT_METHOD, base_years=args.base_years, estimator=args.estimator, trend=args.trend)
    )
    if args.format == "json":
        print(json.dumps(result.as_json(), ensure_ascii=False))
    else:
        print(_backtest_table(result))
    return 0


def _backtest_table(r: BacktestResult) -> str:
    def cell(v: float | None) -> str:
        return "—" if v is None else f"{v:.2f}%"

    lines = ["预测年数  全区(本方法)  全区(上年法)  单校(本方法)  单校(上年法)"]
    for hz in r.district:
        row = (r.district[hz], r.naive_district[hz], r.school[hz], r.naive_school[hz])
        lines.append(f"{hz:>6}    " + "  ".join(f"{cell(v):>11}" for v in row))
    lines.append(
        f"起点年份：{', '.join(map(str, r.origins))}；窗口内新建或撤并而剔除的学校：{r.schools_excluded} 所"
    )
    return "\n".join(lines)


def run_accuracy(args: argparse.Namespace) -> int:
    if args.demo:
        from eduplan.demo import generate_county

        facts = generate_county()
    elif args.unit:
        facts = _facts(args.unit)
    else:
        raise DataError("请用 --unit 指定区划代码，或用 --demo 使用示例县", english="need --unit or --demo")
    h, _ = history_of(facts, args.level)
    r = backtest_units(h, args.level)
    if args.format == "json":
        keys = ("level", "method", "naive", "units_excluded", "coverage")
        print(json.dumps({k: getattr(r, k) for k in keys}))
        return 0
    print(f"{LEVELS[args.level]}合计在校生的平均绝对百分比误差（%），本方法 / 与上年相同：")
    print("学段    " + "  ".join(f"{hz} 年" for hz in HORIZONS))
    for stage, by in r.method.items():
        cells = [f"{_pct(by[hz])}/{_pct(r.naive[stage][hz])}" for hz in HORIZONS]
        print(f"{STAGE_NAMES[stage]}    " + "  ".join(cells))
    print("预测区间覆盖实际值的比例（%）：")
    for stage, by in r.coverage.items():
        print(f"{STAGE_NAMES[stage]}    " + "  ".join(_pct(by[hz]) for hz in HORIZONS))
    print(f"窗口内学段新开或停办而剔除的单位-学段：{r.units_excluded} 个")
    return 0


def run_norms(args: argparse.Namespace) -> int:
    facts = _facts(args.unit)
    year = args.year or int(facts.grade_year["year"].max())  # type: ignore[arg-type]
    residents = _read_csv(args.residents, "常住人口").with_columns(pl.col("township").cast(pl.String))
    villages = _read_csv(args.villages, "行政村人口") if args.villages else None
    check = planning_check(open_schools(facts.schools, facts.grade_year, year), residents, villages)
    if args.format == "json":
        print(json.dumps(check.to_dicts(), ensure_ascii=False))
        return 0
    print(f"规划标准核查（{year} 学年；来源：{load_norms().sources['planning']}）")
    for r in check.iter_rows(named=True):
        verdict = "达标" if r["shortfall"] == 0 else f"缺 {r['shortfall']} 所"
        print(
            f"{r['area']}  {r['label']}  人口 {r['people']}  应有 {r['required']}  现有 {r['actual']}  {verdict}"
        )
    return 0


def _pct(v: float | None) -> str:
    return "—" if v is None else f"{v:.2f}"


def _projects(path: Path | None, facts: Facts) -> pl.DataFrame:
    """The projects CSV as the project frame; a row naming an unknown school, zone or stage is an error."""
    if path is None:
        return empty_projects()
    frame = _read_csv(path, "规划项目")
    missing = [c for c in ("stage", "places", "year") if c not in frame.columns]
    if missing or ("school" not in frame.columns and "zone" not in frame.columns):
        raise DataError(
            "规划项目文件须有 stage、places、year 列，以及 school 或 zone 列", english="bad projects file"
        )
    try:
        projects = frame.with_columns(
            pl.lit(None, pl.String).alias(c) for c in PROJECT_SCHEMA if c not in frame.columns
        ).select([pl.col(c).cast(t) for c, t in PROJECT_SCHEMA.items()])
    except pl.exceptions.PolarsError as exc:
        raise DataError(f"{path.name}：places、year 列须为整数", english=f"{path}: {exc}") from exc
    problems = [
        f"{path.name} 第 {i + 2} 行：{why}" for i, why in unknown_project_rows(projects, facts.schools)
    ]
    if problems:
        raise DataError("；".join(problems), english=f"{len(problems)} bad project rows in {path}")
    return projects


def _scenario(args: argparse.Namespace, facts: Facts) -> Scenario:
    by_unit = {}
    units = set(placement(facts.schools, args.level)["unit"].drop_nulls())
    for item in args.zone_migration:
        unit, _, pct = item.rpartition("=")
        try:
            by_unit[unit] = float(pct)
        except ValueError as exc:
            raise DataError(f"--zone-migration 应为“学区代码=百分比”：{item}", english=f"bad {item}") from exc
        if unit not in units:
            raise DataError(
                f"--zone-migration {item}：没有{LEVELS[args.level]}“{unit}”", english=f"unknown unit {unit}"
            )
    return Scenario(migration=args.migration, migration_by_unit=by_unit)


def run_places(args: argparse.Namespace) -> int:
    from eduplan.cli.standards import evaluation_year

    if not 1 <= args.horizon <= 10:
        raise DataError("预测年数须在 1–10 之间", english="horizon must be 1-10")
    facts = _facts(args.unit)
    report = places_report(
        facts,
        args.level,
        evaluation_year(facts, args.unit, args.from_year),
        args.horizon,
        _projects(args.projects, facts),
        _scenario(args, facts),
    )
    print(
        json.dumps(places_json(report, args.unit), ensure_ascii=False)
        if args.format == "json"
        else places_table(report)
    )
    return 0


def places_json(r: PlacesReport, unit: str) -> dict[str, object]:
    """Everything the report holds, at full precision (rounding is for display, not for data)."""
    return {
        "unit": unit,
        "level": r.level,
        "origin": r.origin,
        "horizon": r.horizon,
        "method": DEFAULT_METHOD.label(),
        "warnings": r.warnings.to_dicts(),
        "gaps": r.gaps.to_dicts(),
        "totals": [] if r.totals is None else r.totals.to_dicts(),
        "large_classes": r.large_classes.to_dicts(),
        "small_schools": r.small_schools.to_dicts(),
        "ratios": r.ratios.to_dicts(),
    }


def places_table(r: PlacesReport) -> str:
    header = f"{LEVELS[r.level]}  学段  首个缺口年份  最大缺口  末年利用率  预警"
    lines = [f"学位预测：{r.origin} 年起 {r.horizon} 年（缺口 = 预测在校生 − 学位，正数为不足）", header]
    for w in r.warnings.iter_rows(named=True):
        first = w["first_shortfall"] or "—"
        use = "—" if w["final_utilisation"] is None else f"{w['final_utilisation']:.0%}"
        lines.append(
            f"{w['unit']}  {STAGE_NAMES[w['stage']]}  {first}  {w['max_gap']:.0f}  {use}  {LEVEL_NAMES[w['level']]}"
        )
    n = load_norms()
    lines.append(
        f"预测大班额（{n.large_class} 人及以上）年级数：{r.large_classes.height}；"
        f"预测小规模学校（不足 {n.small_school_max + 1} 人）学校-年：{r.small_schools.height}"
    )
    return "\n".join(lines)
