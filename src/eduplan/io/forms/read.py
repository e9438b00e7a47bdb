"""One official workbook to table sheets: the school's identity, then every mapped form's facts."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import polars as pl

from eduplan.facts import SCHOOL_TYPES, TABLES, Column, stages_of
from eduplan.io.cells import Bad, parse_cell
from eduplan.io.forms.grid import FormGrid, analyse, clean, form_in_cells, form_of
from eduplan.io.forms.identity import Found, read_identity, school_year
from eduplan.io.forms.layout import Cell, Fact, Layout, codes, layout_for
from eduplan.io.problems import Findings, Notice, Problem
from eduplan.io.sheets import Grid
from eduplan.io.template import ROW, TableSheet
from eduplan.io.validate import Known

FORBIDDEN = ("*", "-", "—", "－", "/", "／", "×")  # cells the form marks as not to be filled
NUMBER = Column("figure", "数值", "float", min=0)
Origin = tuple[str, int, str, str]  # sheet, row, letter, label


@dataclass
class FormRead(Findings):
    sheets: list[TableSheet] = field(default_factory=list)


@dataclass
class _Value:
    raw: str | None
    origin: Origin
    add: bool = False


@dataclass
class _Workbook:
    file: str
    known: Known
    out: FormRead
    school: str = ""
    school_type: str | None = None
    year: int = 0
    key_origins: dict[str, Origin] = field(default_factory=dict)
    records: dict[tuple[str, tuple[Any, ...]], dict[str, _Value]] = field(default_factory=dict)

    def problem(self, sheet: str, row: int, letter: str, label: str, value: Any, expected: str) -> None:
        self.out.problems.append(Problem(self.file, sheet, row, label, letter, value, expected, expected))

    def notice(self, sheet: str, text: str) -> None:
        self.out.notices.append(Notice(self.file, sheet, text))


def read_forms(file: str, grids: list[Grid], known: Known) -> FormRead:
    """The facts of one school's official workbook, as table sheets whose cells name their form cells."""
    book = _Workbook(file, known, FormRead())
    forms = _classify(book, grids)
    year = school_year(grids)
    if year is None:
        book.problem("", 0, "", "", None, "表头中的“XXXX/XXXX 学年初”一行（据此确定学年）")
        return book.out
    book.year = year[0]
    book.key_origins["year"] = (year[1].sheet, year[2], year[1].letter(year[3]), "学年初")
    identity = [(g, lay) for g, lay in forms if lay.identity is not None]
    if not identity:
        book.problem(
            "", 0, "", "", None, "工作簿中有学校基本情况表（「基础基111」或「教基1001」），据此确定学校"
        )
        return book.out
    if not _identity(book, *identity[0]):
        return book.out
    for grid, layout in forms:
        if layout.identity is None:
            _read_form(book, grid, layout)
    book.out.sheets = _table_sheets(book)
    return book.out


def _classify(book: _Workbook, grids: list[Grid]) -> list[tuple[Grid, Layout]]:
    """The grids whose form has a layout; every other sheet is listed as skipped."""
    found = []
    for grid in grids:
        named = form_of(grid.sheet)
        form = named[0] if named else form_in_cells(grid)
        year = school_year([grid])
        layout = layout_for(form, year[0] if year else None) if form else None
        if layout is None:
            book.notice(grid.sheet, "已跳过（eduplan 不读取这些表）" if form else "已跳过（不是统计报表）")
            continue
        found.append((grid, layout))
    return found


def _identity(book: _Workbook, grid: Grid, layout: Layout) -> bool:
    form = analyse(grid) if layout.columns else None
    found = read_identity(layout, grid, form)
    school = found.get("school")
    if school is None or not (clean(school.text).isdigit() and len(clean(school.text)) == 10):
        value = school.text if school else None
        where = _origin(grid, school) if school else (grid.sheet, 0, "", "学校标识码")
        book.problem(where[0], where[1], where[2], "学校标识码", value, "10 位学校标识码")
        return False
    book.school = clean(school.text)
    book.key_origins["school"] = _origin(grid, school)
    row = {"code": (book.school, book.key_origins["school"])}
    if "name" in found:
        row["name"] = (found["name"].text.strip(), _origin(grid, found["name"]))
    _township(book, grid, found, row)
    _coded(book, grid, found, row)
    book.records[("schools", (book.school,))] = {c: _Value(v, o) for c, (v, o) in row.items()}
    return True


def _origin(grid: Grid, found: Found) -> Origin:
    return grid.sheet, found.row, grid.letter(found.column), found.label


def _township(
    book: _Workbook, grid: Grid, found: dict[str, Found], row: dict[str, tuple[Any, Origin]]
) -> None:
    """The township is the first 9 digits of the 12-digit 统计用区划代码."""
    area = found.get("area_code")
    if area is None:
        return
    code = clean(area.text)
    if not (code.isascii() and code.isdigit() and len(code) == 12):
        o = _origin(grid, area)
        book.problem(o[0], o[1], o[2], area.label, area.text, "12 位统计用区划代码（前 9 位为乡镇）")
        return
    row["township"] = (code[:9], _origin(grid, area))


