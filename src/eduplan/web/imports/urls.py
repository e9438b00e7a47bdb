from __future__ import annotations

from django.urls import path

from eduplan.web.imports import views

app_name = "imports"
urlpatterns = [
    path("", views.index, name="index"),
    path("preview/", views.preview, name="preview"),
    path("confirm/", views.confirm, name="confirm"),
    path("<int:batch>/undo/", views.undo, name="undo"),
]
