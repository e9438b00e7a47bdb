"""Every problem of a set of table sheets at once, column-wise with Polars, each with its file, sheet, row,
column and value.

Pure: the codes already in the database come in as `Known`. Checks, in order: every cell's type, range,
choices and code shape (`cells.parse_column`); each row's consistency (parts not above their whole, classes
where there are pupils, grades of the stage, org unit codes of their level); keys not repeated across all
sheets; codes referring to a school or org unit that the files or the database hold, matched by length and
level; 合计 rows equal to the sum of their grades. The first `limit` problems are kept, with the total.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

from eduplan.facts import LEVELS, STAGE_GRADES, TABLES, Table
from eduplan.io.cells import parse_column
from eduplan.io.problems import Problem
from eduplan.io.rules import GRADE_TOTALS, LEVEL_DIGITS, NOT_MORE
from eduplan.io.sheets import Grid
from eduplan.io.template import ROW, TOTAL_LABELS, TableSheet, table_sheet

SHEET = "__sheet"  # index of the sheet a record came from
LEVEL_OF_DIGITS = {digits: level for level, digits in LEVEL_DIGITS.items()}
PROBLEM_SCHEMA = {
    SHEET: pl.Int64(),
    ROW: pl.Int64(),
    "column": pl.String(),
    "value": pl.String(),
    "expected": pl.String(),
}


@dataclass(frozen=True)
class Known:
    """Codes the database already holds: schools (with their type and ownership), org units with their level."""

    schools: frozenset[str] = frozenset()
    units: dict[str, str] = field(default_factory=dict)
    school_types: dict[str, str] = field(default_factory=dict)
    ownerships: dict[str, str] = field(default_factory=dict)


@dataclass
class Checked:
    """Validated rows per table (only the columns the sheets carry); the first problems and their number."""

    frames: dict[str, pl.DataFrame]
    problems: list[Problem]
    total: int = 0

    @property
    def ok(self) -> bool:
        return self.total == 0


@dataclass
class _Run:
    sheets: list[TableSheet]
    found: list[pl.DataFrame] = field(default_factory=list)

    def add(self, rows: pl.DataFrame, column: str | pl.Expr, value: pl.Expr, expected: str | pl.Expr) -> None:
        """One problem per row of `rows` (which carry SHEET and ROW)."""
        if rows.height == 0:
            return
        text = pl.lit(expected) if isinstance(expected, str) else expected
        where = pl.lit(column) if isinstance(column, str) else column
        self.found.append(
            rows.select(
                pl.col(SHEET),
                pl.col(ROW),
                where.alias("column"),
                value.cast(pl.String).alias("value"),
                text.alias("expected"),
            )
        )

    def problems(self, limit: int) -> tuple[list[Problem], int]:
        if not self.found:
            return [], 0
        every = pl.concat(self.found).sort([SHEET, ROW], maintain_order=True)
        return [self._problem(*row) for row in every.head(limit).iter_rows()], every.height

    def _problem(self, index: int, row: int, column: str, value: str | None, expected: str) -> Problem:
        ts = self.sheets[index]
        sheet, number, letter, header = ts.where(row, column)
        return Problem(ts.file, sheet, number, header, letter, value, expected, f"{column}: {expected}")


def validate(sheets: list[TableSheet], known: Known | None = None, limit: int = 200) -> Checked:
    """Check every sheet and cell; the frames hold only valid rows, so use them only when there is no problem."""
    known = known or Known()
    run = _Run(sheets)
    rows: dict[str, list[pl.DataFrame]] = {}
    totals: list[pl.DataFrame] = []
    for index, ts in enumerate(sheets):
        good, sums = _parse_sheet(run, index, ts)
        rows.setdefault(ts.table.name, []).append(_check_rows(run, ts.table, good))
        if sums is not None:
            totals.append(sums)
    frames = {name: pl.concat(parts, how="diagonal_relaxed") for name, parts in rows.items()}
    for name in list(frames):
        frames[name] = _check_keys(run, TABLES[name], frames[name])
    _check_references(run, frames, totals, known)
    if totals:
        _check_totals(run, frames.get("grade_year"), pl.concat(totals, how="diagonal_relaxed"))
    problems, total = run.problems(limit)
    kept = {name: _columns(TABLES[name], frame) for name, frame in frames.items() if frame.height}
    return Checked(kept, problems, total)


def validate_grids(grids: list[Grid], known: Known | None = None, limit: int = 200) -> Checked:
    """Our template sheets checked: their headers, then their cells and rows (`validate`)."""
    problems: list[Problem] = []
    sheets = [s for g in grids if (s := table_sheet(g, problems)) is not None]
    checked = validate(sheets, known, limit)
    return Checked(checked.frames, (problems + checked.problems)[:limit], len(problems) + checked.total)


def _parse_sheet(run: _Run, index: int, ts: TableSheet) -> tuple[pl.DataFrame, pl.DataFrame | None]:
    """The sheet's rows typed (rows with a bad cell left out), and its 合计 rows for grade_year."""
    data = ts.data.with_columns(pl.lit(index, pl.Int64).alias(SHEET), pl.col(ROW).cast(pl.Int64))
    is_total = pl.repeat(False, data.height, dtype=pl.Boolean, eager=True)
    if ts.table.name == "grade_year" and "grade" in data.columns:
        is_total = data["grade"].str.strip_chars().is_in(TOTAL_LABELS).fill_null(False)
    typed, bad = [], pl.repeat(False, data.height, dtype=pl.Boolean, eager=True)
    for name in ts.data.columns:
        if name == ROW:
            continue
        raw = data.select(pl.when(pl.lit(is_total) & (name == "grade")).then(None).otherwise(pl.col(name)))[
            :, 0
        ]
        parsed = parse_column(ts.table.name, ts.table.by_name[name], raw)
        wrong = parsed.bad & ~is_total if name == "grade" else parsed.bad  # a 合计 row has no grade
        found = pl.DataFrame({SHEET: data[SHEET], ROW: data[ROW], "value": raw, "expected": parsed.expected})
        run.add(found.filter(wrong), name, pl.col("value"), pl.col("expected"))
        typed.append(parsed.values)
        bad = bad | wrong
    frame = pl.DataFrame([data[SHEET], data[ROW], *typed]).filter(~bad)
    totals = is_total.filter(~bad)
    if ts.table.name != "grade_year":
        return frame, None
    return frame.filter(~totals), frame.filter(totals)


