"""Facts in and out of the database as Polars frames: `load_facts` for the core, `save_facts` for importers.

Reading runs the SQL of a `values_list` queryset and hands the rows straight to Polars (no model instances).
Writing is an upsert by each table's key in one transaction: existing rows are fetched by key, new rows
inserted and changed rows updated with `executemany`; unchanged rows are not touched, so saving the same
facts twice writes nothing the second time. `python -m eduplan.bench foundation` measures both against the
plain ORM.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import polars as pl
from django.core.exceptions import EmptyResultSet
from django.db import DatabaseError, connection, models, transaction

from eduplan.errors import DataError, NotFound
from eduplan.facts import LEVELS, TABLES, Facts, Table
from eduplan.web.schools.models import MODELS, OrgUnit, School

# Columns holding a code that the database stores as a foreign key: column -> (model field, target model).
FOREIGN_KEYS: dict[str, tuple[str, type[models.Model]]] = {
    "school": ("school_id", School),
    "township": ("township_id", OrgUnit),
    "parent": ("parent_id", OrgUnit),
    "county": ("county_id", OrgUnit),
}
BATCH = 500  # rows per bulk statement and codes per IN (…) list; well under SQLite's parameter limit
Progress = Callable[[str, int, int], None]  # (table name, rows done, rows in table)
# Checks every save runs first, inside its transaction (the accounts app adds the approval lock): a check
# raises DataError to refuse the whole save. Kept here so that every import path obeys them.
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


# ---------------------------------------------------------------------------------------------- reading


def _lookup(column: str) -> str:
    return f"{column}__code" if column in FOREIGN_KEYS else column


def _frame(table: Table, queryset: models.QuerySet[Any]) -> pl.DataFrame:
    """The queryset's rows in the table's columns, fetched with the SQL Django writes but without its
    per-value converters: Polars casts SQLite's 0/1 to booleans itself, several times faster."""
    names = [c.name for c in table.columns]
    try:
        sql, params = queryset.order_by().values_list(*[_lookup(n) for n in names]).query.sql_with_params()
    except EmptyResultSet:  # Django knows without asking, e.g. a filter `__in` an empty list
        return table.empty()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return pl.DataFrame(rows, schema=table.polars_schema(), orient="row", strict=False)


def _subtree(units: pl.DataFrame, unit_code: str) -> set[str]:
    """The unit and every unit below it."""
    children: dict[str, list[str]] = {}
    for code, up in zip(units["code"], units["parent"], strict=True):
        if up is not None:
            children.setdefault(up, []).append(code)
    below, stack = set(), [unit_code]
    while stack:
        code = stack.pop()
        below.add(code)
        stack.extend(children.get(code, ()))
    return below


def load_facts(unit_code: str | None = None, years: tuple[int, int] | None = None) -> Facts:
    """The facts of one region: a county, township, school (by code) or everything when `unit_code` is None.

    Org units: the unit's subtree plus its ancestors (for names). Schools: those in townships of the subtree.
    Tables by school: those schools' rows; population, births, county tables and reported values: those of
    units inside the region (and of its schools).
    `years` is an inclusive (first, last) range applied to every yearly table, births included.
    """
    units = _frame(TABLES["org_units"], OrgUnit.objects.all())
    schools: models.QuerySet[Any] = School.objects.all()
    inside: set[str] | None = None  # None: everything
    if unit_code is not None:
        if unit_code in set(units["code"]):
            inside = _subtree(units, unit_code)
            shown = inside | _ancestors(units, unit_code)
            schools = schools.filter(township__code__in=sorted(inside))
        elif (school := School.objects.filter(code=unit_code).select_related("township").first()) is not None:
            inside, shown = set(), _ancestors(units, school.township.code)
            schools = schools.filter(pk=school.pk)
        else:
            raise NotFound(
                f"找不到代码为 {unit_code} 的行政区划或学校", english=f"no org unit or school {unit_code}"
            )
        units = units.filter(pl.col("code").is_in(sorted(shown)))
    frames = {"org_units": units, "schools": _frame(TABLES["schools"], schools)}
    for name, model in MODELS.items():
        if name not in frames:
            queryset = model._default_manager.all()
            if inside is not None:
                queryset = _in_region(name, queryset, inside, schools)
            frames[name] = _frame(TABLES[name], _in_years(queryset, years))
    return Facts(**frames)


