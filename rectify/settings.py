"""Settings, read from the environment (12-factor). The defaults give a working embedded system:
SQLite in ./data, background tasks in-process, Chinese UI. Production sets DATABASE_URL,
REDIS_URL, SECRET_KEY and ALLOWED_HOSTS (see README and docs/deploy.md)."""
from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent
DATA_DIR = Path(os.environ.get("RECTIFY_DATA_DIR", PROJECT_DIR / "data"))


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def _secret_key() -> str:
    """SECRET_KEY from the environment; otherwise one generated once and kept in the data folder."""
    if key := os.environ.get("SECRET_KEY"):
        return key
    path = DATA_DIR / "secret_key"
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        key = secrets.token_urlsafe(50)
        try:
            DATA_DIR.mkdir(parents=True, exist_ok=True)
            path.write_text(key)
            path.chmod(0o600)
        except OSError:
            pass
        return key


SECRET_KEY = _secret_key()
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",  # the widget templates, for FORM_RENDERER below
    "rest_framework",
    "django_filters",
    "django_tables2",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "rectify.core",
    "rectify.organisations",
    "rectify.accounts",
    "rectify.enterprises",
    "rectify.fieldwork",
    "rectify.enforcement",
    "rectify.reports",
    "rectify.targeting",
    "rectify.prices",
    "rectify.portal",
    "rectify.bench",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "rectify.core.middleware.RequestIdMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "rectify.core.middleware.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "rectify.core.middleware.CurrentUserMiddleware",
    "rectify.core.middleware.DataVersionMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # session limits, then the second factor, then a forced password change (see accounts/middleware.py)
    "rectify.accounts.middleware.SessionTimeoutMiddleware",
    "rectify.accounts.middleware.TwoFactorMiddleware",
    "rectify.accounts.middleware.PasswordChangeMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "csp.middleware.CSPMiddleware",
]

ROOT_URLCONF = "rectify.urls"
WSGI_APPLICATION = "rectify.wsgi.application"

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
                "django.template.context_processors.i18n",
                "rectify.core.context_processors.navigation",
                "rectify.organisations.context_processors.campaigns",
            ],
        },
    }
]

DATA_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'rectify.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Embedded default: WAL lets readers go on while one writer works.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;", "transaction_mode": "IMMEDIATE"}
    )
# Reports and dashboards may read from a replica (docs/deploy.md).
if replica := os.environ.get("REPORTS_DATABASE_URL"):
    DATABASES["replica"] = dj_database_url.parse(replica, conn_max_age=60)
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
REPORTS_DB_ALIAS = "replica" if "replica" in DATABASES else "default"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
# The unit every record and user belongs to; core reads it through core.access.scope.unit_model().
RECTIFY_UNIT_MODEL = "organisations.Unit"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Lockout after failed logins, in the backend (rectify/accounts/backends.py).
AUTHENTICATION_BACKENDS = ["rectify.accounts.backends.LockoutBackend"]

# Password policy (等保 2.0 三级; where it differs from ASVS 5 see docs/security.md).
RECTIFY_PASSWORD_POLICY = {
    "MIN_LENGTH": int(os.environ.get("RECTIFY_PASSWORD_MIN_LENGTH", "8")),
    "MIN_CLASSES": 3,  # of lower case, upper case, digits, other characters
    "HISTORY": 5,  # not one of the last 5
    "MAX_AGE_DAYS": int(os.environ.get("RECTIFY_PASSWORD_MAX_AGE_DAYS", "90")),
}
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "rectify.accounts.validators.ComplexityValidator"},
    {"NAME": "rectify.accounts.validators.UsernameNotContainedValidator"},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "rectify.accounts.validators.PasswordHistoryValidator"},
]
RECTIFY_LOCKOUT = {"MAX_FAILURES": 5, "LOCK_MINUTES": 30}
# TOTP second factor for every interactive user; API tokens (machine credentials) are exempt.
RECTIFY_REQUIRE_2FA = env_bool("RECTIFY_REQUIRE_2FA", True)
# Session limits enforced by rectify.accounts.middleware.SessionTimeoutMiddleware.
RECTIFY_SESSION = {"IDLE_SECONDS": 30 * 60, "ABSOLUTE_SECONDS": 12 * 60 * 60}
RECTIFY_INACTIVE_DAYS = 90  # accounts unused this long are disabled (accounts.tasks)
# API tokens of system clients (accounts/services/tokens.py): the expiry date an administrator is
# offered, and the latest one allowed, in days from the day of issue.
RECTIFY_API_TOKENS = {"DEFAULT_DAYS": 90, "MAX_DAYS": 365}

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", PROJECT_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", DATA_DIR / "media"))
WHITENOISE_USE_FINDERS = True
with contextlib.suppress(OSError):
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise expects it even before collectstatic
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

# Uploads: size limits are checked again per file type by the import layer.
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
RECTIFY_UPLOAD_MAX_BYTES = int(os.environ.get("RECTIFY_UPLOAD_MAX_BYTES", str(50 * 1024 * 1024)))

