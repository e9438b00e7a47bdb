"""Accounts in the admin: users for the system administrator, roles for the security administrator, the audit
trail (read only) for the audit administrator; approval states and steps read only for data users."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import Group, User

from eduplan.web.accounts.models import Approval, ApprovalStep, AuditEvent, Grant

admin.site.unregister(User)
admin.site.unregister(Group)


@admin.register(User)
class AccountAdmin(UserAdmin):
    """Accounts without Django's own permission flags: rights come from roles (Grant) only."""

    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("个人信息", {"fields": ("first_name", "last_name", "email")}),
        ("状态", {"fields": ("is_active", "last_login", "date_joined")}),
    )
    readonly_fields = ("last_login", "date_joined")
    list_display = ("username", "first_name", "last_name", "is_active", "last_login")
    list_filter = ("is_active",)
    filter_horizontal = ()


@admin.register(Grant)
class GrantAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("user", "role", "unit")
    list_filter = ("role",)
    search_fields = ("user__username", "unit")
    raw_id_fields = ("user",)


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("at", "username", "event", "unit", "address", "path")
    list_filter = ("event",)
    search_fields = ("username", "unit", "event", "path")
    date_hierarchy = "at"


@admin.register(Approval)
class ApprovalAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("unit", "year", "state", "changed_at", "changed_by")
    list_filter = ("state", "year")
    search_fields = ("unit",)


@admin.register(ApprovalStep)
class ApprovalStepAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("unit", "year", "action", "before", "after", "by", "at", "reason")
    list_filter = ("action", "year")
    search_fields = ("unit", "by", "reason")
