"""The stored facts: one model per table of `eduplan.facts`, fields generated from its Column definitions.

Keys (codes, school, year, stage, grade …) are written out by hand because they carry foreign keys and
unique constraints; every other column is generated from facts.py so that the contract has one source.
Every fact field is nullable: a missing value is NULL, never 0. Columns the contract marks required are
NOT NULL.
"""

from __future__ import annotations

from django.core.validators import BaseValidator, MaxValueValidator, MinValueValidator
from django.db import models

from eduplan import facts, store
from eduplan.facts import Column, Table
from eduplan.io.cells import LABELS  # Chinese labels of coded values, shared with the templates

NAME_LENGTH = 200


def model_field(column: Column) -> models.Field:  # type: ignore[type-arg]
    """The Django field that stores one contract column."""
    null = not column.required
    common: dict[str, object] = {
        "verbose_name": column.label,
        "help_text": column.help,
        "null": null,
        "blank": null,
    }
    validators: list[BaseValidator] = []
    if column.min is not None:
        validators.append(MinValueValidator(column.min))
    if column.max is not None:
        validators.append(MaxValueValidator(column.max))
    if column.kind == "str":
        labels = LABELS.get(column.name, {})
        choices = [(c, labels.get(c, c)) for c in column.choices] or None
        return models.CharField(max_length=NAME_LENGTH, choices=choices, **common)  # type: ignore[arg-type]
    if column.kind == "int":
        return models.BigIntegerField(validators=validators, **common)  # type: ignore[arg-type]
    if column.kind == "float":
        return models.FloatField(validators=validators, **common)  # type: ignore[arg-type]
    return models.BooleanField(**common)  # type: ignore[arg-type]


def add_columns(model: type[models.Model], table: Table, handwritten: tuple[str, ...]) -> None:
    """Add a field for every column of `table` not written out by hand on `model`."""
    for column in table.columns:
        if column.name not in handwritten:
            model.add_to_class(column.name, model_field(column))  # type: ignore[attr-defined]


class OrgUnit(models.Model):
    """省、市、县、乡镇: one node of the administrative hierarchy (schools hang below townships)."""

    code = models.CharField("区划代码", max_length=12, unique=True)
    name = models.CharField("名称", max_length=NAME_LENGTH)
    level = model_field(facts.ORG_UNITS.by_name["level"])
    parent = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="children", verbose_name="上级"
    )

    class Meta:
        verbose_name = verbose_name_plural = "行政区划"
        ordering = ("code",)

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"


class School(models.Model):
    code = models.CharField("学校标识码", max_length=10, unique=True)
    name = models.CharField("学校名称", max_length=NAME_LENGTH)
    township = models.ForeignKey(OrgUnit, models.PROTECT, related_name="schools", verbose_name="所属乡镇")

    class Meta:
        verbose_name = verbose_name_plural = "学校"
        ordering = ("code",)

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"


add_columns(School, facts.SCHOOLS, ("code", "name", "township"))


def _school() -> models.ForeignKey:  # type: ignore[type-arg]
    """No index of its own: every yearly table's unique key starts with the school, and serves its lookups
    (a second index on the same column made each imported row cost one more B-tree insert)."""
    return models.ForeignKey(School, models.CASCADE, verbose_name="学校", db_index=False)


def _year() -> models.Field:  # type: ignore[type-arg]
    return model_field(facts.YEAR)


class SchoolYear(models.Model):
    school = _school()
    year = _year()

    class Meta:
        verbose_name = verbose_name_plural = facts.SCHOOL_YEAR.label
        constraints = (models.UniqueConstraint(fields=["school", "year"], name="school_year_key"),)


add_columns(SchoolYear, facts.SCHOOL_YEAR, ("school", "year"))


class StageYear(models.Model):
    school = _school()
    year = _year()
    stage = model_field(facts.STAGE_YEAR.by_name["stage"])

    class Meta:
        verbose_name = verbose_name_plural = facts.STAGE_YEAR.label
        constraints = (models.UniqueConstraint(fields=["school", "year", "stage"], name="stage_year_key"),)


add_columns(StageYear, facts.STAGE_YEAR, ("school", "year", "stage"))


class GradeYear(models.Model):
    school = _school()
    year = _year()
    stage = model_field(facts.GRADE_YEAR.by_name["stage"])
    grade = model_field(facts.GRADE_YEAR.by_name["grade"])

    class Meta:
        verbose_name = verbose_name_plural = facts.GRADE_YEAR.label
        constraints = (
            models.UniqueConstraint(fields=["school", "year", "stage", "grade"], name="grade_year_key"),
        )


add_columns(GradeYear, facts.GRADE_YEAR, ("school", "year", "stage", "grade"))


class HealthYear(models.Model):
    school = _school()
    year = _year()

    class Meta:
        verbose_name = verbose_name_plural = facts.HEALTH_YEAR.label
        constraints = (models.UniqueConstraint(fields=["school", "year"], name="health_year_key"),)


add_columns(HealthYear, facts.HEALTH_YEAR, ("school", "year"))


class Membership(models.Model):
    """A school's place in a 教育集团 or 学区 in one year."""

    school = _school()
    year = _year()
    kind = model_field(facts.MEMBERSHIPS.by_name["kind"])

    class Meta:
        verbose_name = verbose_name_plural = facts.MEMBERSHIPS.label
        constraints = (models.UniqueConstraint(fields=["school", "year", "kind"], name="membership_key"),)


add_columns(Membership, facts.MEMBERSHIPS, ("school", "year", "kind"))


class Population(models.Model):
    township = models.ForeignKey(OrgUnit, models.CASCADE, verbose_name="乡镇")
    year = _year()
    age = model_field(facts.POPULATION.by_name["age"])

    class Meta:
        verbose_name = verbose_name_plural = facts.POPULATION.label
        constraints = (models.UniqueConstraint(fields=["township", "year", "age"], name="population_key"),)


add_columns(Population, facts.POPULATION, ("township", "year", "age"))


class Birth(models.Model):
    township = models.ForeignKey(OrgUnit, models.CASCADE, verbose_name="乡镇")
    year = model_field(facts.BIRTHS.by_name["year"])

    class Meta:
        verbose_name = verbose_name_plural = facts.BIRTHS.label
        constraints = (models.UniqueConstraint(fields=["township", "year"], name="birth_key"),)


add_columns(Birth, facts.BIRTHS, ("township", "year"))


class ReportedValue(models.Model):
    """A value entered directly for an org unit or school, for measures no school table carries."""

    # A code, not a foreign key: the unit may be an org unit or a school.
    unit = models.CharField("单位代码", max_length=12, db_index=True)
    year = _year()
    indicator = models.CharField("指标代码", max_length=NAME_LENGTH)

    class Meta:
        verbose_name = verbose_name_plural = facts.REPORTED.label
        constraints = (models.UniqueConstraint(fields=["unit", "year", "indicator"], name="reported_key"),)


add_columns(ReportedValue, facts.REPORTED, ("unit", "year", "indicator"))

# The model that stores each table of facts.py, registered in the order they must be written (parents first).
for _table, _model in (
    ("org_units", OrgUnit),
    ("schools", School),
    ("school_year", SchoolYear),
    ("stage_year", StageYear),
    ("grade_year", GradeYear),
    ("health_year", HealthYear),
    ("memberships", Membership),
    ("population", Population),
    ("births", Birth),
    ("reported", ReportedValue),
):
    store.register(_table, _model)
