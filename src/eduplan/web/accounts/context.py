"""What the site navigation offers the signed-in user (data pages, the audit trail, the admin)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from eduplan.web import access


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    if not user.is_authenticated:
        return {"nav": {}}
    admin = any(access.can(user, "", a) for a in ("users", "roles", "audit"))
    data = access.is_data_user(user)
    from eduplan.web.region.views import regions

    nav = {"data": data, "audit": access.can(user, "", "audit"), "admin": admin or data}
    return {"nav": nav | {"region": data and bool(regions(user))}}
