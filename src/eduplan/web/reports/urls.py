from __future__ import annotations

from django.urls import URLPattern, path

from eduplan.web.reports import views

app_name = "reports"
urlpatterns: list[URLPattern] = [
    path("evaluation/<int:pk>/", views.evaluation, name="evaluation"),
]
