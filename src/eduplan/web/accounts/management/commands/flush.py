"""Django's `flush`, keeping the audit trail's triggers: refused unless the test suite allows it.

The triggers forbid deleting young audit rows, so a plain flush fails; tests that empty the database between
runs (pytest-django's transactional tests) set `EDUPLAN_ALLOW_FLUSH`, which drops the triggers for the flush
and puts them back. Nothing in the application sets it.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import CommandError
from django.core.management.commands.flush import Command as Flush
from django.db import connections

from eduplan.web.accounts import triggers


class Command(Flush):
    def handle(self, **options: Any) -> None:
        if not getattr(settings, "EDUPLAN_ALLOW_FLUSH", False):
            raise CommandError("flush 会删除审计记录，已禁用（只有测试可以使用）")
        connection = connections[options["database"]]
        triggers.drop(connection)
        try:
            super().handle(**options)
        finally:
            triggers.create(connection)
