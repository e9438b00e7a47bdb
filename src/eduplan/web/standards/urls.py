from __future__ import annotations

from django.urls import URLPattern, path

from eduplan.web.standards import views

app_name = "standards"
urlpatterns: list[URLPattern] = [
    path("", views.index, name="index"),
    path("method/", views.method, name="method"),
    path("balanced/todo.xlsx", views.todo_xlsx, name="todo_xlsx"),
    path("<str:kind>/", views.evaluation, name="evaluation"),
    path("<str:kind>/entry/", views.enter, name="enter"),
]
