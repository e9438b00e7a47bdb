"""Who reported what, read cheaply from the database: the school directory and the (school, year) keys of the
core tables, enough for `eduplan.indicators.completeness.reporting` without loading every column."""

from __future__ import annotations

import polars as pl

from eduplan.facts import TABLES, Facts
from eduplan.indicators.completeness import CORE_TABLES, reporting
from eduplan.web.schools.models import GradeYear, OrgUnit, School, SchoolYear, StageYear

CORE_MODELS = {"school_year": SchoolYear, "stage_year": StageYear, "grade_year": GradeYear}


def reporting_keys() -> Facts:
    """Facts holding org units, schools and, for each core table, only its distinct (school, year) pairs."""
    facts = Facts.empty()
    facts.org_units = TABLES["org_units"].frame(
        {"code": c, "name": n, "level": lv, "parent": p}
        for c, n, lv, p in OrgUnit.objects.values_list("code", "name", "level", "parent__code")
    )
    facts.schools = TABLES["schools"].frame(
        {"code": c, "name": n, "township": t, "opened_year": o, "closed_year": cl}
        for c, n, t, o, cl in School.objects.values_list(
            "code", "name", "township__code", "opened_year", "closed_year"
        )
    )
    for table in CORE_TABLES:
        pairs = CORE_MODELS[table]._default_manager.values_list("school__code", "year").distinct()
        keys = pl.DataFrame(list(pairs), schema={"school": pl.String, "year": pl.Int64}, orient="row")
        setattr(facts, table, keys)
    return facts


def reporting_now() -> tuple[pl.DataFrame, dict[str, str]]:
    """The reporting frame of the whole database, and org unit names by code."""
    facts = reporting_keys()
    names = dict(zip(facts.org_units["code"], facts.org_units["name"], strict=True))
    return reporting(facts), names