def _check_rows(run: _Run, table: Table, frame: pl.DataFrame) -> pl.DataFrame:
    """Each row's consistency; rows with a problem are left out."""
    bad = pl.repeat(False, frame.height, dtype=pl.Boolean, eager=True)
    for rule in NOT_MORE.get(table.name, ()):
        parts = [p for p in rule.parts if p in frame.columns]
        if not parts or rule.whole not in frame.columns:
            continue
        given = pl.any_horizontal([pl.col(p).is_not_null() for p in parts])
        total = pl.sum_horizontal([pl.col(p) for p in parts])
        broken = frame.select(given & pl.col(rule.whole).is_not_null() & (total > pl.col(rule.whole)))[:, 0]
        first = pl.coalesce([pl.when(pl.col(p).is_not_null()).then(pl.lit(p)) for p in parts])
        labels = "与".join(table.by_name[p].label for p in rule.parts)
        whole = table.by_name[rule.whole].label
        expected = pl.format(f"{labels}合计不大于{whole}（{{}}），现为 {{}}", pl.col(rule.whole), total)
        run.add(frame.filter(broken), first, pl.coalesce([pl.col(p) for p in parts]), expected)
        bad = bad | broken
    for column, wrong, value, why in _special(table, frame):
        run.add(frame.filter(wrong), column, value, why)
        bad = bad | wrong
    return frame.filter(~bad)


def _special(table: Table, f: pl.DataFrame) -> list[tuple[str, pl.Series, pl.Expr, str | pl.Expr]]:
    """(column, rows that break it, value shown, what was expected) of the rules that are not parts ≤ whole."""
    found: list[tuple[str, pl.Series, pl.Expr, str | pl.Expr]] = []

    def rule(column: str, broken: pl.Expr, value: pl.Expr, expected: str | pl.Expr) -> None:
        found.append((column, f.select(broken.fill_null(False))[:, 0], value, expected))

    has = set(f.columns)
    if table.name == "grade_year":
        if {"enrollment", "classes"} <= has:
            rule("classes", (pl.col("enrollment") > 0) & (pl.col("classes") == 0), pl.col("classes"),
                 pl.format("大于 0 的班数（该年级有在校生 {} 人）", pl.col("enrollment")))  # fmt: skip
        most = pl.col("stage").replace_strict(STAGE_GRADES, return_dtype=pl.Int64)
        rule("grade", pl.col("grade") > most, pl.col("grade"), pl.format("1 到 {} 之间的年级", most))
    if table.name == "schools" and {"opened_year", "closed_year"} <= has:
        rule("closed_year", pl.col("closed_year") < pl.col("opened_year"), pl.col("closed_year"),
             pl.format("不早于建校年份 {}", pl.col("opened_year")))  # fmt: skip
    if table.name == "org_units":
        digits = pl.col("level").replace_strict(LEVEL_DIGITS, return_dtype=pl.Int64)
        level = pl.col("level").replace_strict(LEVELS, return_dtype=pl.String)
        wrong = pl.col("code").str.len_chars() != digits
        rule("code", wrong, pl.col("code"), pl.format("{} 位{}级区划代码", digits, level))
        parent = pl.col("parent") if "parent" in has else pl.lit(None, pl.String)
        top = pl.col("level") == "province"
        rule("parent", ~wrong & top & parent.is_not_null(), parent, "空（省级没有上级）")
        rule("parent", ~wrong & ~top & parent.is_null(), parent, "上级区划代码（仅省级可为空）")
        prefix = ~wrong & parent.is_not_null() & ~pl.col("code").str.starts_with(parent.fill_null(""))
        rule(
            "parent",
            prefix,
            parent,
            pl.format("本级代码 {} 的前 {} 位", pl.col("code"), parent.str.len_chars()),
        )
    return found


