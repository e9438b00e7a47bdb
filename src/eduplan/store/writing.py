"""Facts into the database: `save_facts` upserts every frame by its table's key, in one transaction.

The work is column-wise: the stored rows with the same keys are fetched into a frame, joined to the new
rows, and split into new, changed and unchanged rows with Polars; only new rows are inserted (COPY on
PostgreSQL, `executemany` on SQLite) and changed rows updated, so saving the same facts twice writes nothing
the second time. What was created and what each update replaced can be recorded in a `Journal`, from which
`undo` puts the database back. `python -m eduplan.bench foundation` measures saving against the plain ORM.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import chain
from typing import Any

import polars as pl
from django.db import DatabaseError, connection, models, transaction

from eduplan.errors import DataError
from eduplan.facts import TABLES, Facts, Table
from eduplan.store import versions
from eduplan.store.registry import MODELS, Reference, references

BATCH = 500  # rows per bulk statement and codes per IN (…) list; well under SQLite's parameter limit
# Above this many codes a lookup reads the whole table (or year) once instead of many IN (…) lists: a
# province's import names most schools, and one scan is much cheaper than dozens of long queries.
WHOLE = 2_000
COPY_ROWS = 50_000  # rows per block of CSV handed to PostgreSQL's COPY
# After a COPY of this many rows the table's planner statistics are renewed at once (ANALYZE counts the rows of
# its own open transaction). Otherwise a table autovacuum last saw empty (reltuples 0) is planned as empty and a
# county's schools are joined to their yearly rows by nested loops: 18 s per query seen in a test run on
# PostgreSQL, and the same after a bureau's first import until autovacuum gets to it.
ANALYZE_ROWS = 1_000
SQLITE_VALUES = (
    999  # parameters per SQLite INSERT: the limit of SQLite before 3.32, well under today's 32,766
)
PK = "__pk"
Progress = Callable[[str, int, int], None]  # (table name, rows done, rows in table)
# Checks every save (and every undo) runs first, inside its transaction; the accounts app adds the approval
# lock. A check raises DataError to refuse the whole write, so every import path obeys it.
WRITE_CHECKS: list[Callable[[Facts], None]] = []
log = logging.getLogger(__name__)


@dataclass
class TableCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged

    def add(self, other: TableCounts) -> None:
        self.created += other.created
        self.updated += other.updated
        self.unchanged += other.unchanged


@dataclass
class ImportSummary:
    """What one save did, per table."""

    tables: dict[str, TableCounts] = field(default_factory=dict)

    def _sum(self, attr: str) -> int:
        return sum(getattr(c, attr) for c in self.tables.values())

    @property
    def created(self) -> int:
        return self._sum("created")

    @property
    def updated(self) -> int:
        return self._sum("updated")

    @property
    def unchanged(self) -> int:
        return self._sum("unchanged")

    def lines(self) -> list[str]:
        """One Chinese line per table, for the CLI and the web."""
        return [
            f"{TABLES[name].label}：新增 {c.created} 行，更新 {c.updated} 行，未变 {c.unchanged} 行"
            for name, c in self.tables.items()
        ]


@dataclass
class TableChanges:
    """One table's changes: keys of created rows; for updated rows their key, old and new values."""

    created: list[pl.DataFrame] = field(default_factory=list)  # key columns
    updated: list[pl.DataFrame] = field(default_factory=list)  # key columns, then <col> and <col>__old


@dataclass
class Journal:
    """Everything a save changed, in codes (never database ids), so that it can be undone."""

    tables: dict[str, TableChanges] = field(default_factory=dict)

    def of(self, name: str) -> TableChanges:
        return self.tables.setdefault(name, TableChanges())


def save_facts(
    facts: Facts, progress: Progress | None = None, journal: Journal | None = None
) -> ImportSummary:
    """Upsert every non-empty frame by its table's key, in one transaction; parents before children.

    Only the columns a frame carries are written, so a file with some columns leaves the others as they are.
    """
    summary = ImportSummary()
    frames = facts.frames()
    changes = Journal()  # this save's own, for the data versions; copied into the caller's journal
    try:
        with transaction.atomic():
            run_write_checks(facts)
            for name in MODELS:
                frame = frames.get(name)
                if frame is None or frame.height == 0:
                    continue
                summary.tables[name] = _save_table(name, frame, changes)
                if progress is not None:
                    progress(name, frame.height, frame.height)
            versions.bump(changed_scopes(changes))
    except DatabaseError as exc:  # the driver's message goes to the log, not to the user
        log.warning("save_facts failed: %s", exc)
        raise DataError(
            "数据无法写入数据库（违反数据库约束或数据库不可用），未写入任何数据；详情见服务器日志",
            english=f"database error: {exc}",
        ) from exc
    if journal is not None:
        for name, own in changes.tables.items():
            journal.of(name).created.extend(own.created)
            journal.of(name).updated.extend(own.updated)
    return summary


