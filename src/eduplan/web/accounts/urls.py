from __future__ import annotations

from django.urls import URLPattern, path

from eduplan.web.accounts import views

app_name = "accounts"
urlpatterns: list[URLPattern] = [
    path("approval/", views.approval, name="approval"),
    path("approval/step/", views.approval_step, name="approval_step"),
    path("audit/", views.audit_trail, name="audit"),
    path("audit.csv", views.audit_export, name="audit_export"),
]
