from __future__ import annotations

from django.urls import URLPattern, path

from eduplan.web.public import views

app_name = "public"
urlpatterns: list[URLPattern] = [
    path("", views.index, name="index"),
    path("<str:county>/", views.county, name="county"),
]