def changed_scopes(journal: Journal) -> set[versions.Scope]:
    """The (county, year) pairs whose data the journal's rows changed."""
    return {
        scope
        for name, changes in journal.tables.items()
        for scope in versions.scopes_of(name, [*changes.created, *changes.updated])
    }


def run_write_checks(facts: Facts) -> None:
    """Every registered write check on the rows about to be written (DataError refuses the write)."""
    for check in WRITE_CHECKS:
        check(facts)


def _save_table(name: str, frame: pl.DataFrame, journal: Journal | None) -> TableCounts:
    """A table whose rows point at rows of the same table (org units at their parent) goes parents first."""
    table = TABLES[name]
    own = [c for c, ref in references(name).items() if ref.target is MODELS[name] and c in frame.columns]
    if not own:
        return _upsert(table, frame, journal)
    total = TableCounts()
    for part in _generations(frame, table.key[0], own[0]):
        total.add(_upsert(table, part, journal))
    return total


def _generations(frame: pl.DataFrame, key: str, parent: str) -> Iterator[pl.DataFrame]:
    """The frame's rows in waves: those whose parent is not in the frame first, then their children …"""
    remaining = frame
    while remaining.height:
        wave = remaining.filter(pl.col(parent).is_null() | ~pl.col(parent).is_in(remaining[key].implode()))
        if wave.height == 0:  # a cycle: the database will refuse the rows that point at missing parents
            wave = remaining
        yield wave
        remaining = remaining.filter(~pl.col(key).is_in(wave[key].implode()))


def _upsert(table: Table, frame: pl.DataFrame, journal: Journal | None) -> TableCounts:
    model = MODELS[table.name]
    refs = references(table.name)
    key = list(table.key)
    values = [c for c in frame.columns if c in table.by_name and c not in table.key]
    frame = typed(table, frame.select(key + values))
    coded = with_ids(frame, refs)
    db_key = [_db(c, refs) for c in key]
    stored = existing(table, model, refs, coded, db_key, values)
    joined = coded.join(stored, on=db_key, how="left")
    is_new = pl.col(PK).is_null()
    differs = (
        pl.any_horizontal([pl.col(c).ne_missing(pl.col(f"{c}__old")) for c in values])
        if values
        else pl.lit(False)
    )
    # New rows in key order: B-tree inserts in order are about twice as fast as in a file's own order.
    new, changed = joined.filter(is_new).sort(db_key), joined.filter(~is_new & differs)
    insert_rows(
        model, db_key + [_db(c, refs) for c in values], new.select(db_key + [_db(c, refs) for c in values])
    )
    if values:
        _update(model, [_db(c, refs) for c in values], changed.select([_db(c, refs) for c in values] + [PK]))
    if journal is not None:
        changes = journal.of(table.name)
        changes.created.append(new.select(key + values))
        if values:
            changes.updated.append(changed.select(key + values + [f"{c}__old" for c in values]))
    return TableCounts(new.height, changed.height, frame.height - new.height - changed.height)


def _db(column: str, refs: dict[str, Reference]) -> str:
    """The model attribute that stores the column: `school` is stored as `school_id`."""
    return refs[column].attname if column in refs else column


def typed(table: Table, frame: pl.DataFrame) -> pl.DataFrame:
    """The frame cast to the contract's types, so that the database receives ints, floats, str and bools."""
    schema = table.polars_schema()
    try:
        return frame.cast({c: schema[c] for c in frame.columns})
    except pl.exceptions.PolarsError as exc:
        raise DataError(
            f"{table.label}的数据类型与约定不符", english=f"{table.name}: bad types: {exc}"
        ) from exc


def with_ids(frame: pl.DataFrame, refs: dict[str, Reference], missing_ok: bool = False) -> pl.DataFrame:
    """Each foreign-key column's codes beside their ids (`school` and `school_id`); an unknown code is a
    DataError (or a null id when `missing_ok`)."""
    for column, ref in refs.items():
        if column not in frame.columns:
            continue
        codes = frame[column].drop_nulls().unique().to_list()
        ids = _ids(ref.target, codes)
        missing = sorted(set(codes) - ids.keys())
        if missing and not missing_ok:
            raise DataError(
                f"{ref.target._meta.verbose_name}代码不存在：{'、'.join(missing[:10])}",
                english=f"unknown {ref.target.__name__} codes: {missing[:10]}",
            )
        lookup = pl.DataFrame(
            {column: list(ids), ref.attname: list(ids.values())},
            schema={column: pl.String(), ref.attname: pl.Int64()},
        )
        frame = frame.join(lookup, on=column, how="left")
    return frame


