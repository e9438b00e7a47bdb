"""Every problem of a set of raw sheets, at once, each with its file, sheet, row, column and value.

Pure: the codes already in the database come in as `Known`. Checks, in order: the sheet is a known table;
headers are known, not repeated, and the required ones are there; every cell's type, range, choices and
code shape; each row's consistency (parts not above their whole, classes where there are pupils, grades of
the stage, 合计 rows equal to the sum of their grades); keys not repeated; codes referring to a school or
org unit that the files or the database hold.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import polars as pl
from openpyxl.utils import column_index_from_string, get_column_letter

from eduplan.facts import LEVELS, STAGE_GRADES, TABLES, Table
from eduplan.io.cells import Bad, parse_cell
from eduplan.io.rules import GRADE_TOTALS, LEVEL_DIGITS, NOT_MORE
from eduplan.io.sheets import TOTAL_LABELS, RawSheet, header_names, identify, normalise_header


@dataclass(frozen=True)
class Problem:
    file: str
    sheet: str
    row: int  # Excel row number (the header row for a problem of the sheet itself)
    column: str  # the header as written, "" for the whole row
    letter: str  # Excel column letter, "" for the whole row
    value: Any
    expected: str  # Chinese: what the cell should hold
    english: str = ""

    def chinese(self) -> str:
        where = f"{self.file}「{self.sheet}」第 {self.row} 行"
        if self.letter:
            where += f" {self.letter} 列（{self.column}）"
        shown = "空" if self.value is None or self.value == "" else f"“{self.value}”"
        return f"{where}：值为{shown}，要求：{self.expected}"

    def log(self) -> str:
        return f"{self.file} [{self.sheet}] row {self.row} col {self.letter} {self.column!r}: {self.value!r}: {self.english}"


@dataclass(frozen=True)
class Known:
    """Codes the database already holds: schools, and org units with their level."""

    schools: frozenset[str] = frozenset()
    units: dict[str, str] = field(default_factory=dict)


@dataclass
class Checked:
    """Validated rows per table (only the columns the sheets carry) and every problem found."""

    frames: dict[str, pl.DataFrame]
    problems: list[Problem]

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass
class _Row:
    sheet: RawSheet
    number: int
    letters: dict[str, tuple[str, str]]  # column name -> (header as written, letter)
    values: dict[str, Any]


@dataclass
class _Run:
    problems: list[Problem] = field(default_factory=list)
    rows: dict[str, list[_Row]] = field(default_factory=lambda: defaultdict(list))
    totals: list[_Row] = field(default_factory=list)

    def add(self, row: _Row, column: str, value: Any, expected: str, english: str) -> None:
        header, letter = row.letters.get(column, ("", ""))
        self.problems.append(
            Problem(row.sheet.file, row.sheet.sheet, row.number, header, letter, value, expected, english)
        )


def validate(sheets: list[RawSheet], known: Known | None = None) -> Checked:
    """Check every sheet and cell; the frames hold only valid rows, so use them only when there is no problem."""
    known = known or Known()
    run = _Run()
    for sheet in sheets:
        _read_sheet(run, sheet)
    for name, rows in run.rows.items():
        _check_keys(run, TABLES[name], rows)
    _check_references(run, known)
    _check_totals(run)
    frames = {name: _frame(TABLES[name], rows) for name, rows in run.rows.items() if rows}
    return Checked(frames, run.problems)


def _read_sheet(run: _Run, sheet: RawSheet) -> None:
    table = identify(sheet)
    if table is None:
        names = "、".join(t.label for t in TABLES.values())
        run.problems.append(
            Problem(sheet.file, sheet.sheet, sheet.header_row, "", "", sheet.sheet,
                    f"工作表名为表名（{names}），或表头与模板一致", "unknown sheet: name or headers match no table")
        )  # fmt: skip
        return
    letters = _headers(run, sheet, table)
    if letters is None:
        return
    for number, cells in sheet.rows:
        row = _Row(sheet, number, letters, {})
        if _parse_row(run, table, row, cells):
            _check_row(run, table, row)


def _headers(run: _Run, sheet: RawSheet, table: Table) -> dict[str, tuple[str, str]] | None:
    """Column name -> (header, letter); None when a required column is missing (the rows cannot be read)."""
    names = header_names(table)
    letters: dict[str, tuple[str, str]] = {}
    ok = True
    for i, header in enumerate(sheet.headers, start=1):
        text, letter = normalise_header(header), get_column_letter(i)
        if text == "":
            continue
        where = (sheet.file, sheet.sheet, sheet.header_row, str(header), letter, header)
        if text not in names:
            run.problems.append(Problem(*where, f"{table.label}的列名之一（见模板“说明”）", "unknown header"))
        elif names[text] in letters:
            run.problems.append(Problem(*where, "不重复的列名", "repeated header"))
        else:
            letters[names[text]] = (str(header), letter)
    for column in table.columns:
        if column.required and column.name not in letters:
            run.problems.append(
                Problem(sheet.file, sheet.sheet, sheet.header_row, column.label, "", None,
                        f"含必填列“{column.label}”", f"missing required column {column.name}")
            )  # fmt: skip
            ok = False
    return letters if ok else None


def _parse_row(run: _Run, table: Table, row: _Row, cells: list[Any]) -> bool:
    """Parse the row's cells into row.values; True when every cell is valid."""
    ok = True
    positions = {name: column_index_from_string(letter) - 1 for name, (_, letter) in row.letters.items()}
    for name, position in positions.items():
        raw = cells[position] if position < len(cells) else None
        if table.name == "grade_year" and name == "grade" and str(raw).strip() in TOTAL_LABELS:
            row.values[name] = None  # a 合计 row: checked against its grades, never stored
            continue
        value = parse_cell(table.name, table.by_name[name], raw)
        if isinstance(value, Bad):
            run.add(row, name, raw, value.expected, value.english)
            ok = False
        else:
            row.values[name] = value
    return ok


