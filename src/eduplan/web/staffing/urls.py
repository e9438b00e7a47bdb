from __future__ import annotations

from django.urls import URLPattern, path

from eduplan.web.staffing import views

app_name = "staffing"
urlpatterns: list[URLPattern] = [
    path("", views.county, name="county"),
    path("school/<str:code>/", views.school, name="school"),
    path("plan/", views.plan, name="plan"),
    path("plan.xlsx", views.plan_xlsx, name="plan_xlsx"),
    path("shortage.xlsx", views.shortage_xlsx, name="shortage_xlsx"),
    path("method/", views.method, name="method"),
]
