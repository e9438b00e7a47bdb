from __future__ import annotations

from django.urls import URLPattern, path

from eduplan.web.linkage import views

app_name = "linkage"
urlpatterns: list[URLPattern] = [
    path("", views.index, name="index"),
    path("run/", views.rerun, name="rerun"),
    path("suspects/", views.suspects, name="suspects"),
    path("cases/", views.cases, name="cases"),
    path("case/<int:pk>/", views.case, name="case"),
    path("review/", views.review, name="review"),
    path("review/<int:pk>/", views.review_pair, name="review_pair"),
    path("aid/", views.aid, name="aid"),
]