def _check_row(run: _Run, table: Table, row: _Row) -> None:
    if table.name == "grade_year" and row.values.get("grade") is None:
        run.totals.append(row)
        return
    before = len(run.problems)
    for rule in NOT_MORE.get(table.name, ()):
        given = [row.values[p] for p in rule.parts if row.values.get(p) is not None]
        whole = row.values.get(rule.whole)
        if given and whole is not None and sum(given) > whole:
            labels = "与".join(table.by_name[p].label for p in rule.parts)
            first = next(p for p in rule.parts if row.values.get(p) is not None)
            run.add(row, first, row.values[first], f"{labels}合计不大于{table.by_name[rule.whole].label}（{whole}），现为 {sum(given)}",
                    f"{'+'.join(rule.parts)} = {sum(given)} exceeds {rule.whole} = {whole}")  # fmt: skip
    _check_special(run, table, row)
    if len(run.problems) == before:
        run.rows[table.name].append(row)


def _check_special(run: _Run, table: Table, row: _Row) -> None:
    v = row.values
    if table.name == "grade_year":
        if (v.get("enrollment") or 0) > 0 and v.get("classes") == 0:
            run.add(
                row,
                "classes",
                0,
                f"大于 0 的班数（该年级有在校生 {v['enrollment']} 人）",
                "classes = 0 with pupils",
            )
        if v["grade"] > STAGE_GRADES[v["stage"]]:
            run.add(
                row,
                "grade",
                v["grade"],
                f"1 到 {STAGE_GRADES[v['stage']]} 之间的年级",
                "grade beyond the stage",
            )
    opened, closed = v.get("opened_year"), v.get("closed_year")
    if table.name == "schools" and opened is not None and closed is not None and closed < opened:
        run.add(
            row,
            "closed_year",
            v["closed_year"],
            f"不早于建校年份 {v['opened_year']}",
            "closed before opened",
        )
    if table.name == "org_units":
        _check_unit(run, row)


def _check_unit(run: _Run, row: _Row) -> None:
    code, level, parent = row.values["code"], row.values["level"], row.values.get("parent")
    if len(code) != LEVEL_DIGITS[level]:
        run.add(
            row, "code", code, f"{LEVEL_DIGITS[level]} 位{LEVELS[level]}级区划代码", "code length vs level"
        )
    elif level == "province" and parent is not None:
        run.add(row, "parent", parent, "空（省级没有上级）", "a province has no parent")
    elif level != "province" and parent is None:
        run.add(row, "parent", None, "上级区划代码（仅省级可为空）", "parent required below province")
    elif parent is not None and not code.startswith(parent):
        run.add(
            row, "parent", parent, f"本级代码 {code} 的前 {len(parent)} 位", "parent must prefix the code"
        )


