from __future__ import annotations

from django.urls import URLPattern, path

from eduplan.web.documents import views

app_name = "documents"
urlpatterns: list[URLPattern] = [
    path("", views.index, name="index"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/statements/<int:index>/", views.decide, name="decide"),
]
