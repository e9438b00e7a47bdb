"""Facts out of the database as Polars frames: `load_facts` for the core.

Reading runs the SQL of a `values_list` queryset and hands the rows straight to Polars (no model instances).
A region is an org unit's subtree (or one school): the tables are narrowed by what their columns point at —
a school, a township (or any org unit), or a `unit` code naming either.
"""

from __future__ import annotations

from typing import Any

import polars as pl
from django.core.exceptions import EmptyResultSet
from django.db import connection, models

from eduplan.errors import NotFound
from eduplan.facts import TABLES, Facts, Table
from eduplan.store.registry import MODELS, references

# The two tables that make up a region: the org unit tree and the schools hanging below its townships.
UNITS, SCHOOLS = "org_units", "schools"


def table_frame(name: str, queryset: models.QuerySet[Any]) -> pl.DataFrame:
    """The queryset's rows in the table's columns, fetched with the SQL Django writes but without its
    per-value converters: Polars casts SQLite's 0/1 to booleans itself, several times faster."""
    table = TABLES[name]
    refs = references(name)
    lookups = [f"{c.name}__code" if c.name in refs else c.name for c in table.columns]
    try:
        sql, params = queryset.order_by().values_list(*lookups).query.sql_with_params()
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


def _ancestors(units: pl.DataFrame, code: str) -> set[str]:
    """The unit and every unit above it."""
    parent = dict(zip(units["code"], units["parent"], strict=True))
    found, up = {code}, parent.get(code)
    while up is not None and up not in found:
        found.add(up)
        up = parent.get(up)
    return found


def load_facts(unit_code: str | None = None, years: tuple[int, int] | None = None) -> Facts:
    """The facts of one region: a county, township, school (by code) or everything when `unit_code` is None.

    Org units: the unit's subtree plus its ancestors (for names). Schools: those in townships of the subtree.
    Other tables: their rows about the region's schools and units. `years` is an inclusive (first, last)
    range applied to every table with a year column, births included. A table of `facts.TABLES` that no
    model stores yet is empty.
    """
    unit_model, school_model = MODELS[UNITS], MODELS[SCHOOLS]
    units = table_frame(UNITS, unit_model._default_manager.all())
    schools: models.QuerySet[Any] = school_model._default_manager.all()
    inside: set[str] | None = None  # None: everything
    if unit_code is not None:
        if unit_code in set(units["code"]):
            inside = _subtree(units, unit_code)
            shown = inside | _ancestors(units, unit_code)
            schools = schools.filter(township__code__in=sorted(inside))
        elif (
            school := schools.filter(code=unit_code).values_list("pk", "township__code").first()
        ) is not None:
            inside, shown = set(), _ancestors(units, school[1])
            schools = schools.filter(pk=school[0])
        else:
            raise NotFound(
                f"找不到代码为 {unit_code} 的行政区划或学校", english=f"no org unit or school {unit_code}"
            )
        units = units.filter(pl.col("code").is_in(sorted(shown)))
    frames = {name: table.empty() for name, table in TABLES.items()}
    frames[UNITS], frames[SCHOOLS] = units, table_frame(SCHOOLS, schools)
    for name, model in MODELS.items():
        if name in (UNITS, SCHOOLS):
            continue
        queryset = model._default_manager.all()
        if inside is not None:
            queryset = _in_region(name, queryset, inside, schools)
        frames[name] = table_frame(name, _in_years(TABLES[name], queryset, years))
    return Facts(**frames)


def _in_region(
    name: str, queryset: models.QuerySet[Any], inside: set[str], schools: models.QuerySet[Any]
) -> models.QuerySet[Any]:
    """Rows about the region: of its schools, of its org units, or naming either by a `unit` code."""
    for column, ref in references(name).items():
        if ref.target is MODELS[SCHOOLS]:
            return queryset.filter(**{f"{column}__in": schools})
        if ref.target is MODELS[UNITS]:
            return queryset.filter(**{f"{column}__code__in": sorted(inside)})
    if "unit" in TABLES[name].by_name:
        return queryset.filter(models.Q(unit__in=sorted(inside)) | models.Q(unit__in=schools.values("code")))
    return queryset  # a table tied to no unit holds no region's rows in particular


def _in_years(
    table: Table, queryset: models.QuerySet[Any], years: tuple[int, int] | None
) -> models.QuerySet[Any]:
    if years is None or "year" not in table.by_name:
        return queryset
    return queryset.filter(year__gte=years[0], year__lte=years[1])
