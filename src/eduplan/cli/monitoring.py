"""`eduplan progress` and `eduplan plan import/export`: thin commands over the plans app and the progress core."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from eduplan.errors import DataError, NotFound
from eduplan.monitoring.progress import COMPARATOR_LABELS


def register(sub: argparse._SubParsersAction[Any]) -> None:
    """Add this area's subcommands to `sub`."""
    progress = sub.add_parser("progress", help="按规划目标判断进展（是否按期实现）")
    progress.add_argument("--unit", required=True, help="区划代码，如 990101")
    progress.add_argument("--year", type=int, default=None, help="评估年份（默认最近的数据完整学年）")
    progress.add_argument("--format", choices=("json", "table"), default="table", help="输出格式")
    progress.set_defaults(handler=run_progress)

    plan = sub.add_parser("plan", help="规划的导入与导出")
    plan_sub = plan.add_subparsers(dest="plan_command", metavar="ACTION", required=True)
    imp = plan_sub.add_parser("import", help="导入规划（YAML 规划文件，或经文本抽取的规划原文）")
    imp.add_argument("file", type=Path)
    imp.add_argument("--unit", default=None, help="区划代码（YAML 中写了 region 时可省略）")
    imp.set_defaults(handler=run_import)
    exp = plan_sub.add_parser("export", help="导出规划为 YAML（可再导入）")
    exp.add_argument("out", type=Path)
    exp.add_argument("--unit", default=None, help="只导出该区划的规划")
    exp.set_defaults(handler=run_export)


def run_progress(args: argparse.Namespace) -> int:
    from eduplan.web import setup

    setup()
    from eduplan.web.plans.services import progress_records

    records = progress_records(args.unit, args.year)
    if args.format == "json":
        print(json.dumps(records, ensure_ascii=False, indent=2))
    else:
        print(_table(records))
    return 0


def _table(records: list[dict[str, Any]]) -> str:
    def fmt(v: Any) -> str:
        return "—" if v is None else (f"{v:g}" if isinstance(v, float) else str(v))

    head = ("指标", "目标", "目标年", "最新值", "年份", "状态", "预测值")
    rows = [head] + [
        (r["indicator_name"], f"{COMPARATOR_LABELS.get(r['comparator'], r['comparator'])} {fmt(r['target_value'])}", fmt(r["target_year"]),
         fmt(r["latest_value"]), fmt(r["latest_year"]), r["status_label"], fmt(r["forecast_value"]))
        for r in records
    ]  # fmt: skip
    return "\n".join("  ".join(cells) for cells in rows)


def run_import(args: argparse.Namespace) -> int:
    from eduplan.web import setup

    setup()
    from eduplan.web.plans.plan_io import read_plan_file, save_plan

    data = read_plan_file(args.file)
    unit = args.unit or str(data["plan"].get("region") or "")
    if not unit:
        raise DataError("请用 --unit 指定规划所属区划代码", english="plan import needs --unit")
    # Plan text gives a draft for review: what cannot become a valid target is listed, not fatal.
    skipped: list[str] | None = None if args.file.suffix.lower() in (".yaml", ".yml") else []
    plan = save_plan(data, unit, skipped=skipped)
    print(f"已导入规划“{plan.name}”：{plan.targets.count()} 个目标，{plan.projects.count()} 个项目")
    for reason in skipped or []:
        print(f"  未导入（请在网页上补录）：{reason}")
    return 0


def run_export(args: argparse.Namespace) -> int:
    from eduplan.web import setup

    setup()
    from eduplan.web.plans.models import Plan
    from eduplan.web.plans.plan_io import dump_yaml, plan_to_dict

    plans = Plan.objects.all() if args.unit is None else Plan.objects.filter(region_code=args.unit)
    if not plans:
        raise NotFound("没有可导出的规划", english="no plan to export")
    docs = [dump_yaml(plan_to_dict(p)) for p in plans]
    args.out.write_text("---\n".join(docs), encoding="utf-8")
    print(f"已导出 {len(docs)} 个规划到 {args.out}")
    return 0
