from __future__ import annotations

from django.urls import URLPattern, path

from eduplan.web.indicators import views

app_name = "indicators"
urlpatterns: list[URLPattern] = [
    path("", views.index, name="index"),
    path("quality/", views.quality, name="quality"),
    path("<str:code>/", views.indicator, name="indicator"),
    path("<str:code>/compare/", views.compare, name="compare"),
]
