"""The admin, scoped: every model registered on it (by any app, with any ModelAdmin) shows and changes only the
rows of the user's org units, found from the model's fields as `access.unit_lookup` finds them. Accounts,
roles and the audit trail each belong to one administrator (三权分立); a model with no unit is nobody's."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib import admin
from django.contrib.admin import RelatedOnlyFieldListFilter
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpRequest

from eduplan.web import access

# Models that belong to an administrator's action rather than to org units.
ADMIN_MODELS = {"auth.user": "users", "auth.group": "users", "accounts.setting": "users",
                "accounts.grant": "roles", "axes.accessattempt": "roles", "axes.accesslog": "roles",
                "axes.accessfailurelog": "roles", "accounts.auditevent": "audit"}  # fmt: skip
READ_ONLY = {"accounts.auditevent", "accounts.approval", "accounts.approvalstep", "axes.accesslog",
             "axes.accessfailurelog"}  # fmt: skip


def _label(model: type[models.Model]) -> str:
    return model._meta.label_lower


class ScopedModelAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Mixed in front of every ModelAdmin the site registers."""

    def _admin_action(self) -> str | None:
        return ADMIN_MODELS.get(_label(self.model))

    def _may(self, request: HttpRequest, action: str, obj: models.Model | None) -> bool:
        admin_action = self._admin_action()
        if admin_action is not None:
            return access.can(request.user, "", admin_action)  # type: ignore[arg-type]
        if access.unit_lookup(self.model) is None:
            return False
        if obj is None:
            return access.can_any(request.user, action)  # type: ignore[arg-type]
        return access.can(request.user, access.unit_of(obj), action)  # type: ignore[arg-type]

    def get_list_filter(self, request: HttpRequest) -> Any:
        """Filters by a related object list only those in the user's rows (Django's plain one lists all)."""
        filters = []
        for entry in super().get_list_filter(request):
            field = (
                self.model._meta.get_field(entry) if isinstance(entry, str) and "__" not in entry else None
            )
            filters.append(
                (entry, RelatedOnlyFieldListFilter) if field is not None and field.is_relation else entry
            )
        return filters

    def get_queryset(self, request: HttpRequest) -> models.QuerySet[Any]:
        queryset = super().get_queryset(request)
        if self._admin_action() is not None:
            return queryset if self._may(request, "view", None) else queryset.none()
        return access.visible(request.user, queryset)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._may(request, "view", None)

    def has_view_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return self._may(request, "view", obj)

    def has_change_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return _label(self.model) not in READ_ONLY and self._may(request, "edit", obj)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return _label(self.model) not in READ_ONLY and self._may(request, "edit", None)

    def has_delete_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return _label(self.model) not in READ_ONLY and self._may(request, "edit", obj)

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        related = db_field.related_model
        if access.unit_lookup(related) is not None and _label(related) not in ADMIN_MODELS:
            kwargs["queryset"] = access.visible(request.user, related._default_manager.all(), "edit")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request: HttpRequest, obj: models.Model, form: Any, change: bool) -> None:
        if self._admin_action() is None and not access.can(request.user, access.unit_of(obj), "edit"):
            raise PermissionDenied("无权修改该单位的数据")
        super().save_model(request, obj, form, change)


class ScopedAdminSite(admin.AdminSite):
    site_header = site_title = "eduplan 数据管理"
    index_title = "数据维护"
    login_form = AuthenticationForm

    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        return (
            bool(user.is_active)
            and any(
                access.can(user, "", a)
                for a in ("users", "roles", "audit")  # type: ignore[arg-type]
            )
        ) or access.is_data_user(user)

    def register(self, model_or_iterable: Any, admin_class: Any = None, **options: Any) -> None:
        base = admin_class or admin.ModelAdmin
        scoped = (
            base
            if issubclass(base, ScopedModelAdmin)
            else type(f"Scoped{base.__name__}", (ScopedModelAdmin, base), {})
        )
        models_: Iterable[Any] = (
            model_or_iterable if isinstance(model_or_iterable, Iterable) else [model_or_iterable]
        )
        for model in models_:
            super().register(model, scoped, **options)
