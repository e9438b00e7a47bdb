"""django-axes' lockout check, for sign-ins that come with a request (the login forms). A call without a
request (a test client's login, a management shell) has no address to lock and is checked by the password
backend alone."""

from __future__ import annotations

from typing import Any

from axes.backends import AxesStandaloneBackend


class LockoutBackend(AxesStandaloneBackend):
    def authenticate(self, request: Any, username: str | None = None, password: str | None = None,
                     **kwargs: Any) -> Any:  # fmt: skip
        if request is None:
            return None
        return super().authenticate(request, username, password, **kwargs)
