"""The API's pages for people: /api/tokens/ (one's own tokens). The documentation is /api/v1/docs/."""

from __future__ import annotations

from django.urls import URLPattern, path

from eduplan.web.api import pages

app_name = "api_pages"
urlpatterns: list[URLPattern] = [path("tokens/", pages.my_tokens, name="tokens")]
