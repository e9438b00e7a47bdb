"""`eduplan results rebuild [--unit U]`: recompute the stored results (every county, or those under a unit)."""

from __future__ import annotations

import argparse
from typing import Any

from eduplan.errors import NotFound


def register(sub: argparse._SubParsersAction[Any]) -> None:
    """Add this area's subcommands to `sub`."""
    p = sub.add_parser("results", help="按数据版本存储的计算结果（指标值）")
    actions = p.add_subparsers(dest="results_command", metavar="ACTION", required=True)
    rebuild = actions.add_parser("rebuild", help="重新计算并存储全部（或某单位下各县的）结果")
    rebuild.add_argument("--unit", help="区划代码：只算该单位（市、县）下的各县；缺省为全部县")
    rebuild.set_defaults(handler=_rebuild)


def counties_under(unit: str | None) -> list[str]:
    """The county codes under `unit` (the unit itself when it is a county; every county when None)."""
    from eduplan.web.schools.models import OrgUnit

    counties = OrgUnit.objects.filter(level="county").order_by("code")
    if unit is None:
        return list(counties.values_list("code", flat=True))
    if not OrgUnit.objects.filter(code=unit).exists():
        raise NotFound(f"找不到代码为 {unit} 的行政区划", english=f"no org unit {unit}")
    return [c for c in counties.values_list("code", flat=True) if c.startswith(unit) or unit.startswith(c)]


def regions_above(counties: list[str]) -> list[str]:
    """The cities and provinces holding `counties`: their own rows are stored too (ratios of the sums of all
    their counties)."""
    from eduplan.web.schools.models import OrgUnit

    regions = OrgUnit.objects.filter(level__in=("city", "province")).values_list("code", flat=True)
    return sorted(r for r in regions if any(c.startswith(r) for c in counties))


def rebuild_with_progress(counties: list[str], description: str) -> None:
    """Recompute the counties' results under a progress bar."""
    from eduplan import results
    from eduplan.cli.foundation import _progress

    with _progress() as progress:
        task = progress.add_task(description, total=len(counties))

        def advance(county: str) -> None:
            progress.update(task, advance=1, description=f"{description}：{county}")

        results.rebuild(counties, advance)


def _rebuild(args: argparse.Namespace) -> int:
    from eduplan.cli.foundation import migrate

    migrate()
    counties = counties_under(args.unit)
    regions = regions_above(counties)
    rebuild_with_progress(counties + regions, "计算并存储结果")
    print(
        f"已重新计算并存储 {len(counties)} 个县的结果（及其上 {len(regions)} 个市、省的本级指标与规划判断）"
    )
    return 0
