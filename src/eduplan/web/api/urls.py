"""/api/v1/: the endpoints, the OpenAPI document (no token needed) and its documentation page in Chinese."""

from __future__ import annotations

from django.urls import URLPattern, path, re_path

from eduplan.web.api import exchange, forecasts, pages, personal, plans, statistics, views

app_name = "api"


urlpatterns: list[URLPattern] = [
    path("openapi.json", pages.openapi, name="openapi"),
    path("docs/", pages.docs, name="docs"),
    path("units/", views.Units.as_view(), name="units"),
    path("schools/", views.Schools.as_view(), name="schools"),
    path("indicators/", views.Indicators.as_view(), name="indicators"),
    path("explanations/", views.Explanations.as_view(), name="explanations"),
    path("status/", views.Status.as_view(), name="status"),
    path("plans/", views.Plans.as_view(), name="plans"),
    path("plans/<int:pk>/targets/", plans.PlanTargets.as_view(), name="targets"),
    path("plans/<int:pk>/targets/<int:target_id>/", plans.TargetDetail.as_view(), name="target"),
    path("plans/<int:pk>/warnings/", plans.Warnings.as_view(), name="warnings"),
    path("targets/<int:pk>/manual-values/", plans.ManualValues.as_view(), name="manual_values"),
    path("evaluations/<str:kind>/", views.Evaluations.as_view(), name="evaluation"),
    path("forecasts/", forecasts.Forecasts.as_view(), name="forecasts"),
    path("missing-children/", personal.MissingChildren.as_view(), name="missing_children"),
    path("dataValueSets/", exchange.DataValueSets.as_view(), name="datavaluesets"),
    path("tokens/", exchange.Tokens.as_view(), name="tokens"),
    *(path(f"statistics/{name}/", statistics.table_view(name).as_view(), name=f"statistics_{name}")
      for name in statistics.TABLE_NAMES),
    re_path(r"", views.not_found),  # anything else under /api/v1/ (`plans/-1/targets/`): a JSON 404, not a page
]  # fmt: skip
