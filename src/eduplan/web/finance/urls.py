from __future__ import annotations

from django.urls import URLPattern, path

from eduplan.web.finance import views

app_name = "finance"
urlpatterns: list[URLPattern] = [
    path("", views.index, name="index"),
    path("floors/", views.floors, name="floors"),
    path("floors.xlsx", views.floors_xlsx, name="floors_xlsx"),
    path("county/", views.county_tests, name="county"),
    path("county.xlsx", views.county_xlsx, name="county_xlsx"),
    path("cost/", views.cost, name="cost"),
    path("cost/unit-costs/", views.unit_costs, name="unit_costs"),
    path("cost.xlsx", views.cost_xlsx, name="cost_xlsx"),
    path("method/", views.method, name="method"),
]
