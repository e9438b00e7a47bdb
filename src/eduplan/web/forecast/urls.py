from __future__ import annotations

from django.urls import URLPattern, path

from eduplan.web.forecast import views

app_name = "forecast"
urlpatterns: list[URLPattern] = [
    path("", views.index, name="index"),
    path("zone/", views.zone, name="zone"),
    path("zone/<path:unit>/", views.zone, name="zone_path"),  # older links; new ones pass ?zone=
    path("method/", views.method, name="method"),
]
