"""The admin for every table of facts: searchable by code and name, filterable by year and kind."""

from __future__ import annotations

from django.contrib import admin
from django.db import models

from eduplan.web.schools.models import (
    Birth,
    GradeYear,
    HealthYear,
    Membership,
    OrgUnit,
    Population,
    ReportedValue,
    School,
    SchoolYear,
    StageYear,
)

admin.site.site_header = "eduplan 数据管理"
admin.site.site_title = "eduplan 数据管理"
admin.site.index_title = "数据维护"


@admin.register(OrgUnit)
class OrgUnitAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "level", "parent")
    list_filter = ("level",)
    search_fields = ("code", "name")
    raw_id_fields = ("parent",)


@admin.register(School)
class SchoolAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "township", "school_type", "ownership", "locale", "declared_capacity")
    list_filter = ("school_type", "ownership", "locale", "boarding")
    search_fields = ("code", "name")
    raw_id_fields = ("township",)


class SchoolFactAdmin(admin.ModelAdmin):
    """Yearly facts of one school: find them by school code or name, narrow by year."""

    list_filter = ("year",)
    search_fields = ("school__code", "school__name")
    raw_id_fields = ("school",)
    list_select_related = ("school",)


def _register(model: type[models.Model], *shown: str, filters: tuple[str, ...] = ()) -> None:
    attrs = {"list_display": ("school", "year", *shown), "list_filter": ("year", *filters)}
    admin.site.register(model, type(f"{model.__name__}Admin", (SchoolFactAdmin,), attrs))


_register(SchoolYear, "teachers", "staff", "area_building", "public_funds_per_pupil")
_register(StageYear, "stage", "entrants", "graduates", "migrant", "boarders", filters=("stage",))
_register(
    GradeYear,
    "stage",
    "grade",
    "enrollment",
    "classes",
    "classes_56_65",
    "classes_66_plus",
    filters=("stage",),
)
_register(HealthYear, "health_tested", "health_passed", "health_good", "vision_screened", "myopic")
_register(Membership, "kind", "name", filters=("kind",))


class TownshipFactAdmin(admin.ModelAdmin):
    """Yearly facts of one township: find them by township code or name."""

    search_fields = ("township__code", "township__name")
    raw_id_fields = ("township",)
    list_select_related = ("township",)


admin.site.register(
    Population,
    type("PopulationAdmin", (TownshipFactAdmin,), {"list_display": ("township", "year", "age", "population"),
                                                  "list_filter": ("year", "age")}),
)  # fmt: skip
admin.site.register(
    Birth,
    type(
        "BirthAdmin",
        (TownshipFactAdmin,),
        {"list_display": ("township", "year", "births"), "list_filter": ("year",)},
    ),
)


@admin.register(ReportedValue)
class ReportedValueAdmin(admin.ModelAdmin):
    list_display = ("unit", "year", "indicator", "value", "numerator", "denominator", "source")
    list_filter = ("year", "indicator")
    search_fields = ("unit", "indicator", "source")
