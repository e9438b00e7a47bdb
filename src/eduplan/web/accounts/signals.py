"""What the accounts app listens to: sign-ins for the audit trail, edits of data and plans (before/after),
and every save of facts, which must not touch approved data."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import signals as auth_signals
from django.db import models
from django.db.models import signals
from django.forms.models import model_to_dict

from eduplan.web import access

# Edits of every model that belongs to org units are audited with their values before and after, except
# the accounts app's own (approval steps and the trail are records themselves) and stored results (computed
# when a page reads them, not edited by anyone).
NOT_AUDITED = ("accounts", "auth", "sessions", "axes", "admin", "contenttypes", "results")


def connect() -> None:
    from eduplan import store
    from eduplan.web.accounts.approval import check_unlocked

    if check_unlocked not in store.WRITE_CHECKS:
        store.WRITE_CHECKS.append(check_unlocked)
    auth_signals.user_logged_in.connect(_logged_in, dispatch_uid="eduplan-login")
    auth_signals.user_logged_out.connect(_logged_out, dispatch_uid="eduplan-logout")
    auth_signals.user_login_failed.connect(_login_failed, dispatch_uid="eduplan-login-failed")
    signals.pre_save.connect(_before_save, dispatch_uid="eduplan-before-save")
    signals.post_save.connect(_after_save, dispatch_uid="eduplan-after-save")
    signals.pre_delete.connect(_before_delete, dispatch_uid="eduplan-before-delete")
    signals.post_delete.connect(_after_delete, dispatch_uid="eduplan-after-delete")


def _logged_in(sender: Any, request: Any, user: Any, **_: Any) -> None:
    request.user = user  # a test client's bare request has none yet
    access.audit(request, "login", "")


def _logged_out(sender: Any, request: Any, user: Any, **_: Any) -> None:
    if user is not None:
        access.audit(request, "logout", "", username=user.get_username())


def _login_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **_: Any) -> None:
    access.audit(request, "login_failed", "", username=str(credentials.get("username", ""))[:150])


def _audited(sender: Any) -> bool:
    if not (isinstance(sender, type) and issubclass(sender, models.Model)):
        return False
    return sender._meta.app_label not in NOT_AUDITED and access.unit_lookup(sender) is not None


def _values(instance: models.Model) -> dict[str, Any]:
    return {
        k: v
        for k, v in model_to_dict(instance).items()
        if not isinstance(v, list | dict | bytes) and k != "raw"
    }


def _year_of(instance: models.Model) -> int | None:
    year = getattr(instance, "year", None)
    return year if isinstance(year, int) else None


def _check_lock(instance: models.Model) -> None:
    """A form or admin edit of a yearly fact row of locked data is refused with the reason."""
    from eduplan.errors import DataError
    from eduplan.store import MODELS

    year = _year_of(instance)
    if type(instance) not in MODELS.values() or year is None:
        return
    reason = access.lock_reason(access.unit_of(instance), year)
    if reason:
        raise DataError(reason, english="locked data")


def _before_save(sender: Any, instance: models.Model, raw: bool = False, **_: Any) -> None:
    if raw or not _audited(sender):
        return
    _check_lock(instance)
    if instance.pk is not None and not access.quiet.get():
        old = sender._default_manager.filter(pk=instance.pk).first()
        instance._eduplan_before = _values(old) if old is not None else None  # type: ignore[attr-defined]


def _after_save(sender: Any, instance: models.Model, created: bool, raw: bool = False, **_: Any) -> None:
    if raw or not _audited(sender) or access.quiet.get():
        return
    after = _values(instance)
    before = getattr(instance, "_eduplan_before", None)
    if before is not None:
        changed = {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}
        if not changed:
            return
        detail: dict[str, Any] = {"changed": changed}
    else:
        detail = {"after": after}
    event = "plan_change" if sender._meta.app_label in ("plans", "documents") else "edit"
    access.audit(None, event, access.unit_of(instance), model=sender._meta.label, id=instance.pk,
                 created=created, **detail)  # fmt: skip


def _before_delete(sender: Any, instance: models.Model, **_: Any) -> None:
    if _audited(sender):
        _check_lock(instance)


def _after_delete(sender: Any, instance: models.Model, **_: Any) -> None:
    if not _audited(sender) or access.quiet.get():
        return
    event = "plan_change" if sender._meta.app_label in ("plans", "documents") else "edit"
    access.audit(None, event, access.unit_of(instance), model=sender._meta.label, id=instance.pk,
                 deleted=_values(instance))  # fmt: skip