def _check_keys(run: _Run, table: Table, rows: list[_Row]) -> None:
    seen: dict[tuple[Any, ...], _Row] = {}
    kept = []
    for row in rows:
        key = tuple(row.values[k] for k in table.key)
        first = seen.get(key)
        if first is None:
            seen[key] = row
            kept.append(row)
            continue
        where = (
            f"{first.sheet.file}「{first.sheet.sheet}」第 {first.number} 行"
            if first.sheet is not row.sheet
            else f"第 {first.number} 行"
        )
        run.add(
            row, table.key[0], row.values[table.key[0]], f"唯一的键（与{where}重复）", f"duplicate key {key}"
        )
    rows[:] = kept


def _check_references(run: _Run, known: Known) -> None:
    units = dict(known.units) | {r.values["code"]: r.values["level"] for r in run.rows.get("org_units", [])}
    schools = set(known.schools) | {r.values["code"] for r in run.rows.get("schools", [])}
    townships = {code for code, level in units.items() if level == "township"}
    for name, rows in run.rows.items():
        kept = []
        for row in rows:
            before = len(run.problems)
            _references(run, name, row, units, schools, townships)
            if len(run.problems) == before:
                kept.append(row)
        rows[:] = kept
    for row in run.totals:
        if row.values["school"] not in schools:
            run.add(row, "school", row.values["school"], "文件或数据库中已有的学校标识码", "unknown school")


def _references(
    run: _Run, name: str, row: _Row, units: dict[str, str], schools: set[str], townships: set[str]
) -> None:
    v = row.values
    if "school" in TABLES[name].by_name and v["school"] not in schools:
        run.add(row, "school", v["school"], "文件或数据库中已有的学校标识码", "unknown school")
    if (
        "township" in TABLES[name].by_name
        and v.get("township") is not None
        and v["township"] not in townships
    ):
        run.add(row, "township", v["township"], "文件或数据库中已有的乡镇（街道）代码", "unknown township")
    if "county" in TABLES[name].by_name and units.get(v["county"]) != "county":
        run.add(row, "county", v["county"], "文件或数据库中已有的县级区划代码", "unknown county")
    if name == "org_units" and v.get("parent") is not None and v["parent"] not in units:
        run.add(row, "parent", v["parent"], "文件或数据库中已有的上级区划代码", "unknown parent")
    if name == "reported" and v["unit"] not in units and v["unit"] not in schools:
        run.add(row, "unit", v["unit"], "文件或数据库中已有的区划代码或学校标识码", "unknown unit")


def _check_totals(run: _Run) -> None:
    """A 合计 row of grade_year must equal the sum of its grades for every figure it gives."""
    sums: dict[tuple[Any, ...], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in run.rows.get("grade_year", []):
        key = (row.values["school"], row.values["year"], row.values["stage"])
        for column in GRADE_TOTALS:
            sums[key][column] += row.values.get(column) or 0
    for row in run.totals:
        key = (row.values["school"], row.values["year"], row.values["stage"])
        for column in GRADE_TOTALS:
            total = row.values.get(column)
            if total is not None and total != sums[key][column]:
                run.add(
                    row,
                    column,
                    total,
                    f"各年级之和 {sums[key][column]}",
                    f"total {total} != sum {sums[key][column]}",
                )


def _frame(table: Table, rows: list[_Row]) -> pl.DataFrame:
    # Sheets of one table may carry different columns: the frame has them all, null where a sheet had none.
    present = {name for row in rows for name in row.letters}
    columns = [c.name for c in table.columns if c.name in present]
    schema = {c: dtype for c, dtype in table.polars_schema().items() if c in columns}
    data = [tuple(r.values.get(c) for c in columns) for r in rows]
    return pl.DataFrame(data, schema=schema, orient="row", strict=False)
