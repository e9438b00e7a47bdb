from __future__ import annotations

from django.urls import URLPattern, path

from eduplan.web.region import views

app_name = "region"
urlpatterns: list[URLPattern] = [
    path("", views.index, name="index"),
    path("<str:code>/", views.region, name="region"),
]