def _in_region(
    name: str, queryset: models.QuerySet[Any], inside: set[str], schools: models.QuerySet[Any]
) -> models.QuerySet[Any]:
    """The rows of table `name` that belong to the region: by school, township, county or reported unit."""
    columns = TABLES[name].by_name
    if "school" in columns:
        return queryset.filter(school__in=schools)
    if name == "reported":
        return queryset.filter(models.Q(unit__in=sorted(inside)) | models.Q(unit__in=schools.values("code")))
    column = next(c for c in ("township", "county") if c in columns)
    return queryset.filter(**{f"{column}__code__in": sorted(inside)})


def _ancestors(units: pl.DataFrame, code: str) -> set[str]:
    """The unit and every unit above it."""
    parent = dict(zip(units["code"], units["parent"], strict=True))
    found, up = {code}, parent.get(code)
    while up is not None and up not in found:
        found.add(up)
        up = parent.get(up)
    return found


def _in_years(queryset: models.QuerySet[Any], years: tuple[int, int] | None) -> models.QuerySet[Any]:
    return queryset if years is None else queryset.filter(year__gte=years[0], year__lte=years[1])


# ---------------------------------------------------------------------------------------------- writing


def save_facts(facts: Facts, progress: Progress | None = None) -> ImportSummary:
    """Upsert every non-empty frame by its table's key, in one transaction; parents before children.

    Only the columns a frame carries are written, so a file with some columns leaves the others as they are.
    """
    summary = ImportSummary()
    frames = facts.frames()
    try:
        with transaction.atomic():
            for check in WRITE_CHECKS:
                check(facts)
            for name in MODELS:
                frame = frames[name]
                if frame.height == 0:
                    continue
                save = _save_org_units if name == "org_units" else partial(_upsert, TABLES[name])
                summary.tables[name] = save(frame)
                if progress is not None:
                    progress(name, frame.height, frame.height)
    except DatabaseError as exc:  # the driver's message goes to the log, not to the user
        log.warning("save_facts failed: %s", exc)
        raise DataError(
            "数据无法写入数据库（与已有数据冲突或数据库不可用），未写入任何数据；详情见服务器日志",
            english=f"database error: {exc}",
        ) from exc
    return summary


def _save_org_units(frame: pl.DataFrame) -> TableCounts:
    """Org units level by level from the top, so that every parent exists before its children."""
    total = TableCounts()
    order = {level: i for i, level in enumerate(LEVELS)}
    levels = sorted(set(frame["level"].drop_nulls()), key=lambda lv: order.get(lv, len(order)))
    for level in levels:
        part = _upsert(TABLES["org_units"], frame.filter(pl.col("level") == level))
        total.created += part.created
        total.updated += part.updated
        total.unchanged += part.unchanged
    return total


def _upsert(table: Table, frame: pl.DataFrame) -> TableCounts:
    model = MODELS[table.name]
    key = list(table.key)
    values = [c for c in frame.columns if c in table.by_name and c not in table.key]
    rows = _db_rows(_typed(table, frame.select(key + values)), key + values)
    db_key = [_db_field(c) for c in key]
    db_values = [_db_field(c) for c in values]
    existing = _existing(model, db_key, db_values, [r[: len(key)] for r in rows])
    counts, new, changed = TableCounts(), [], []
    for row in rows:
        k, v = row[: len(key)], row[len(key) :]
        found = existing.get(k)
        if found is None:
            new.append(row)
        elif found[1] != v:
            changed.append((*v, found[0]))
        else:
            counts.unchanged += 1
    _insert(model, db_key + db_values, new)
    if db_values:
        _update(model, db_values, changed)
    counts.created, counts.updated = len(new), len(changed)
    return counts