def _check_keys(run: _Run, table: Table, frame: pl.DataFrame) -> pl.DataFrame:
    """Rows whose key an earlier row (of any sheet) already has are problems naming that row."""
    key = list(table.key)
    first = frame.select(pl.struct(key).is_first_distinct())[:, 0]
    if first.all():
        return frame
    earlier = frame.filter(first).select(*key, pl.col(SHEET).alias("__s"), pl.col(ROW).alias("__r"))
    repeats = frame.filter(~first).join(earlier, on=key, how="left")
    places = [
        f"第 {r} 行" if s == t else f"{run.sheets[s].file}「{run.sheets[s].sheet}」第 {r} 行"
        for s, r, t in repeats.select("__s", "__r", SHEET).iter_rows()
    ]
    repeats = repeats.with_columns(pl.Series("__where", places, dtype=pl.String))
    run.add(repeats, key[0], pl.col(key[0]), pl.format("唯一的键（与{}重复）", pl.col("__where")))
    return frame.filter(first)


def _check_references(
    run: _Run, frames: dict[str, pl.DataFrame], totals: list[pl.DataFrame], known: Known
) -> None:
    """Codes must name a school or org unit of the files or the database, at the level their length gives."""
    units = dict(known.units)
    if "org_units" in frames:
        units |= dict(frames["org_units"].select("code", "level").iter_rows())
    schools = set(known.schools)
    if "schools" in frames:
        schools |= set(frames["schools"]["code"])
    by_level = {level: sorted(c for c, lv in units.items() if lv == level) for level in LEVELS}
    school_list = sorted(schools)
    for name, frame in [*frames.items(), *(("grade_year", t) for t in totals)]:
        has = set(frame.columns)
        if "school" in has:
            run.add(frame.filter(~pl.col("school").is_in(school_list)), "school", pl.col("school"),
                    "文件或数据库中已有的学校标识码")  # fmt: skip
        if "township" in has:
            unknown = pl.col("township").is_not_null() & ~pl.col("township").is_in(by_level["township"])
            run.add(
                frame.filter(unknown), "township", pl.col("township"), "文件或数据库中已有的乡镇（街道）代码"
            )
        if "county" in has:
            unknown = pl.col("county").is_not_null() & ~pl.col("county").is_in(by_level["county"])
            run.add(frame.filter(unknown), "county", pl.col("county"), "文件或数据库中已有的县级区划代码")
        if name == "org_units" and "parent" in has:
            unknown = pl.col("parent").is_not_null() & ~pl.col("parent").is_in(sorted(units))
            run.add(frame.filter(unknown), "parent", pl.col("parent"), "文件或数据库中已有的上级区划代码")
        if "unit" in has:
            _check_units(run, frame, by_level, school_list)


def _check_units(run: _Run, frame: pl.DataFrame, by_level: dict[str, list[str]], schools: list[str]) -> None:
    """A `unit` code is matched by its length: 10 digits a school, 9 a township, 6 a county, 4 a city, 2 a
    province — a school code that lost its leading zero is not filed under a township."""
    for digits, level in [*LEVEL_OF_DIGITS.items(), (10, "school")]:
        known = schools if level == "school" else by_level[level]
        name = "学校标识码" if level == "school" else f"{LEVELS[level]}级区划代码"
        wrong = (pl.col("unit").str.len_chars() == digits) & ~pl.col("unit").is_in(known)
        run.add(
            frame.filter(wrong),
            "unit",
            pl.col("unit"),
            f"文件或数据库中已有的{name}（{digits} 位代码按此层级匹配）",
        )


def _check_totals(run: _Run, grades: pl.DataFrame | None, totals: pl.DataFrame) -> None:
    """A 合计 row of grade_year must equal the sum of its grades for every figure it gives."""
    key = ["school", "year", "stage"]
    given = [c for c in GRADE_TOTALS if c in totals.columns]
    if grades is None:
        grades = pl.DataFrame(schema={**{k: totals.schema[k] for k in key}, **{c: pl.Int64() for c in given}})
    sums = grades.group_by(key).agg(
        pl.col(c).fill_null(0).sum().alias(f"{c}__sum") for c in given if c in grades.columns
    )
    joined = totals.join(sums, on=key, how="left")
    for column in given:
        total = pl.col(f"{column}__sum").fill_null(0) if f"{column}__sum" in joined.columns else pl.lit(0)
        wrong = joined.filter(pl.col(column).is_not_null() & (pl.col(column) != total))
        run.add(wrong, column, pl.col(column), pl.format("各年级之和 {}", total))


def _columns(table: Table, frame: pl.DataFrame) -> pl.DataFrame:
    """The table's columns that the sheets carried, in the table's order and types."""
    schema = table.polars_schema()
    return frame.select([pl.col(c).cast(schema[c]) for c in schema if c in frame.columns])
