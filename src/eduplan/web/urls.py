"""Each area app brings its own urls.py; the schools app owns the site root."""

from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    path("indicators/", include("eduplan.web.indicators.urls")),
    path("plans/", include("eduplan.web.plans.urls")),
    path("standards/", include("eduplan.web.standards.urls")),
    path("forecast/", include("eduplan.web.forecast.urls")),
    path("documents/", include("eduplan.web.documents.urls")),
    path("linkage/", include("eduplan.web.linkage.urls")),
    path("finance/", include("eduplan.web.finance.urls")),
    path("reports/", include("eduplan.web.reports.urls")),
    path("public/", include("eduplan.web.public.urls")),
    path("", include("eduplan.web.schools.urls")),
]

handler403 = "eduplan.web.errors.forbidden"
handler404 = "eduplan.web.errors.not_found"
handler500 = "eduplan.web.errors.server_error"
