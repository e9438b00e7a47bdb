"""The audit trail is append-only in the database too: triggers on SQLite and PostgreSQL (see triggers.py)."""

from __future__ import annotations

from typing import Any

from django.db import migrations


def create(apps: Any, schema_editor: Any) -> None:
    from eduplan.web.accounts import triggers

    triggers.create(schema_editor.connection)


def drop(apps: Any, schema_editor: Any) -> None:
    from eduplan.web.accounts import triggers

    triggers.drop(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]
    operations = [migrations.RunPython(create, drop)]
