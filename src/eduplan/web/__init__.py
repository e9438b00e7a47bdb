"""The Django shell: storage, users, admin, pages and the JSON API around the core."""

from __future__ import annotations

import os


def setup() -> None:
    """Configure Django for the CLI (idempotent); the database comes from DATABASE_URL."""
    import django
    from django.apps import apps

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "eduplan.web.settings")
    if not apps.ready:
        django.setup()
