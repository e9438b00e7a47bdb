"""Data versions per (county, school year): moved by every write the store makes (save and undo) and by
approvals, read by `eduplan.results` to tell whether stored results are still those of the data.

A changed row belongs to the county of the school, township or unit it names (a township's code starts with its
county's six digits) and to its `year`; a row of no year (a school, an org unit) to `ALL_YEARS`.
"""

from __future__ import annotations

import time
from collections.abc import Iterable

import polars as pl
from django.db import models
from django.db.models.functions import Greatest, Now

from eduplan.facts import TABLES
from eduplan.store.registry import MODELS

ALL_YEARS = 0
Scope = tuple[str, int]  # (county code, year or ALL_YEARS)
CODE_COLUMNS = ("township", "code", "school", "unit", "parent", "county")
SCHOOL_CODE, TOWN_CODES = 10, (6, 9)


def scopes_of(name: str, frames: Iterable[pl.DataFrame]) -> set[Scope]:
    """The (county, year) pairs that rows of table `name` belong to."""
    found: set[Scope] = set()
    schools: dict[str, set[int]] = {}
    for frame in frames:
        if frame.height == 0:
            continue
        years = frame["year"] if "year" in frame.columns else pl.repeat(ALL_YEARS, frame.height, eager=True)
        for column in CODE_COLUMNS:
            if column not in frame.columns or frame.schema[column] != pl.String:
                continue
            pairs = pl.DataFrame({"code": frame[column], "year": years.cast(pl.Int64)}).drop_nulls().unique()
            length = pairs["code"].str.len_chars()
            is_school = column == "school" or (column == "code" and name == "schools") or column == "unit"
            if is_school:
                for code, year in pairs.filter(length == SCHOOL_CODE).iter_rows():
                    schools.setdefault(code, set()).add(year)
            towns = pairs.filter(length.is_in(TOWN_CODES))
            found.update(zip(towns["code"].str.slice(0, 6).to_list(), towns["year"].to_list(), strict=True))
    if schools:
        rows = MODELS["schools"]._default_manager.filter(code__in=sorted(schools))
        for code, town in rows.values_list("code", "township__code"):
            found.update((town[:6], year) for year in schools[code])
    return found


def bump(scopes: Iterable[Scope]) -> None:
    """Move the version of each (county, year) on (inside the caller's transaction). A version is the time
    of the write in nanoseconds (and always above the one before): a database restored from a backup or
    rebuilt by the demo never shows a version a running server has already seen with other data."""
    from eduplan.store.models import DataVersion  # the store's package is imported while apps load

    wanted = sorted(set(scopes))
    if not wanted:
        return
    counties = sorted({c for c, _ in wanted})
    known = set(DataVersion.objects.filter(county__in=counties).values_list("county", "year"))
    DataVersion.objects.bulk_create([DataVersion(county=c, year=y) for c, y in wanted if (c, y) not in known])
    for county in counties:
        years = [y for c, y in wanted if c == county]
        DataVersion.objects.filter(county=county, year__in=years).update(
            version=Greatest(models.F("version") + 1, models.Value(time.time_ns())), changed=Now()
        )


def versions(county: str) -> dict[str, int]:
    """The county's version per year (ALL_YEARS included; keys are text, as stored in JSON); years never
    written are absent. Results of any year depend on every year (lagged terms read up to nine years back),
    so results name the whole mapping."""
    from eduplan.store.models import DataVersion

    rows = DataVersion.objects.filter(county=county).values_list("year", "version")
    return {str(year): version for year, version in rows}


def model_changed(sender: type[models.Model], instance: models.Model, **_: object) -> None:
    """A row saved or deleted one at a time (the admin site, a form) moves its county's version too; the
    store's own writes are plain SQL and bump once per save."""
    name = next((n for n, m in MODELS.items() if m is sender), None)
    if name is None:
        return
    row: dict[str, object] = {}
    for column in ("year", *CODE_COLUMNS):
        if column in TABLES[name].by_name:
            value = getattr(instance, column, None)
            row[column] = getattr(value, "code", value)
    if "year" not in row or isinstance(row["year"], int):
        bump(scopes_of(name, [pl.DataFrame([row])]))
