from __future__ import annotations

from django.contrib import admin

from eduplan.web.plans.models import ManualValue, Milestone, Plan, Project, Target


class TargetInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Target
    extra = 0
    fields = ("number", "indicator_text", "indicator_code", "comparator", "value", "unit", "target_year")
    show_change_link = True


class ProjectInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Project
    extra = 0
    fields = ("name", "kind", "budget", "planned_year", "actual_year", "status")


class MilestoneInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Milestone
    extra = 0


class ManualValueInline(admin.TabularInline):  # type: ignore[type-arg]
    model = ManualValue
    extra = 0


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("name", "region_code", "region_name", "period_start", "period_end", "status")
    list_filter = ("status",)
    search_fields = ("name", "region_code", "region_name")
    inlines = (
        TargetInline,
        ProjectInline,
    )


@admin.register(Target)
class TargetAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("indicator_text", "plan", "comparator", "value", "unit", "target_year", "recurrence")
    list_filter = ("plan", "comparator", "recurrence", "scope")
    search_fields = ("indicator_text", "indicator_code", "quote")
    inlines = (
        MilestoneInline,
        ManualValueInline,
    )


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("name", "plan", "kind", "budget", "planned_year", "actual_year", "status")
    list_filter = ("plan", "kind", "status")
    search_fields = ("name", "school_name")
