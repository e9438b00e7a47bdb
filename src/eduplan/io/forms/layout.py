"""The mapping from official form cells to fact columns, as data: one YAML file per form and generation.

A grid form's file lists its columns by 栏号 with the header words printed above them, its rows by 行代码 with
their printed label, and the facts it gives: each fact column is a cell `行代码@栏号` or a sum of cells
(`1@9 + 1@10`). The reader checks every listed 栏号 and 行代码 against the sheet's own wording before it takes a
figure, so a layout that moved is an error naming what was expected, never a wrong number. `checks` are
equations the form itself states (a 合计 equals its parts); `uncounted` names figures eduplan does not store,
reported when not zero. An identity form (111, 1001) lists where the school's code, name and codes stand.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml

from eduplan.facts import STAGES, TABLES

GENERATIONS = {1: "基础基", 2: "教基"}  # 1: to 2020/21 (基础基NNN); 2: from 2021/22 (教基NNNN_办学类型)
_CELL = re.compile(r"^\s*(\w+)\s*@\s*(\w+)\s*$")


@dataclass(frozen=True)
class Cell:
    row: str  # 行代码
    column: str  # 栏号

    def __str__(self) -> str:
        return f"{self.row}@{self.column}"


@dataclass(frozen=True)
class Fact:
    table: str
    keys: tuple[tuple[str, Any], ...]  # besides school and year: stage, grade …
    values: tuple[tuple[str, tuple[Cell, ...], float], ...]  # column, the cells summed, a factor (万元 → 元)
    add: bool = False  # parts of a figure that other forms complete (teachers by subject in 423 and 424)
    previous_year: bool = False  # the form reports the year before (上学年体质健康测试)


@dataclass(frozen=True)
class Check:
    total: tuple[Cell, ...]
    parts: tuple[Cell, ...]
    text: str  # the equation as written


@dataclass(frozen=True)
class Uncounted:
    cells: tuple[Cell, ...]
    text: str  # Chinese, {} for the figure


@dataclass(frozen=True)
class Field:
    label: str
    part: str = ""  # 名称 / 代码: the sub-row under the label (generation 1)


@dataclass(frozen=True)
class Layout:
    name: str  # the YAML file
    form: str  # 基础基311, 教基3112
    generation: int
    title: str
    source: str
    stage: str | None
    columns: dict[str, tuple[str, ...]]
    rows: dict[str, str]
    facts: tuple[Fact, ...] = ()
    checks: tuple[Check, ...] = ()
    uncounted: tuple[Uncounted, ...] = ()
    identity: dict[str, Field] | None = None  # set for identity forms
    blank_is_zero: bool = (
        True  # the statistics system exports 0 as an empty cell; list forms leave items unknown
    )
    first_year: int = 1990
    last_year: int = 2100

    @property
    def code(self) -> str:
        return self.form.removeprefix(GENERATIONS[self.generation])


class LayoutFileError(ValueError):
    """A layout file is wrong (a programming error caught at start-up and by the tests)."""


def _cells(text: str, layout: str) -> tuple[Cell, ...]:
    cells = []
    for term in str(text).split("+"):
        match = _CELL.match(term)
        if match is None:
            raise LayoutFileError(f"{layout}: {text!r} is not 行代码@栏号 (+ …)")
        cells.append(Cell(match.group(1), match.group(2)))
    return tuple(cells)


def _fact(raw: dict[str, Any], name: str) -> Fact:
    table = raw["table"]
    if table not in TABLES:
        raise LayoutFileError(f"{name}: unknown table {table}")
    keys = dict(raw.get("keys", {}))
    values = []
    for column, spec in raw["values"].items():
        cells, times = (spec["cells"], float(spec["times"])) if isinstance(spec, dict) else (spec, 1.0)
        values.append((column, _cells(cells, name), times))
    for column in [*keys, *(c for c, _, _ in values)]:
        if column not in TABLES[table].by_name:
            raise LayoutFileError(f"{name}: {table} has no column {column}")
    return Fact(
        table,
        tuple(keys.items()),
        tuple(values),
        bool(raw.get("add", False)),
        bool(raw.get("previous_year", False)),
    )


def _check(text: str, name: str) -> Check:
    total, _, parts = text.partition("=")
    return Check(_cells(total, name), _cells(parts, name), text)


def parse(raw: dict[str, Any], name: str) -> Layout:
    """A layout from its YAML mapping; every referenced row and column must be listed."""
    generation = int(raw["generation"])
    stage = raw.get("stage")
    if stage is not None and stage not in STAGES:
        raise LayoutFileError(f"{name}: unknown stage {stage}")
    layout = Layout(
        name=name,
        form=str(raw["form"]),
        generation=generation,
        title=str(raw["title"]),
        source=str(raw["source"]),
        stage=stage,
        columns={
            str(k): tuple(w.strip() for w in str(v).split("/")) for k, v in raw.get("columns", {}).items()
        },
        rows={str(k): str(v) for k, v in raw.get("rows", {}).items()},
        facts=tuple(_fact(f, name) for f in raw.get("facts", [])),
        checks=tuple(_check(c, name) for c in raw.get("checks", [])),
        uncounted=tuple(Uncounted(_cells(u["cells"], name), u["text"]) for u in raw.get("uncounted", [])),
        identity={k: Field(**v) for k, v in raw["identity"].items()} if "identity" in raw else None,
        blank_is_zero=raw.get("blank", "zero") == "zero",
        first_year=int(raw.get("first_year", 1990)),
        last_year=int(raw.get("last_year", 2100)),
    )
    if not layout.form.startswith(GENERATIONS[generation]):
        raise LayoutFileError(f"{name}: form {layout.form} is not of generation {generation}")
    used = [c for f in layout.facts for _, cells, _ in f.values for c in cells]
    used += [c for k in layout.checks for c in (*k.total, *k.parts)] + [
        c for u in layout.uncounted for c in u.cells
    ]
    for cell in used:
        if cell.row not in layout.rows or cell.column not in layout.columns:
            raise LayoutFileError(f"{name}: {cell} uses a row or column the file does not list")
    return layout


@cache
def layouts() -> tuple[Layout, ...]:
    """Every layout shipped in forms/layouts/."""
    folder = resources.files("eduplan.io.forms") / "layouts"
    found = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".yaml"):
            found.append(parse(yaml.safe_load(entry.read_text(encoding="utf-8")), entry.name))
    return tuple(found)


def layout_for(form: str, year: int | None) -> Layout | None:
    """The layout of `form` (基础基311, 教基3112) in force in `year` (the latest when the year is unknown)."""
    fitting = [
        lay
        for lay in layouts()
        if lay.form == form and (year is None or lay.first_year <= year <= lay.last_year)
    ]
    return max(fitting, key=lambda lay: lay.first_year) if fitting else None


@cache
def codes() -> dict[str, dict[str, str]]:
    """The national code lists the identity forms use (办学类型, 城乡分类, 举办者), from codes.yaml."""
    text = (resources.files("eduplan.io.forms") / "codes.yaml").read_text(encoding="utf-8")
    raw = yaml.safe_load(text)
    return {name: {str(k): str(v) for k, v in table["codes"].items()} for name, table in raw.items()}
