from __future__ import annotations

from django.contrib import admin

from eduplan.web.staffing.models import Teacher


@admin.register(Teacher)
class TeacherAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Teacher records by anonymous id: find them by id or school, narrow by year, stage and subject."""

    list_display = ("teacher", "year", "school", "stage", "subject", "title", "backbone", "joined_year")
    list_filter = ("year", "stage", "subject")
    search_fields = ("teacher", "school__code", "school__name")
    raw_id_fields = ("school",)
    list_select_related = ("school",)
