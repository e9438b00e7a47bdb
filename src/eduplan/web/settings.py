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


def _env_int(name: str, default: int, minimum: int = 0) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    if not raw.isascii() or not raw.isdigit() or int(raw) < minimum:
        raise ConfigError(
            f"环境变量 {name} 的值 {raw!r} 无法识别，应为不小于 {minimum} 的整数",
            english=f"{name}={raw!r}: expected an integer >= {minimum}",
        )
    return int(raw)


def _env_choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    raw = os.environ.get(name, "").strip() or default
    if raw not in choices:
        raise ConfigError(
            f"环境变量 {name} 的值 {raw!r} 无法识别，应为 {'、'.join(choices)} 之一",
            english=f"{name}={raw!r}: expected one of {choices}",
        )
    return raw


def private_file(path: Path) -> Path:
    """Create `path` empty with mode 0600 (only the owner reads it) unless it exists; its folder 0700."""
    if not path.parent.exists():
        path.parent.mkdir(parents=True, mode=0o700)
    if not path.exists():
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
    return path


def _secret_key() -> str:
    key = os.environ.get("EDUPLAN_SECRET_KEY")
    if key:
        return key
    path = DATA_DIR / "secret_key"
    if not path.exists() or not path.read_text().strip():
        private_file(path).write_text(secrets.token_urlsafe(50))
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
        private_file(Path(str(config["NAME"])))  # SQLite then gives its -wal and -shm files the same mode
        config["OPTIONS"] = {"timeout": 30, "init_command": "PRAGMA journal_mode=WAL;"}
        # Each server thread keeps its connection: opening one (Django registers its SQL functions on each)
        # costs about 2 ms of CPU, as much as a page from the page cache.
        config["CONN_MAX_AGE"] = 60
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
    "eduplan.web.imports",
    "eduplan.web.linkage",
    "eduplan.web.finance",
    "eduplan.web.reports",
    "eduplan.web.public",
    "eduplan.web.region",
    "eduplan.web.staffing",
    "eduplan.web.api",
]
INSTALLED_APPS = [
    "eduplan.web.accounts",  # first: its `flush` command (keeps the audit triggers) overrides Django's
    "eduplan.web.accounts.apps.ScopedAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "eduplan.store",  # the import history (the store is not an area: it has no pages)
    "eduplan.results",  # results stored per data version (no pages of its own)
    "eduplan.web.pagecache",  # whole pages kept per user and database generation (no pages of its own)
    "axes",
    "rest_framework",
    "drf_spectacular",
    *AREA_APPS,
]
MIDDLEWARE = [
    "eduplan.web.accounts.middleware.SecureCookiesMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "eduplan.web.accounts.middleware.IdleTimeoutMiddleware",
    "eduplan.web.accounts.middleware.AccessMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
    "eduplan.web.pagecache.middleware.PageCacheMiddleware",  # last: answers after every check above
]
# The CPU time of each request in a Server-Timing header (the web bench; off by default).
if _env_bool("EDUPLAN_SERVER_TIMING", False):
    MIDDLEWARE.insert(0, "eduplan.web.timing.ServerTimingMiddleware")
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
                "eduplan.web.accounts.context.navigation",
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
STATIC_ROOT = DATA_DIR / "static"  # WhiteNoise serves from the package (finders); collectstatic may fill this
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
DATA_UPLOAD_MAX_MEMORY_SIZE = 50 * 1024 * 1024
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"eduplan.web": {"handlers": ["console"], "level": "WARNING"}},
}

# ---- Security (issue 12: 等保 2.0 level 2-3). docs/deploy.md explains each setting.
AUTHENTICATION_BACKENDS = [
    "eduplan.web.accounts.backends.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "eduplan.web.accounts.passwords.MinimumLength", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "eduplan.web.accounts.passwords.NotTheDemoPassword"},
]
# Behind nginx (TLS ends there): trust its X-Forwarded-Proto and X-Forwarded-For (one proxy).
EDUPLAN_BEHIND_PROXY = _env_bool("EDUPLAN_BEHIND_PROXY", False)
EDUPLAN_TRUSTED_PROXY = EDUPLAN_BEHIND_PROXY
if EDUPLAN_BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = True
    AXES_IPWARE_PROXY_COUNT = 1
    AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]
