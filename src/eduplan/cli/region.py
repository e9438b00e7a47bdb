"""`eduplan region boundaries FILE` (and `eduplan import FILE.geojson`): county and township boundaries for the
region maps."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from eduplan.errors import DataError

MAX_BYTES = 200 * 1024 * 1024


def register(sub: argparse._SubParsersAction[Any]) -> None:
    """Add `region` and its subcommands."""
    parser = sub.add_parser("region", help="区域比较：导入县、乡镇边界（地图用）、目标分解")
    inner = parser.add_subparsers(dest="region_command", metavar="SUBCOMMAND", required=True)
    p = inner.add_parser("boundaries", help="导入 GeoJSON 边界文件（要素属性含“区划代码”，经纬度坐标）")
    p.add_argument("file", type=Path, help="GeoJSON 文件（.geojson 或 .json）")
    p.add_argument("--source", default="", help="来源说明（默认为文件名）")
    p.set_defaults(handler=run_boundaries)
    a = inner.add_parser(
        "assignments", help="导入目标分解（.xlsx 的“目标分解”工作表或 .csv：每行一个县的分解目标）"
    )
    a.add_argument("file", type=Path, help="目标分解文件（.xlsx 或 .csv，表头见 docs/region.md）")
    a.set_defaults(handler=run_assignments)
    from eduplan.io.recognise import Importer
    from eduplan.io.recognise import register as register_importer

    register_importer(Importer("行政区划边界（GeoJSON）", _is_geojson, _import_geojson))
    register_importer(Importer("目标分解", _is_assignments, _import_assignments))


def _is_geojson(path: Path, header: list[str]) -> bool:
    return path.suffix.lower() in (".geojson", ".json")


def _import_geojson(paths: list[Path]) -> int:
    for path in paths:
        _boundaries(path, path.name)
    return 0


def read_text(path: Path) -> str:
    """The file's text (UTF-8, with or without BOM); DataError naming the file when it cannot be read."""
    if not path.is_file():
        raise DataError(f"找不到边界文件 {path}", english=f"no file {path}")
    if path.stat().st_size > MAX_BYTES:
        raise DataError(
            f"边界文件 {path.name} 超过 {MAX_BYTES // 1024 // 1024} MB：请先简化边界", english="too big"
        )
    try:
        return path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DataError(
            f"边界文件 {path.name} 第 {exc.start} 字节处不是 UTF-8 编码：请另存为 UTF-8 的 GeoJSON",
            english=str(exc),
        ) from None


def run_boundaries(args: argparse.Namespace) -> int:
    from eduplan.web import setup

    setup()
    _boundaries(args.file, args.source or args.file.name)
    return 0


def _boundaries(path: Path, source: str) -> None:
    from eduplan.region.boundaries import read_geojson
    from eduplan.web import access
    from eduplan.web.region.maps import save
    from eduplan.web.schools.models import OrgUnit

    known = dict(OrgUnit.objects.values_list("code", "name"))
    features = read_geojson(read_text(path), path.name, known)
    created, changed = save(features, source)
    access.audit(
        None, "import", "", file=path.name, boundaries=len(features), created=created, changed=changed
    )
    print(
        f"已导入边界 {len(features)} 个（新增 {created}，更新 {changed}，未变 {len(features) - created - changed}）"
    )


def _is_assignments(path: Path, header: list[str]) -> bool:
    from eduplan.region.assignments import COLUMNS

    if path.suffix.lower() == ".csv":
        return header[:2] == list(COLUMNS[:2])
    return path.suffix.lower() in (".xlsx", ".xlsm") and header == ["目标分解"]


def _import_assignments(paths: list[Path]) -> int:
    for path in paths:
        _assignments(path)
    return 0


def run_assignments(args: argparse.Namespace) -> int:
    from eduplan.web import setup

    setup()
    if not args.file.is_file():
        raise DataError(f"找不到目标分解文件 {args.file}", english=f"no file {args.file}")
    _assignments(args.file)
    return 0


def _assignments(path: Path) -> None:
    from eduplan.web import access
    from eduplan.web.region.assign import read_file, save_rows

    rows = read_file(path, path.name)
    created, changed = save_rows(rows)
    parts = sum(len(r.parts) for r in rows)
    access.audit(None, "import", "", file=path.name, assignments=len(rows), created=created, changed=changed)
    print(f"已导入目标分解 {len(rows)} 项、分解到县 {parts} 条（新增 {created}，更新 {changed}，"
          f"未变 {len(rows) - created - changed}）")  # fmt: skip