def _typed(table: Table, frame: pl.DataFrame) -> pl.DataFrame:
    """The frame cast to the contract's types, so that the database receives ints, floats, str and bools."""
    schema = table.polars_schema()
    try:
        return frame.cast({c: schema[c] for c in frame.columns})
    except pl.exceptions.PolarsError as exc:
        raise DataError(
            f"{table.label}的数据类型与约定不符：{exc}", english=f"{table.name}: bad types: {exc}"
        ) from exc


# Plain parameterised SQL with executemany: Django's per-value preparation in bulk_create/bulk_update costs
# ten times more than the database itself here, and our values are already plain Python scalars.
def _insert(model: type[models.Model], fields: list[str], rows: list[tuple[Any, ...]]) -> None:
    if not rows:
        return
    quote = connection.ops.quote_name
    columns = ", ".join(quote(_column(model, f)) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({marks})"
    with connection.cursor() as cursor:
        for chunk in _chunks(rows):
            cursor.executemany(sql, chunk)


def _column(model: type[models.Model], field_name: str) -> str:
    field = model._meta.get_field(field_name)
    assert isinstance(field, models.Field) and field.column is not None
    return field.column


def _update(model: type[models.Model], fields: list[str], rows: list[tuple[Any, ...]]) -> None:
    """Rows are (values…, pk)."""
    if not rows:
        return
    quote = connection.ops.quote_name
    sets = ", ".join(f"{quote(_column(model, f))} = %s" for f in fields)
    sql = f"UPDATE {quote(model._meta.db_table)} SET {sets} WHERE {quote(_column(model, 'id'))} = %s"
    with connection.cursor() as cursor:
        for chunk in _chunks(rows):
            cursor.executemany(sql, chunk)


def _db_field(column: str) -> str:
    return FOREIGN_KEYS[column][0] if column in FOREIGN_KEYS else column


def _db_rows(frame: pl.DataFrame, columns: Sequence[str]) -> list[tuple[Any, ...]]:
    """Rows with codes of foreign keys replaced by ids; an unknown code is a DataError."""
    rows = frame.rows()
    for i, column in enumerate(columns):
        if column not in FOREIGN_KEYS:
            continue
        target = FOREIGN_KEYS[column][1]
        codes = {r[i] for r in rows if r[i] is not None}
        ids = _ids(target, codes)
        missing = sorted(codes - ids.keys())
        if missing:
            raise DataError(
                f"{target._meta.verbose_name}代码不存在：{'、'.join(missing[:10])}",
                english=f"unknown {target.__name__} codes: {missing[:10]}",
            )
        rows = [(*r[:i], ids.get(r[i]), *r[i + 1 :]) for r in rows]
    return rows


def _ids(model: type[models.Model], codes: Iterable[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for chunk in _chunks(sorted(codes)):
        found.update(model._default_manager.filter(code__in=chunk).values_list("code", "id"))
    return found


def _existing(
    model: type[models.Model], db_key: list[str], db_values: list[str], keys: list[tuple[Any, ...]]
) -> dict[tuple[Any, ...], tuple[int, tuple[Any, ...]]]:
    """Stored rows whose key is among `keys`: key -> (pk, values)."""
    wanted = set(keys)
    found: dict[tuple[Any, ...], tuple[int, tuple[Any, ...]]] = {}
    width = len(db_key)
    base = model._default_manager.order_by()
    if "year" in db_key:  # a file of one year should not fetch every other year of its schools
        base = base.filter(year__in=sorted({k[db_key.index("year")] for k in keys}))
    for chunk in _chunks(sorted({k[0] for k in keys}, key=str)):
        queryset = base.filter(**{f"{db_key[0]}__in": chunk})
        for row in queryset.values_list("pk", *db_key, *db_values):
            k = tuple(row[1 : 1 + width])
            if k in wanted:
                found[k] = (row[0], tuple(row[1 + width :]))
    return found


def _chunks(items: Sequence[Any]) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), BATCH):
        yield items[start : start + BATCH]
