from __future__ import annotations

from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class AccountsConfig(AppConfig):
    default = True
    name = "eduplan.web.accounts"
    label = "accounts"
    verbose_name = "账号、审核与审计"

    def ready(self) -> None:
        from eduplan.web.accounts import signals

        signals.connect()


class ScopedAdminConfig(admin_apps.AdminConfig):
    default = False
    """Django's admin with our site: every model admin scoped to the user's org units (see admin_site.py)."""

    default_site = "eduplan.web.accounts.admin_site.ScopedAdminSite"
