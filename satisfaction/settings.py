"""Settings of the satisfaction portal, read from the environment.

Every variable is documented in README.md ("Configuration"). A missing or malformed value stops
start-up with an ImproperlyConfigured error that names the variable.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlparse

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def envbool(name: str, default: bool) -> bool:
    """Read a yes/no variable; anything but a clear yes or no is refused."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean: use true/false, 1/0, yes/no.")


def envint(name: str, default: int, *, minimum: int = 0) -> int:
    """Read a whole number not below `minimum`."""
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number.") from None
    if value < minimum:
        raise ImproperlyConfigured(f"{name}={raw!r} must be at least {minimum}.")
    return value


def envstr(name: str, default: str) -> str:
    return os.environ.get(name, default)


def envlist(name: str, default: str) -> list[str]:
    return [part.strip() for part in os.environ.get(name, default).split(",") if part.strip()]


def database_config(url: str, *, name: str = "DATABASE_URL") -> dict:
    """Parse a PostgreSQL URL, refusing anything else with a message naming the variable."""
    parsed = urlparse(url)
    if parsed.scheme not in {"postgres", "postgresql", "pgsql"}:
        raise ImproperlyConfigured(
            f"{name}={url!r} is not a PostgreSQL URL (postgresql://user:password@host:5432/name)."
        )
    try:
        config = dj_database_url.parse(url, conn_max_age=envint("DATABASE_CONN_MAX_AGE", 60))
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name}={url!r} cannot be parsed: {exc}") from None
    if not config.get("NAME"):
        raise ImproperlyConfigured(f"{name}={url!r} names no database.")
    config["CONN_HEALTH_CHECKS"] = True
    return config


DEBUG = envbool("DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. It is required when DEBUG is off (production mode)."
        )
    SECRET_KEY = "insecure-development-key-only-for-DEBUG"  # noqa: S105

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", "")
SITE_URL = envstr("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "crispy_forms",
    "crispy_bootstrap5",
    "axes",
    "agencies",
    "surveys",
    "reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "satisfaction.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "satisfaction.urls"
WSGI_APPLICATION = "satisfaction.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "agencies.context_processors.access",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------------------------
# DATABASE_URL, or else the embedded PostgreSQL kept under .data/ (started on demand by pgserver).
_database_url = os.environ.get("DATABASE_URL", "").strip()
if not _database_url:
    from satisfaction.devdb import embedded_database_url

    _database_url = embedded_database_url()
DATABASES = {"default": database_config(_database_url)}
DATABASES["default"]["TEST"] = {
    # Parallel checkouts on one server each get their own test database.
    "NAME": "test_satisfaction" + envstr("TEST_DB_SUFFIX", ""),
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache, Celery and Redis --------------------------------------------------------------------
REDIS_URL = envstr("REDIS_URL", "redis://127.0.0.1:6379/0")
if urlparse(REDIS_URL).scheme not in {"redis", "rediss", "unix"}:
    raise ImproperlyConfigured(f"REDIS_URL={REDIS_URL!r} is not a redis:// URL.")

CELERY_BROKER_URL = REDIS_URL
# Job state lives in the rows that own the jobs, never in a result backend.
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ALWAYS_EAGER = envbool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 2}
CELERY_TIMEZONE = "Asia/Ho_Chi_Minh"
CELERY_BEAT_SCHEDULE = {
    "worker-heartbeat": {"task": "reports.tasks.heartbeat_record", "schedule": 60.0},
    "indices-nightly": {
        "task": "reports.tasks.indices_refresh_all",
        "schedule": crontab(hour=1, minute=30),
    },
    # Report jobs whose worker is gone are marked failed; expired report files are removed.
    "reports-housekeeping": {"task": "reports.tasks.reports_housekeeping", "schedule": 600.0},
}

# --- Authentication and sessions ----------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

AXES_FAILURE_LIMIT = envint("LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = envint("LOGIN_LOCKOUT_MINUTES", 15, minimum=1) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_IPWARE_PROXY_COUNT = envint("PROXY_COUNT", 0)

SECURE_COOKIES = envbool("SECURE_COOKIES", not DEBUG)
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = envint("SESSION_HOURS", 8, minimum=1) * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_FAILURE_VIEW = "satisfaction.views.csrf_failure"
if envbool("BEHIND_HTTPS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = envint("HSTS_SECONDS", 31536000)

# --- Language and time --------------------------------------------------------------------------
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["satisfaction.formats"]

# --- Static files: Bootstrap and Chart.js come from npm (node_modules), never from a CDN ---------
STATIC_URL = "/static/"
STATIC_ROOT = Path(envstr("STATIC_ROOT", str(BASE_DIR / ".data" / "static")))
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", BASE_DIR / "node_modules" / "bootstrap" / "dist"),
    ("vendor/chart.js", BASE_DIR / "node_modules" / "chart.js" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
MEDIA_ROOT = Path(envstr("MEDIA_ROOT", str(BASE_DIR / ".data" / "media")))
MEDIA_URL = "/media/"

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

DEFAULT_FROM_EMAIL = envstr("DEFAULT_FROM_EMAIL", "satisfaction@localhost")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": envstr("LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}

# --- Indices ------------------------------------------------------------------------------------
# A figure with fewer answers than this is flagged and left out of rankings.
INDEX_MIN_N = envint("INDEX_MIN_N", 30, minimum=1)
# New answers bring a campaign's indices up to date at most once per this many seconds.
INDEX_DEBOUNCE_SECONDS = envint("INDEX_DEBOUNCE_SECONDS", 60)
# A recompute over at least INDEX_SCAN_PARTS_MIN answers scans them in this many parts at once,
# one database connection each: as many as the database server has cores.
INDEX_SCAN_PARTS = envint("INDEX_SCAN_PARTS", 2, minimum=1)
INDEX_SCAN_PARTS_MIN = envint("INDEX_SCAN_PARTS_MIN", 50_000, minimum=0)

# --- Excel reports ------------------------------------------------------------------------------
# Hours a generated report file is kept (and served again for the same report over the same data).
REPORT_TTL_HOURS = envint("REPORT_TTL_HOURS", 72, minimum=1)
# A report job with no sign of progress for this long has lost its worker and is marked failed.
REPORT_JOB_TIMEOUT_MINUTES = envint("REPORT_JOB_TIMEOUT_MINUTES", 30, minimum=1)

# --- Responses and paper import -----------------------------------------------------------------
# Answers per hour from one client address to one campaign's open link; 0 turns the limit off.
SURVEY_RATE_LIMIT_PER_HOUR = envint("SURVEY_RATE_LIMIT_PER_HOUR", 20)
SURVEY_TEXT_MAX_CHARS = envint("SURVEY_TEXT_MAX_CHARS", 2000, minimum=1)
IMPORT_MAX_BYTES = envint("IMPORT_MAX_BYTES", 20 * 1024 * 1024, minimum=1024)
# An .xlsx is a zip: more than this once unpacked is refused as a zip bomb.
IMPORT_MAX_UNCOMPRESSED_BYTES = envint(
    "IMPORT_MAX_UNCOMPRESSED_BYTES", 200 * 1024 * 1024, minimum=1024
)
# Form fields (not uploaded files) of one request; beyond it Django answers 400.
DATA_UPLOAD_MAX_MEMORY_SIZE = envint("DATA_UPLOAD_MAX_MEMORY_SIZE", 2_621_440, minimum=1024)