def _ids(model: type[models.Model], codes: Sequence[str]) -> dict[str, int]:
    manager = model._default_manager
    if len(codes) > WHOLE:
        wanted = set(codes)
        return {code: pk for code, pk in manager.values_list("code", "id") if code in wanted}
    found: dict[str, int] = {}
    for chunk in _chunks(sorted(codes)):
        found.update(manager.filter(code__in=chunk).values_list("code", "id"))
    return found


def existing(
    table: Table,
    model: type[models.Model],
    refs: dict[str, Reference],
    frame: pl.DataFrame,
    db_key: list[str],
    values: list[str],
) -> pl.DataFrame:
    """Stored rows whose key is among the frame's: key (in ids), pk and each value as `<col>__old` (codes)."""
    schema = table.polars_schema()
    columns = {k: pl.Int64() if k.endswith("_id") else schema[k] for k in db_key}
    columns[PK] = pl.Int64()
    columns |= {f"{c}__old": schema[c] for c in values}
    lookups = ["pk", *db_key, *(f"{c}__code" if c in refs else c for c in values)]
    base = model._default_manager.order_by()
    if "year" in db_key:  # a file of one year should not fetch every other year of its schools
        base = base.filter(year__in=frame["year"].unique().to_list())
    parts = []
    first = db_key[0]
    keys = frame[first].unique().sort().to_list()
    queries = (
        [base] if len(keys) > WHOLE else [base.filter(**{f"{first}__in": chunk}) for chunk in _chunks(keys)]
    )
    for query in queries:
        sql, params = query.values_list(*lookups).query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        ordered = [PK, *db_key, *(f"{c}__old" for c in values)]
        parts.append(pl.DataFrame(rows, schema={c: columns[c] for c in ordered}, orient="row", strict=False))
    if not parts:
        return pl.DataFrame(schema=columns)
    return pl.concat(parts).select(db_key + [PK] + [f"{c}__old" for c in values])


def _quoted_columns(model: type[models.Model], fields: list[str]) -> list[str]:
    quote = connection.ops.quote_name
    return [quote(_column(model, f)) for f in fields]


def _column(model: type[models.Model], field_name: str) -> str:
    if field_name == PK:
        field_name = "id"
    for f in model._meta.concrete_fields:
        if f.attname == field_name or f.name == field_name:
            assert f.column is not None
            return f.column
    raise KeyError(field_name)


# Plain parameterised SQL: Django's per-value preparation in bulk_create/bulk_update costs ten times more than
# the database itself here, and our values are already plain Python scalars.
def insert_rows(model: type[models.Model], fields: list[str], rows: pl.DataFrame) -> None:
    if rows.height == 0:
        return
    columns = ", ".join(_quoted_columns(model, fields))
    target = f"{connection.ops.quote_name(model._meta.db_table)} ({columns})"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # CSV written by Polars, in blocks: no Python loop per row
            # The driver's own cursor: its errors are wrapped into Django's DatabaseError by hand.
            with (
                connection.wrap_database_errors,
                cursor.cursor.copy(f"COPY {target} FROM STDIN (FORMAT csv)") as copy,
            ):
                for block in rows.iter_slices(COPY_ROWS):
                    copy.write(block.write_csv(include_header=False, null_value=""))
            if rows.height >= ANALYZE_ROWS:
                cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
            return
        # Many rows per statement: SQLite then runs its statement machine once per block, not once per row
        # (about 40% less CPU for a province's statistics than one row per statement).
        width = max(1, SQLITE_VALUES // len(fields))
        step = width * len(fields)
        one = f"({', '.join(['%s'] * len(fields))})"
        many = f"INSERT INTO {target} VALUES {', '.join([one] * width)}"
        for block in rows.iter_slices(width * BATCH):
            values = block.rows()
            whole = len(values) - len(values) % width
            if whole:
                flat = list(chain.from_iterable(values[:whole]))
                cursor.executemany(many, [flat[i : i + step] for i in range(0, len(flat), step)])
            if whole < len(values):
                cursor.executemany(f"INSERT INTO {target} VALUES {one}", values[whole:])


def _update(model: type[models.Model], fields: list[str], rows: pl.DataFrame) -> None:
    """Rows are (values…, pk)."""
    if rows.height == 0:
        return
    quote = connection.ops.quote_name
    sets = ", ".join(f"{c} = %s" for c in _quoted_columns(model, fields))
    sql = f"UPDATE {quote(model._meta.db_table)} SET {sets} WHERE {quote(_column(model, PK))} = %s"
    with connection.cursor() as cursor:
        for chunk in _chunks(rows.rows()):
            cursor.executemany(sql, chunk)


def _chunks(items: Sequence[Any]) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), BATCH):
        yield items[start : start + BATCH]
