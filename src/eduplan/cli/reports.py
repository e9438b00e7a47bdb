"""`eduplan report evaluation`, `eduplan publish` and `eduplan draft workplan`: the documents that leave the building."""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from eduplan.errors import DataError, NotFound

if TYPE_CHECKING:
    from eduplan.web.plans.models import Plan


def register(sub: argparse._SubParsersAction[Any]) -> None:
    """Add `report`, `publish` and `draft`."""
    report = sub.add_parser("report", help="生成报告（Word 或 PDF）")
    kinds = report.add_subparsers(dest="report_kind", metavar="KIND", required=True)
    ev = kinds.add_parser("evaluation", help="规划实施中期（终期）评估报告")
    which = ev.add_mutually_exclusive_group(required=True)
    which.add_argument("--plan", help="规划编号或规划名称")
    which.add_argument("--unit", help="区划代码：用该区划已印发的规划（有多个时取最新）")
    ev.add_argument("--as-of", type=int, dest="as_of", help="评估截至年份（默认：最近一个数据完整的年份）")
    ev.add_argument("--out", type=Path, required=True, help="输出文件：.docx 或 .pdf")
    ev.set_defaults(handler=run_evaluation)

    publish = sub.add_parser("publish", help="把规划进展公开页面写成静态网页（供政府网站发布）")
    publish.add_argument("--unit", required=True, help="县级区划代码，如 990101")
    publish.add_argument("--year", type=int, help="数据年份（默认：最近一个数据完整的年份）")
    publish.add_argument("--out", type=Path, required=True, help="输出目录")
    publish.set_defaults(handler=run_publish)

    draft = sub.add_parser("draft", help="起草文件")
    drafts = draft.add_subparsers(dest="draft_kind", metavar="KIND", required=True)
    wp = drafts.add_parser("workplan", help="按模板起草年度工作要点：可由数据支持的数字逐个填入并批注来源")
    wp.add_argument("template", type=Path, help="模板：.docx 或 .txt，数字以 20xx、x所、xx%、xxx人 等占位")
    wp.add_argument("--unit", required=True, help="县级区划代码")
    wp.add_argument("--year", type=int, required=True, help="工作要点的年度，如 2025")
    wp.add_argument("--out", type=Path, required=True, help="输出的 .docx 草稿")
    wp.set_defaults(handler=run_draft)


def write_atomically(path: Path, data: bytes) -> None:
    """Write `data` to `path` in one step: a failure leaves no half-written file behind."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as stream:
            stream.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def find_plan(plan: str | None, unit: str | None) -> Plan:
    from eduplan.web.plans.models import Plan
    from eduplan.web.plans.services import plans_for

    if unit:
        return plans_for(unit)[0]
    found = Plan.objects.filter(pk=int(plan)) if plan and plan.isdigit() else Plan.objects.filter(name=plan)
    first = found.first()
    if first is None:
        raise NotFound(f"没有规划“{plan}”（请给规划编号或完整名称）", english=f"no plan {plan!r}")
    return first


def run_evaluation(args: argparse.Namespace) -> int:
    from eduplan.web import setup

    setup()
    from eduplan.web import access
    from eduplan.web.reports.render import evaluation_report

    fmt = args.out.suffix.lower().lstrip(".")
    if fmt not in ("docx", "pdf"):
        raise DataError(f"输出文件应以 .docx 或 .pdf 结尾：{args.out}", english=f"{args.out}: not .docx/.pdf")
    plan = find_plan(args.plan, args.unit)
    data, inputs = evaluation_report(plan, args.as_of, fmt)
    write_atomically(args.out, data)
    access.audit(
        None, "report_export", plan.region_code, plan=plan.pk, as_of=inputs.as_of, file=str(args.out)
    )
    print(f"已生成“{plan.name}”评估报告（截至 {inputs.as_of} 年，{len(inputs.targets)} 项指标）：{args.out}")
    return 0


def run_publish(args: argparse.Namespace) -> int:
    from eduplan.web import setup

    setup()
    from eduplan.web import access
    from eduplan.web.public.site import publish

    written = publish(args.unit, args.out, args.year)
    access.audit(None, "public_export", args.unit, folder=str(args.out))
    print(f"已写出公开页面 {len(written)} 个文件到 {args.out}（打开 {args.out / 'index.html'}）")
    return 0


def run_draft(args: argparse.Namespace) -> int:
    from eduplan.web import setup

    setup()
    from eduplan.reports.workplan import draft, read_template
    from eduplan.web import access
    from eduplan.web.reports.sources import workplan_facts

    template = read_template(args.template)
    result = draft(template, workplan_facts(args.unit, args.year))
    write_atomically(args.out, result.docx)
    access.audit(None, "draft_export", args.unit, year=args.year, file=str(args.out))
    print(
        f"已起草 {args.out}：{len(result.filled)} 处数字已按数据填写并批注来源，"
        f"{len(result.unfilled)} 处无数据支持、保留高亮待人工填写"
    )
    return 0
