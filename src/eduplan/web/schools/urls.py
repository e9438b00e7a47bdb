from __future__ import annotations

from django.urls import path

from eduplan.web.schools import views

app_name = "schools"
urlpatterns = [
    path("", views.county, name="county"),
    path("school/<str:code>/", views.school, name="school"),
]