# Lockout: 5 failures of one account from one address lock that pair for the cool-down (django-axes).
AXES_FAILURE_LIMIT = _env_int("EDUPLAN_LOGIN_FAILURES", 5, minimum=1)
AXES_COOLOFF_TIME = _env_int("EDUPLAN_LOCKOUT_MINUTES", 15, minimum=1) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked.html"
AXES_VERBOSE = False
# Sessions: signed out after this many idle minutes; cookies HttpOnly, Secure over TLS (middleware).
EDUPLAN_IDLE_MINUTES = _env_int("EDUPLAN_IDLE_MINUTES", 30, minimum=1)
SESSION_COOKIE_AGE = EDUPLAN_IDLE_MINUTES * 60 + 60
SESSION_COOKIE_HTTPONLY = CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = CSRF_COOKIE_SAMESITE = "Lax"
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# Headers: no sniffing, no referrer outside the site, no framing, a CSP without inline script or style.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# Plan documents: at most this many bytes (default 5 MB).
EDUPLAN_DOCUMENT_MAX_BYTES = _env_int("EDUPLAN_DOCUMENT_MAX_BYTES", 5 * 1024 * 1024, minimum=1024)
# The audit trail is kept at least this many days (网络安全法 第二十一条: at least six months).
# Stored results (eduplan.results): how a page that finds them stale gets them refreshed — in a thread of the
# server (the page answers at once with the previous results), inline (the page waits; tests), or off (only
# `eduplan results rebuild` and imports refresh) — and how many counties' facts each process keeps.
EDUPLAN_RESULTS_REFRESH = _env_choice("EDUPLAN_RESULTS_REFRESH", "thread", ("thread", "inline", "off"))
EDUPLAN_RESULTS_FACTS = _env_int("EDUPLAN_RESULTS_FACTS", 16, minimum=1)
# false: pages recompute everything on every request, as before issue 14 (the bench's baseline)
EDUPLAN_RESULTS_STORE = _env_bool("EDUPLAN_RESULTS_STORE", True)
# Whole pages kept per user until the next write to the database (eduplan.web.pagecache); false draws every page.
EDUPLAN_PAGE_CACHE = _env_bool("EDUPLAN_PAGE_CACHE", True)
EDUPLAN_PAGE_CACHE_ENTRIES = _env_int("EDUPLAN_PAGE_CACHE_ENTRIES", 500, minimum=1)
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "eduplan"},
    "pages": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "eduplan-pages",
        "OPTIONS": {"MAX_ENTRIES": EDUPLAN_PAGE_CACHE_ENTRIES},
    },
}
EDUPLAN_AUDIT_RETENTION_DAYS = _env_int("EDUPLAN_AUDIT_RETENTION_DAYS", 183, minimum=183)

# ---- The JSON API (issue 20): docs/api.md.
# Calls a minute per API token (per account for a signed-in browser, per address without sign-in).
EDUPLAN_API_RATE = _env_int("EDUPLAN_API_RATE", 600, minimum=1)
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "eduplan.web.api.auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "eduplan.web.api.base.handle",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "eduplan 数据接口",
    "DESCRIPTION": (
        "教育事业发展规划监测系统的 JSON 接口（第 1 版）：区划与学校、统计数据（读写）、指标值、规划目标与研判、"
        "督导评估、学位预测、报送完整性与审核状态、DHIS2 dataValueSets 数据交换。\n\n"
        "认证：请求头 `Authorization: Token <令牌>`，令牌由 `eduplan user token 用户名` 生成。"
        "每个令牌的权限与其用户的页面完全相同：只能读本账号所辖单位的数据，只有可修改的角色能写入；"
        "每次调用记入审计日志；每个令牌每分钟调用次数有上限（超出时返回 429）。\n\n"
        '错误一律为 `{"message": 中文说明, "problems": [{index, field, value, expected, message}]}`。'
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_GENERATE_CHOICE_DESCRIPTION": False,  # its English "* `a` - a" lists; the docs page shows the codes
    "TAGS": [
        {"name": "区划与学校", "description": "本账号可查看的行政区划和学校"},
        {"name": "统计数据", "description": "各统计表的读取与写入（与导入模板同一口径）"},
        {"name": "指标", "description": "指标值（分子、分母、缺失原因）和报送完整性"},
        {"name": "规划与目标", "description": "规划、目标及其研判"},
        {"name": "督导评估", "description": "优质均衡、基本均衡、普及普惠评估"},
        {"name": "学位预测", "description": "各学区、乡镇今后五年的学位供需预测与预警"},
        {"name": "控辍保学", "description": "疑似失学辍学儿童名单（个人信息，默认脱敏）"},
        {"name": "数据交换", "description": "DHIS2 dataValueSets 导入导出"},
        {"name": "令牌", "description": "本账号的接口令牌"},
    ],
}