def _coded(book: _Workbook, grid: Grid, found: dict[str, Found], row: dict[str, tuple[Any, Origin]]) -> None:
    """School type, locale and ownership from their national codes."""
    lists = codes()
    for name, column, table in (
        ("type_code", "school_type", "school_type"),
        ("locale_code", "locale", "locale"),
    ):
        if name not in found:
            continue
        code, o = clean(found[name].text), _origin(grid, found[name])
        if code not in lists[table]:
            book.problem(
                o[0], o[1], o[2], found[name].label, code, f"以下代码之一：{'、'.join(lists[table])}"
            )
            continue
        row[column] = (lists[table][code], o)
        if column == "locale":
            row["urban_rural_code"] = (code, o)
    book.school_type = (
        row["school_type"][0] if "school_type" in row else book.known.school_types.get(book.school)
    )
    if book.school_type is not None and book.school_type not in SCHOOL_TYPES:
        book.school_type = None
    owner = _ownership(book, found)
    if owner is not None:
        row["ownership"] = (owner[0], _origin(grid, owner[1]))
    for name in ("longitude", "latitude"):
        if name in found:
            row[name] = (found[name].text, _origin(grid, found[name]))


def _ownership(book: _Workbook, found: dict[str, Found]) -> tuple[str, Found] | None:
    """公办 unless the 举办者 is 民办 (code 999); 民办 is 民办普惠 when the form says so. A 民办 school already
    stored as 民办普惠 keeps that when the form does not say."""
    owner = found.get("owner_code") or found.get("owner_name")
    if owner is None:
        return None
    private = codes()["owner"].get(clean(owner.text)) == "private" or "民办" in clean(owner.text)
    if not private:
        return "public", owner
    flag = found.get("inclusive")
    if flag is not None and clean(flag.text) in ("是", "1", "普惠", "普惠性"):
        return "private_inclusive", owner
    if flag is None and book.known.ownerships.get(book.school) in ("private", "private_inclusive"):
        return None
    return "private", owner


def _read_form(book: _Workbook, grid: Grid, layout: Layout) -> None:
    form = analyse(grid)
    if form is None:
        book.problem(
            grid.sheet,
            0,
            "",
            "",
            None,
            f"{layout.form}「{layout.title}」的栏号行（甲、乙、1、2 …），据此定位表格",
        )
        return
    wrong = _verify(layout, form)
    for text in wrong:
        book.problem(grid.sheet, form.numbers_row, "", "", None, text)
    if wrong:
        return
    for check in layout.checks:
        _check(book, form, layout, check.total, check.parts, check.text)
    for item in layout.uncounted:
        total = _sum(book, form, layout, item.cells)
        if total:
            book.notice(grid.sheet, item.text.format(_plain(total)))
    for fact in layout.facts:
        _fact(book, form, layout, fact)


def _verify(layout: Layout, form: FormGrid) -> list[str]:
    """What the sheet should say where the layout takes figures, and does not."""
    wrong = []
    for number, words in layout.columns.items():
        if number not in form.columns:
            wrong.append(f"第 {number} 栏（{'/'.join(words)}）：表上没有此栏号")
            continue
        header = clean("".join(form.headers.get(number, [])))
        if not all(clean(w) in header for w in words):
            wrong.append(f"第 {number} 栏应为“{'/'.join(words)}”，表上是“{form.header_text(number)}”")
    for code, label in layout.rows.items():
        if code not in form.rows:
            wrong.append(f"行代码 {code}（{label}）：表上没有此行")
        elif clean(label) not in form.labels[code]:
            wrong.append(f"行代码 {code} 应为“{label}”，表上是“{form.labels[code] or '（空）'}”")
    return [
        f"{layout.form}「{layout.title}」的版式与 eduplan 的对照表（{layout.name}）不符：{w}" for w in wrong
    ]


def _cell_text(form: FormGrid, layout: Layout, cell: Cell) -> tuple[str | None, Origin]:
    """A cell's text: None where the form forbids a figure; an empty cell is 0 or missing, as the layout says."""
    row, column = form.cell(cell.row, cell.column)
    text = form.grid.value(row, column)
    label = f"{form.labels.get(cell.row, '')}·第 {cell.column} 栏{layout.columns[cell.column][-1]}"
    origin = (form.grid.sheet, row, form.grid.letter(column), label)
    if text is not None and text.strip() in FORBIDDEN:
        return None, origin
    if text is None:
        return ("0" if layout.blank_is_zero else None), origin
    return text, origin


def _number(book: _Workbook, text: str, origin: Origin) -> float | None:
    value = parse_cell("forms", NUMBER, text)
    if isinstance(value, Bad):
        book.problem(origin[0], origin[1], origin[2], origin[3], text, value.expected)
        return None
    return value


