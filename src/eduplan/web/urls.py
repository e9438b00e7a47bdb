"""Each area app brings its own urls.py; the schools app owns the site root."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    # Sign in and out, change one's own password. No reset by mail: an administrator resets a password with
    # `eduplan user passwd` (no mail server on a government intranet, and no silent dead end).
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password_change/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "accounts/password_change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("access/", include("eduplan.web.accounts.urls")),
    path("indicators/", include("eduplan.web.indicators.urls")),
    path("plans/", include("eduplan.web.plans.urls")),
    path("standards/", include("eduplan.web.standards.urls")),
    path("forecast/", include("eduplan.web.forecast.urls")),
    path("documents/", include("eduplan.web.documents.urls")),
    path("imports/", include("eduplan.web.imports.urls")),
    path("linkage/", include("eduplan.web.linkage.urls")),
    path("finance/", include("eduplan.web.finance.urls")),
    path("reports/", include("eduplan.web.reports.urls")),
    path("public/", include("eduplan.web.public.urls")),
    path("region/", include("eduplan.web.region.urls")),
    path("staffing/", include("eduplan.web.staffing.urls")),
    path("api/v1/", include("eduplan.web.api.urls")),
    path("api/", include("eduplan.web.api.page_urls")),
    path("", include("eduplan.web.schools.urls")),
]

handler403 = "eduplan.web.errors.forbidden"
handler404 = "eduplan.web.errors.not_found"
handler500 = "eduplan.web.errors.server_error"
