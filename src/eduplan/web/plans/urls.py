from __future__ import annotations

from django.urls import URLPattern, path

from eduplan.web.plans import views

app_name = "plans"
urlpatterns: list[URLPattern] = [
    path("", views.overview, name="overview"),
    path("targets/", views.targets, name="targets"),
    path("targets.xlsx", views.targets_excel, name="targets_excel"),
    path("targets/<int:pk>/", views.target_detail, name="target"),
    path("targets/<int:pk>/edit/", views.target_edit, name="target_edit"),
    path("plan/<int:plan_pk>/targets/new/", views.target_edit, name="target_new"),
    path("plan/new/", views.plan_edit, name="plan_new"),
    path("plan/<int:pk>/edit/", views.plan_edit, name="plan_edit"),
    path("projects/", views.projects, name="projects"),
    path("projects/<int:pk>/edit/", views.project_edit, name="project_edit"),
    path("rollup/<str:code>/", views.rollup, name="rollup"),
    path("method/", views.method, name="method"),
]
