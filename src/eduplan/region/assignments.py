"""目标分解 read from a sheet: one row per (city target, county part), checked whole before anything is kept.

The sheet's header row names the columns of `COLUMNS` (in any order). Rows of one target share its 目标原文;
they must agree on the target's own columns, and name each county once. Every fault is reported with its file,
sheet, row, column, value and what was expected, in Chinese; one fault and nothing is kept.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from eduplan.errors import DataError
from eduplan.io.sheets import Grid

COLUMNS = ("市区划代码", "目标原文", "事项", "计量单位", "分解方式", "全市目标值", "指标代码", "目标年", "县区划代码",
           "分解目标", "已完成", "本县承诺", "来源文件")  # fmt: skip
REQUIRED = ("市区划代码", "目标原文", "事项", "分解方式", "目标年", "县区划代码", "分解目标")
KINDS = {"数量": "count", "count": "count", "比率": "rate", "rate": "rate"}
YES = {"是": True, "否": False, "": False}
YEARS = (2000, 2100)
SHARED = ("unit", "measure", "measure_unit", "kind", "total", "indicator_code", "target_year", "source")
SHOWN = 20  # faults listed in one error


@dataclass(frozen=True)
class PartRow:
    county: str
    target: float
    done: float | None
    own: bool


@dataclass(frozen=True)
class AssignmentRow:
    unit: str
    text: str
    measure: str
    measure_unit: str
    kind: str
    total: float | None
    indicator_code: str
    target_year: int
    source: str
    parts: tuple[PartRow, ...]


class _Faults:
    def __init__(self, grid: Grid) -> None:
        self.grid = grid
        self.found: list[str] = []

    def add(self, row: int, column: str, value: object, expected: str) -> None:
        where = f"{self.grid.file} 工作表“{self.grid.sheet}”第 {row} 行“{column}”列"
        self.found.append(f"{where}：应为{expected}，实际为 {str(value)[:40]!r}")

    def raise_any(self) -> None:
        if self.found:
            more = f"\n（另有 {len(self.found) - SHOWN} 处）" if len(self.found) > SHOWN else ""
            raise DataError(
                "\n".join(self.found[:SHOWN]) + more, english=f"{self.grid.file}: {len(self.found)} faults"
            )


def read_assignments(
    grid: Grid, regions: Mapping[str, set[str]], indicators: Mapping[str, str]
) -> list[AssignmentRow]:
    """The targets of `grid`; `regions` maps each city or province code to its counties, `indicators` each
    catalogue code to its name. DataError listing every fault."""
    faults = _Faults(grid)
    header = {str(grid.value(grid.first_row, j) or "").strip(): j for j in range(grid.cells.width)}
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        faults.add(
            grid.first_row,
            "表头",
            "、".join(list(header)[:8]),
            f"含列：{'、'.join(missing)}",
        )
        faults.raise_any()
    rows: dict[str, list[tuple[int, dict[str, object]]]] = {}
    for row in range(grid.first_row + 1, grid.first_row + grid.cells.height):
        cells = {c: (grid.value(row, header[c]) or "").strip() if c in header else "" for c in COLUMNS}
        if not any(cells.values()):
            continue
        parsed = _row(row, cells, regions, indicators, faults)
        if parsed is not None:
            rows.setdefault(cells["目标原文"], []).append((row, parsed))
    out = [_target(text, found, faults) for text, found in rows.items()]
    faults.raise_any()
    return out


def _number(row: int, column: str, raw: str, faults: _Faults, required: bool) -> float | None:
    if raw == "":
        if required:
            faults.add(row, column, raw, "数值（不能为空）")
        return None
    try:
        value = float(raw.replace(",", "").removesuffix("%"))
    except ValueError:
        faults.add(row, column, raw, "数值")
        return None
    if value < 0 or value != value or value in (float("inf"),):
        faults.add(row, column, raw, "不小于 0 的数值")
        return None
    return value


def _row(
    row: int,
    c: dict[str, str],
    regions: Mapping[str, set[str]],
    indicators: Mapping[str, str],
    faults: _Faults,
) -> dict[str, object] | None:
    before = len(faults.found)
    unit, county = c["市区划代码"], c["县区划代码"]
    if unit not in regions:
        faults.add(row, "市区划代码", unit, "已导入的市或省的区划代码")
    elif county not in regions[unit]:
        faults.add(row, "县区划代码", county, f"{unit} 下属的县区划代码")
    if not c["目标原文"]:
        faults.add(row, "目标原文", "", "目标的原文（不能为空）")
    kind = KINDS.get(c["分解方式"])
    if kind is None:
        faults.add(row, "分解方式", c["分解方式"], "“数量”或“比率”")
    code = c["指标代码"]
    if kind == "rate" and code not in indicators:
        faults.add(row, "指标代码", code, "指标目录中的指标代码（比率目标按指标值判断）")
    year = c["目标年"].removesuffix("年")
    if not (year.isdigit() and YEARS[0] <= int(year) <= YEARS[1]):
        faults.add(row, "目标年", c["目标年"], f"{YEARS[0]}–{YEARS[1]} 之间的年份")
    own = YES.get(c["本县承诺"])
    if own is None:
        faults.add(row, "本县承诺", c["本县承诺"], "“是”“否”或留空")
    total = _number(row, "全市目标值", c["全市目标值"], faults, required=False)
    target = _number(row, "分解目标", c["分解目标"], faults, required=True)
    done = _number(row, "已完成", c["已完成"], faults, required=False)
    if len(faults.found) > before:
        return None
    return {"unit": unit, "measure": c["事项"], "measure_unit": c["计量单位"], "kind": kind, "total": total,
            "indicator_code": code if kind == "rate" else "", "target_year": int(year), "source": c["来源文件"],
            "part": PartRow(county, float(target or 0), done if kind == "count" else None, bool(own))}  # fmt: skip


def _target(text: str, found: list[tuple[int, dict[str, object]]], faults: _Faults) -> AssignmentRow:
    first_row, first = found[0]
    seen: set[str] = set()
    for row, values in found:
        for key, name in zip(SHARED, ("市区划代码", "事项", "计量单位", "分解方式", "全市目标值", "指标代码", "目标年", "来源文件"), strict=True):  # fmt: skip
            if values[key] != first[key]:
                faults.add(row, name, values[key], f"与第 {first_row} 行同一目标相同的值 {first[key]!r}")
        part = values["part"]
        assert isinstance(part, PartRow)
        if part.county in seen:
            faults.add(row, "县区划代码", part.county, "同一目标下每县只出现一次")
        seen.add(part.county)
    parts = tuple(v["part"] for _, v in found)  # type: ignore[misc]
    return AssignmentRow(text=text, parts=parts, **{k: first[k] for k in SHARED})  # type: ignore[arg-type]
