"""Settings, read from environment variables with safe defaults for the demo.

DATABASE_URL   sqlite:///<data dir>/tuoyu.sqlite3 by default; postgres://… in production
REDIS_URL      cache and Celery broker in production; unset = local memory cache, eager tasks
SECRET_KEY     required in production; the demo key is refused when TUOYU_DEBUG is off
TUOYU_DEBUG    "1" (default) for the demo and development, "0" for production
TUOYU_DATA_DIR where the SQLite database and private uploads live (default: ./var)
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("TUOYU_DATA_DIR", Path.cwd() / "var")).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)

DEMO_SECRET_KEY = "tuoyu-demo-secret-key-do-not-use-in-production"  # noqa: S105 - public by design
DEBUG = os.environ.get("TUOYU_DEBUG", "1") == "1"
SECRET_KEY = os.environ.get("SECRET_KEY", DEMO_SECRET_KEY)
if not DEBUG and SECRET_KEY == DEMO_SECRET_KEY:
    raise ImproperlyConfigured(
        "Production mode (TUOYU_DEBUG=0) refuses to start with the demo SECRET_KEY: set SECRET_KEY."
    )
# The demo city and its printed logins exist only in demo/development mode (security.md rule 6).
TUOYU_DEMO_ALLOWED = DEBUG

ALLOWED_HOSTS = [h for h in os.environ.get("ALLOWED_HOSTS", "").split(",") if h] or (
    ["127.0.0.1", "localhost", "testserver", "[::1]"] if DEBUG else []
)

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_filters",
    "ninja",
    "axes",
    "tuoyu.core",
    "tuoyu.regions",
    "tuoyu.accounts",
    "tuoyu.institutions",
    "tuoyu.stats",
    "tuoyu.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "tuoyu.core.middleware.ChineseFirstMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "tuoyu.core.middleware.RequestContextMiddleware",
    "tuoyu.core.middleware.SecurityHeadersMiddleware",
    "axes.middleware.AxesMiddleware",  # last: it turns a locked-out sign-in into the lockout page
]

# Failed sign-ins lock a username (security.md rule 7): django-axes, with every number set
# explicitly (its defaults are 3 failures and a permanent lock). The numbers are security rules a
# city may change (tuoyu/core/rules/security.py); a success resets the count.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = "tuoyu.core.rules.security.login_failure_limit"
AXES_COOLOFF_TIME = "tuoyu.core.rules.security.login_lockout"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_LOCKOUT_CALLABLE = "tuoyu.accounts.views.lockout_response"
AXES_VERBOSE = False
# Lock by username only: a district office behind one NAT address must not lock out all its staff
# because of one person's typos. Per-IP throttling is security.md rule 27 (rate limits), not this.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

ROOT_URLCONF = "tuoyu.urls"
WSGI_APPLICATION = "tuoyu.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

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
                "tuoyu.core.context_processors.platform",
            ],
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{DATA_DIR / 'tuoyu.sqlite3'}"),
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # WAL lets the demo server read while a background import writes.
    DATABASES["default"].setdefault("OPTIONS", {})["init_command"] = (
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
    )
    DATABASES["default"]["OPTIONS"]["transaction_mode"] = "IMMEDIATE"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_TASK_ALWAYS_EAGER = os.environ.get("TUOYU_CELERY_EAGER", "0" if REDIS_URL else "1") == "1"
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = "Asia/Shanghai"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},  # security.md rule 8
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Sessions: idle 30 minutes, renewed on each request (security.md rule 10).
SESSION_COOKIE_AGE = 30 * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    SECURE_SSL_REDIRECT = os.environ.get("TUOYU_SSL_REDIRECT", "1") == "1"
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LANGUAGE_CODE = "zh-hans"
# Each language named in itself, so a reader finds theirs whatever the page language.
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "staticfiles"
STATIC_ROOT.mkdir(exist_ok=True)  # WhiteNoise expects it even when serving from the finders
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = DATA_DIR / "private-media"  # never served directly (security.md rule 26)
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
WHITENOISE_USE_FINDERS = DEBUG

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("TUOYU_LOG_LEVEL", "WARNING")},
}

# Spreadsheet loading (issue #9): the largest upload, the row count above which a load runs as a
# background job with a progress page, how long a job may go without a heartbeat before the
# reaper marks it interrupted, and how many errors a result page lists.
TUOYU_IMPORT_MAX_BYTES = int(os.environ.get("TUOYU_IMPORT_MAX_BYTES", 20 * 1024 * 1024))
TUOYU_IMPORT_BACKGROUND_ROWS = int(os.environ.get("TUOYU_IMPORT_BACKGROUND_ROWS", 2000))
TUOYU_IMPORT_STALE_MINUTES = 15
TUOYU_IMPORT_MAX_LISTED = 1000

# The city's own settings (rules that a city may change); see tuoyu/core/rules/city.py.
TUOYU_CITY = {}
