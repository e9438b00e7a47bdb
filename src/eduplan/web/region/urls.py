from __future__ import annotations

from django.urls import URLPattern, path

from eduplan.web.region import targets_views, views

app_name = "region"
urlpatterns: list[URLPattern] = [
    path("", views.index, name="index"),
    path("<str:code>/", views.region, name="region"),
    path("<str:code>/targets/", targets_views.targets, name="targets"),
    path("<str:code>/targets/new/", targets_views.edit, name="target_new"),
    path("<str:code>/targets/<int:pk>/", targets_views.edit, name="target_edit"),
    path("<str:code>/targets/<int:pk>/delete/", targets_views.delete, name="target_delete"),
]