def _sum(book: _Workbook, form: FormGrid, layout: Layout, cells: tuple[Cell, ...]) -> float | None:
    total: float | None = None
    for cell in cells:
        text, origin = _cell_text(form, layout, cell)
        value = _number(book, text, origin) if text is not None else None
        if value is not None:
            total = (total or 0) + value
    return total


def _plain(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _check(
    book: _Workbook,
    form: FormGrid,
    layout: Layout,
    total: tuple[Cell, ...],
    parts: tuple[Cell, ...],
    text: str,
) -> None:
    whole, summed = _sum(book, form, layout, total), _sum(book, form, layout, parts)
    if whole is not None and whole != (summed or 0):
        _, origin = _cell_text(form, layout, total[0])
        book.problem(origin[0], origin[1], origin[2], origin[3], _plain(whole),
                     f"等于各分项之和 {_plain(summed or 0)}（表内关系 {text}）")  # fmt: skip


def _fact(book: _Workbook, form: FormGrid, layout: Layout, fact: Fact) -> None:
    keys = dict(fact.keys)
    table = TABLES[fact.table]
    if "stage" in table.by_name:
        keys.setdefault("stage", layout.stage)
    values: dict[str, _Value] = {}
    for column, cells, times in fact.values:
        value = _value(book, form, layout, cells, times)
        if value is not None:
            values[column] = value
    if all(v.raw is None for v in values.values()):
        return
    stage = keys.get("stage")
    if stage is not None and book.school_type is not None and stage not in stages_of(book.school_type):
        if any(v.raw not in (None, "0") for v in values.values()):
            kind = SCHOOL_TYPES[book.school_type][0]
            book.notice(
                form.grid.sheet,
                f"有{stage}学段的数字，但学校的办学类型（{kind}）不含该学段，未导入（附设班）",
            )
        return
    year = book.year - 1 if fact.previous_year else book.year
    key = tuple([book.school, year, *(keys[k] for k in table.key[2:])])
    record = book.records.setdefault((fact.table, key), {})
    for column, value in values.items():
        value.add = fact.add
        _merge(book, record, column, value)


def _value(
    book: _Workbook, form: FormGrid, layout: Layout, cells: tuple[Cell, ...], times: float
) -> _Value | None:
    texts = [_cell_text(form, layout, c) for c in cells]
    given = [(t, o) for t, o in texts if t is not None]
    if not given:
        return _Value(None, texts[0][1])
    if len(given) == 1 and times == 1:
        return _Value(given[0][0], given[0][1])
    numbers = [_number(book, t, o) for t, o in given]
    if any(n is None for n in numbers):
        return None
    total = sum(n for n in numbers if n is not None) * times
    sheet, row, letter, label = given[0][1]
    return _Value(
        _plain(total), (sheet, row, letter, label + (f" 等 {len(given)} 格之和" if len(given) > 1 else ""))
    )


def _merge(book: _Workbook, record: dict[str, _Value], column: str, value: _Value) -> None:
    """The same figure from two forms must agree, unless both add parts (teachers by subject in 423 and 424)."""
    before = record.get(column)
    if before is None or before.raw is None:
        record[column] = value
        return
    if value.raw is None:
        return
    if value.add and before.add:
        a, b = _number(book, before.raw, before.origin), _number(book, value.raw, value.origin)
        if a is not None and b is not None:
            record[column] = _Value(_plain(a + b), before.origin, True)
        return
    if _number(book, before.raw, before.origin) != _number(book, value.raw, value.origin):
        sheet, row, letter, _ = before.origin
        o = value.origin
        book.problem(
            o[0],
            o[1],
            o[2],
            o[3],
            value.raw,
            f"与「{sheet}」第 {row} 行 {letter} 列的 {before.raw} 一致（同一数字）",
        )


def _table_sheets(book: _Workbook) -> list[TableSheet]:
    """One table sheet per table; each record's cells name the form cells they came from."""
    by_table: dict[str, list[tuple[tuple[Any, ...], dict[str, _Value]]]] = {}
    for (name, key), values in book.records.items():
        by_table.setdefault(name, []).append((key, values))
    sheets = []
    for name, records in by_table.items():
        table = TABLES[name]
        columns = [
            c.name for c in table.columns if any(c.name in v for _, v in records) or c.name in table.key
        ]
        rows, origins = [], {}
        for number, (key, values) in enumerate(records, start=1):
            cells = dict(zip(table.key, key, strict=True))
            row: dict[str, Any] = {ROW: number}
            for column in columns:
                if column in values:
                    row[column] = values[column].raw
                    origins[(number, column)] = values[column].origin
                else:
                    row[column] = None if cells.get(column) is None else str(cells[column])
                    if column in book.key_origins:
                        origins[(number, column)] = book.key_origins[column]
            rows.append(row)
        data = pl.DataFrame(rows, schema={ROW: pl.Int64(), **{c: pl.String() for c in columns}}, orient="row")
        sheets.append(TableSheet(book.file, "", table, data, {}, origins))
    return sheets
