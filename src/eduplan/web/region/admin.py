from __future__ import annotations

from django.contrib import admin

from eduplan.web.region.models import Boundary, Commitment


@admin.register(Commitment)
class CommitmentAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("unit", "text", "kind", "at_least", "counties", "target_year")


@admin.register(Boundary)
class BoundaryAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("unit", "name", "level", "source")
    exclude = ("geometry",)
