from __future__ import annotations

from django.contrib import admin

from eduplan.web.documents.models import Decision, Document


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("name", "region_code", "uploaded_at", "plan")
    exclude = ("raw",)


@admin.register(Decision)
class DecisionAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("document", "index", "accepted", "target")