REDIS_URL = os.environ.get("REDIS_URL", "")
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", REDIS_URL)
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND", REDIS_URL) or None
# No broker: run every task in the calling process, so the embedded default needs no services.
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# The broker does not answer: the sender retries this many seconds, then runs the task itself
# (core/dispatch.py), so no task is lost while Redis is down.
RECTIFY_BROKER_WAIT = float(os.environ.get("RECTIFY_BROKER_WAIT", "5"))
# A task whose whole worker died (SIGKILL, a lost machine) is delivered again once it has been
# unacknowledged this long; keep it above the longest task (docs/deploy.md, "What fails and what then").
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": int(os.environ.get("CELERY_VISIBILITY_TIMEOUT", "3600"))}
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE: dict = {
    "accounts-disable-inactive-users": {"task": "accounts.disable_inactive_users", "schedule": 6 * 60 * 60},
}

from celery.schedules import crontab  # noqa: E402

CELERY_BEAT_SCHEDULE.update({
    # Daily: each campaign in progress decides from its own weekly deadline (reports.services.weeks:
    # opens_week_on, reminds_on) — its week opens the day after the deadline's weekday with a catch-up
    # three days later, and those not yet submitted are reminded the day before and on the day.
    "reports-open-weekly": {"task": "rectify.reports.tasks.open_weekly_reports",
                            "schedule": crontab(hour=6, minute=0)},
    # Risk scores: the windows of days move with the date, and rows written outside the services
    # (the demo seed) announce nothing, so every enterprise is recomputed nightly.
    "targeting-risk-recompute": {"task": "rectify.targeting.tasks.risk_recompute_all_task",
                                 "schedule": crontab(hour=2, minute=0)},
    "reports-remind-unsubmitted": {"task": "rectify.reports.tasks.remind_unsubmitted",
                                   "schedule": crontab(hour=8, minute=30)},
    # Every workflow step with a deadline: a reminder two days before, a notice once overdue.
    "workflow-remind-deadlines": {"task": "rectify.core.tasks.remind_deadlines",
                                  "schedule": crontab(hour=8, minute=0)},
})
# Without a broker the served process runs the schedule in a thread (core/periodic.py); cron may
# call `rectify run_periodic` instead (then set RECTIFY_PERIODIC_IN_PROCESS=0).
RECTIFY_PERIODIC_IN_PROCESS = os.environ.get("RECTIFY_PERIODIC_IN_PROCESS", "1") != "0"

CACHES = {
    "default": (
        # A Redis that does not answer is bypassed for a few seconds (core/cache.py): pages go on.
        {"BACKEND": "rectify.core.cache.ResilientRedisCache", "LOCATION": REDIS_URL,
         "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 2}}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

REST_FRAMEWORK = {
    # The token first: DRF answers a failed authentication with the first class's challenge, and
    # only a challenge makes it 401 (an expired or revoked token) rather than 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rectify.accounts.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rectify.core.generic.api.permissions.ScopedModelPermission"],
    "DEFAULT_PAGINATION_CLASS": "rectify.core.generic.api.pagination.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "rectify.core.generic.api.filtering.ScopedFilterBackend",
        "rectify.core.generic.api.filtering.CampaignFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Rectify API — 专项整治监管平台",
    "VERSION": "1.0",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "COMPONENT_SPLIT_REQUEST": True,
    # Names for choice sets that several fields share or whose field names collide ("kind").
    "ENUM_NAME_OVERRIDES": {
        "SampleResultEnum": "rectify.fieldwork.models.sampling.Result",
        "ServiceRequestKindEnum": "rectify.prices.models.ServiceRequest.Kind",
        # The 立案 step's form offers a case's sources; a lead's and a problem's are other sets.
        "CaseSourceEnum": "rectify.enforcement.models.Case.Source",
        "LetterKindEnum": "rectify.enterprises.models.Letter.Kind",  # a letter's and a batch's
        "BulletinKindEnum": "rectify.fieldwork.models.Bulletin.Kind",
        "FastTestResultEnum": "rectify.fieldwork.models.FastTest.Result",
    },
}

# Widgets render through the project's template engine, so rectify/templates/django/forms/ can
# replace a stock widget template (the select, for speed: docs/performance.md).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

DJANGO_TABLES2_TEMPLATE = "core/table.html"
DJANGO_TABLES2_TABLE_ATTRS = {"class": "table table-hover table-sm align-middle"}

# Content Security Policy: everything from this origin only (no CDN).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
    }
}

SESSION_COOKIE_AGE = 12 * 60 * 60
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
CSRF_COOKIE_HTTPONLY = False
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG and env_bool("HTTPS", False))
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
if env_bool("HTTPS", False):
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "rectify@localhost")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

RECTIFY = {
    "DEMO_PASSWORD": os.environ.get("RECTIFY_DEMO_PASSWORD", "Rectify@2020"),
}
