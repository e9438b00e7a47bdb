"""Django settings. Every environment variable is parsed strictly; a bad value stops start-up with a clear message."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

import dj_database_url
import django_stubs_ext
import platformdirs

from eduplan.errors import ConfigError

# Lets `admin.ModelAdmin[Model]` and other typed generics run (django-stubs types them).
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("EDUPLAN_DATA_DIR") or platformdirs.user_data_dir("eduplan"))


def _env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    if raw.lower() in ("1", "true", "yes", "on"):
        return True
    if raw.lower() in ("0", "false", "no", "off"):
        return False
    raise ConfigError(
        f"环境变量 {name} 的值 {raw!r} 无法识别，应为 true 或 false",
        english=f"{name}={raw!r}: expected true/false",
    )


def _secret_key() -> str:
    key = os.environ.get("EDUPLAN_SECRET_KEY")
    if key:
        return key
    path = DATA_DIR / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
    return path.read_text().strip()


def _database() -> dict[str, Any]:
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'eduplan.sqlite3'}"
    try:
        config: dict[str, Any] = dict(dj_database_url.parse(url, conn_max_age=60))
    except Exception as exc:
        raise ConfigError(
            f"DATABASE_URL 无法解析：{url!r}（{exc}）", english=f"bad DATABASE_URL {url!r}: {exc}"
        ) from exc
    if config["ENGINE"].endswith("sqlite3"):
        Path(str(config["NAME"])).parent.mkdir(parents=True, exist_ok=True)
        config["OPTIONS"] = {"timeout": 30, "init_command": "PRAGMA journal_mode=WAL;"}
        config["CONN_MAX_AGE"] = 0
    return config


DEBUG = _env_bool("EDUPLAN_DEBUG", False)
# The public progress pages show aggregate figures only; true adds each school's 优质均衡 result (a school's name,
# never a person's).
PUBLIC_SCHOOL_TABLES = _env_bool("EDUPLAN_PUBLIC_SCHOOLS", False)
SECRET_KEY = _secret_key()
ALLOWED_HOSTS = [
    h for h in os.environ.get("EDUPLAN_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h
]
DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# One Django app per area; each has urls.py mounted under its own prefix (see urls.py).
AREA_APPS = [
    "eduplan.web.schools",
    "eduplan.web.indicators",
    "eduplan.web.plans",
    "eduplan.web.standards",
    "eduplan.web.forecast",
    "eduplan.web.documents",
    "eduplan.web.linkage",
    "eduplan.web.finance",
    "eduplan.web.reports",
    "eduplan.web.public",
]
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    *AREA_APPS,
]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
ROOT_URLCONF = "eduplan.web.urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]
WSGI_APPLICATION = "eduplan.web.wsgi.application"
LANGUAGE_CODE = "zh-hans"
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = DATA_DIR / "static"
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
DATA_UPLOAD_MAX_MEMORY_SIZE = 50 * 1024 * 1024
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"eduplan.access": {"handlers": ["console"], "level": "INFO"}},
}
