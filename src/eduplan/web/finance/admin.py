from __future__ import annotations

from django.contrib import admin

from eduplan.web.finance.models import CountyFinance, SchoolFinance, UnitCost


@admin.register(SchoolFinance)
class SchoolFinanceAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("school", "year", "allocated", "budget_personnel", "budget_public", "budget_project")
    list_filter = ("year",)
    search_fields = ("school__code", "school__name")


@admin.register(CountyFinance)
class CountyFinanceAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("county", "year", "education_spending", "students", "teacher_pay", "civil_servant_pay")
    list_filter = ("year",)


@admin.register(UnitCost)
class UnitCostAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("county", "key", "value", "changed_by", "changed_at")
