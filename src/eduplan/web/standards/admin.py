from __future__ import annotations

from django.contrib import admin

from eduplan.web.standards.models import EnteredItem


@admin.register(EnteredItem)
class EnteredItemAdmin(admin.ModelAdmin[EnteredItem]):
    list_display = ("unit", "year", "kind", "item", "passed", "entered_by", "entered_at")
    list_filter = ("kind", "year", "passed")
    search_fields = ("unit", "item", "evidence")
