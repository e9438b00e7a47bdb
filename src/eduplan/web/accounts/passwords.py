"""Password rules beyond Django's (length ≥ 10, not common, not like the user name, not all digits)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.password_validation import MinimumLengthValidator
from django.core.exceptions import ValidationError

DEMO_PASSWORD = "eduplan-demo"


class NotTheDemoPassword:
    """The demo's printed password is for the demo only: no real account may use it."""

    def validate(self, password: str, user: Any = None) -> None:
        if password.strip().lower() == DEMO_PASSWORD:
            raise ValidationError("不能使用演示密码作为正式账号的密码", code="demo_password")

    def get_help_text(self) -> str:
        return "不能使用演示密码"


class MinimumLength(MinimumLengthValidator):
    """Django's length rule with a Chinese message (its zh-Hans catalogue lacks this one)."""

    def get_error_message(self) -> str:
        return f"密码太短，至少需要 {self.min_length} 个字符"

    def get_help_text(self) -> str:
        return f"密码至少 {self.min_length} 个字符"
