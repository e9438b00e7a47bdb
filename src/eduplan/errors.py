"""The exception tree. The core raises these with context; the CLI, web and API translate them at the edge."""

from __future__ import annotations


class EduplanError(Exception):
    """Base of every error eduplan raises on purpose. `message` is Chinese, shown to users as is."""

    def __init__(self, message: str, *, english: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.english = english or message


class ConfigError(EduplanError):
    """A setting or environment variable has a bad value."""


class DataError(EduplanError):
    """Input data cannot be used as given."""


class NotFound(EduplanError):
    """A named unit, indicator, plan or file does not exist."""
