"""argmap settings: one file, read from environment variables.

Defaults make a fresh checkout run (SQLite, DEBUG on). With DEBUG off the site
refuses to start without SECRET_KEY and ALLOWED_HOSTS. Every variable is listed
in the README under "Configuration".
"""

import os
import re
import tempfile
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    if value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from None


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")
    SECRET_KEY = "django-insecure-argmap-local-development-only"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DEBUG is off")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "simple_history",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "argmap",
]

MIDDLEWARE = [
    "argmap.api.middleware.DatabaseUnavailableMiddleware",
    "argmap.api.middleware.JSONErrorsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# Databases: SQLite by default so a checkout just runs; DATABASE_URL switches
# (postgres://user@host:5432/name). SQLite runs in WAL mode with IMMEDIATE
# transactions so concurrent writers queue instead of failing with "database is locked".
SQLITE_PATH = os.environ.get("SQLITE_PATH", str(BASE_DIR / "db.sqlite3"))
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    default_db = dj_database_url.parse(
        DATABASE_URL,
        conn_max_age=env_int("CONN_MAX_AGE", 600),
        conn_health_checks=True,
    )
    if default_db["ENGINE"] == "django.db.backends.postgresql":
        default_db.setdefault("OPTIONS", {})
        default_db["OPTIONS"].setdefault("connect_timeout", env_int("DB_CONNECT_TIMEOUT", 5))
        # No JIT: on argmap's short queries PostgreSQL's JIT compiler costs far more than it
        # saves (the public-sources query: 1.6 s with it, 40 ms without).
        default_db["OPTIONS"].setdefault("options", "-c jit=off")
else:
    default_db = {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": SQLITE_PATH,
        "OPTIONS": {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": ("PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;PRAGMA busy_timeout=20000;"),
        },
    }
DATABASES = {"default": default_db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = ["argmap.backends.ModelBackendOneQuery"]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# In development (and tests) static files are served from the apps' folders; in
# production from STATIC_ROOT after `collectstatic`, compressed and cache-busted.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Request bodies: admin forms and API writes stay small; imports are streamed files.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 2 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 5000

# --- API ---
# The JSON API under /api/ (argmap/api/): anyone reads published maps, editors write
# with a token or their admin session. Anonymous clients are throttled per address
# (API_ANON_RATE, e.g. "120/minute"; the counts live in the default cache, so with
# several server processes give them a shared cache).
API_ANON_RATE = os.environ.get("API_ANON_RATE", "120/minute")
if not re.fullmatch(r"[1-9][0-9]*/(second|minute|hour|day)", API_ANON_RATE):
    raise ImproperlyConfigured(f"API_ANON_RATE must look like 120/minute, not {API_ANON_RATE!r}")
# Seconds a client is told to wait (Retry-After) while the database is unreachable.
DATABASE_RETRY_AFTER = env_int("DATABASE_RETRY_AFTER", 30)
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["argmap.api.permissions.ReadOrEditorPermissions"],
    "DEFAULT_PAGINATION_CLASS": "argmap.api.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["argmap.api.filters.StrictFilterBackend"],
    "DEFAULT_RENDERER_CLASSES": ["argmap.api.renderers.ORJSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["argmap.api.parsers.BoundedJSONParser"],
    "DEFAULT_THROTTLE_CLASSES": ["rest_framework.throttling.AnonRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"anon": API_ANON_RATE},
    "DEFAULT_SCHEMA_CLASS": "argmap.api.schema.AutoSchema",
    "EXCEPTION_HANDLER": "argmap.api.exceptions.exception_handler",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "argmap API",
    "DESCRIPTION": (
        "Who argues what, and why, about a public question. Anyone may read published topics "
        "and what belongs to them; editors write with `Authorization: Token <key>`. "
        "PUT, PATCH and DELETE need `If-Match` with the ETag of the object as last read."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "TopicStatusEnum": "argmap.models.TopicStatus",
        "PolarityEnum": "argmap.models.Polarity",
        "StakeholderKindEnum": "argmap.models.StakeholderKind",
        "SourceKindEnum": "argmap.models.SourceKind",
        "AttitudeEnum": "argmap.models.Attitude",
        "BasisEnum": "argmap.models.Basis",
        "RelationshipKindEnum": "argmap.models.RelationshipKind",
    },
}

# Security. Production (DEBUG off) gets HTTPS-only cookies and HSTS; the site
# may be framed only by the embed view (see argmap.views).
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

LOGIN_URL = "admin:login"

# --- Public site ---
# Sitemap and the public pages' settings (argmap.views, argmap.middleware).
INSTALLED_APPS += ["django.contrib.sitemaps"]
MIDDLEWARE += ["argmap.middleware.ContentSecurityPolicyMiddleware"]
# Rendered topic pages are cached under a key holding the topic's version, so a change to
# a map shows at once; each process keeps its own copy (set CACHE_LOCATION to a folder to
# share them between processes through files).
# Downloads of maps (argmap.interchange.cached_export) have a cache of their own, with
# room for EXPORT_CACHE_ENTRIES files (each at most EXPORT_CACHE_MAX_BYTES), so that big
# files never crowd out the pages, and a process never holds more than that many.
CACHE_LOCATION = os.environ.get("CACHE_LOCATION", "")


def cache(name: str, *, entries: int) -> dict:
    """A cache in memory (named `name`), or in files below CACHE_LOCATION when it is set."""
    return {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache"
        if CACHE_LOCATION
        else "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": os.path.join(CACHE_LOCATION, name) if CACHE_LOCATION else f"argmap-{name}",
        "TIMEOUT": env_int("CACHE_TIMEOUT", 24 * 3600),
        "OPTIONS": {"MAX_ENTRIES": entries},
    }


CACHES = {
    "default": cache("pages", entries=300),
    "exports": cache("exports", entries=env_int("EXPORT_CACHE_ENTRIES", 20)),
}
# No inline script anywhere: data reaches JavaScript through json_script. A response that
# sets its own Content-Security-Policy keeps it; the embed view may be framed by anyone.
CONTENT_SECURITY_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
# Paths whose pages need a directive relaxed: the admin's history pages (django-simple-
# history) and the API's documentation (Swagger UI, ReDoc: styles injected at run time,
# ReDoc's search in a blob: worker) carry inline styles. Inline scripts stay refused everywhere.
CONTENT_SECURITY_POLICY_PATHS = {
    "/admin/": {"style-src": "'self' 'unsafe-inline'"},
    "/api/docs/": {"style-src": "'self' 'unsafe-inline'"},
    "/api/redoc/": {"style-src": "'self' 'unsafe-inline'", "worker-src": "'self' blob:"},
}
# How many claims the topic page renders before it loads deeper branches on demand.
TOPIC_TREE_BUDGET = env_int("TOPIC_TREE_BUDGET", 200)
# Maps with more claims than this show their cruxes and coalition matrix from a page of
# their own (/topics/<slug>/analysis/), which the topic page loads after the tree: on a
# 10,000-claim map they cost as much time as the rest of the page.
TOPIC_ANALYSIS_INLINE_CLAIMS = env_int("TOPIC_ANALYSIS_INLINE_CLAIMS", 2000)
# Publications (docs/publications.md): with the strict two-person rule, whoever changed a
# topic's map (or submitted it for review) since its last publication may not publish it.
STRICT_TWO_PERSON_RULE = env_bool("STRICT_TWO_PERSON_RULE", False)
# Right of reply: at most this many replies per address, and per email, within the window.
REPLY_RATE_LIMIT = env_int("REPLY_RATE_LIMIT", 5)
REPLY_RATE_WINDOW = env_int("REPLY_RATE_WINDOW", 3600)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}

# Interchange (argmap/interchange/): the largest file an import reads, in bytes. A
# 10,000-claim map is about 5 MB as argmap JSON (6 MB as exported).
IMPORT_MAX_BYTES = env_int("IMPORT_MAX_BYTES", 100 * 1024 * 1024)
# Downloads of a topic's map are kept in the cache, per version of the map, up to this size
# each (a 10,000-claim map is 1–8 MB in each format); a larger one is written anew each time.
EXPORT_CACHE_MAX_BYTES = env_int("EXPORT_CACHE_MAX_BYTES", 16 * 1024 * 1024)
# Imports through the web (POST /api/v1/imports/, the admin's import page) are read and
# checked while the request waits: a smaller limit (a larger upload is a 413), and at
# most API_IMPORT_RATE imports per editor through the API (e.g. "60/hour"). The admin's
# page keeps a checked file in IMPORT_STAGING_DIR between its preview and the import
# (give every server process the same folder).
IMPORT_UPLOAD_MAX_BYTES = min(env_int("IMPORT_UPLOAD_MAX_BYTES", 25 * 1024 * 1024), IMPORT_MAX_BYTES)
API_IMPORT_RATE = os.environ.get("API_IMPORT_RATE", "60/hour")
if not re.fullmatch(r"[1-9][0-9]*/(second|minute|hour|day)", API_IMPORT_RATE):
    raise ImproperlyConfigured(f"API_IMPORT_RATE must look like 60/hour, not {API_IMPORT_RATE!r}")
REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["import"] = API_IMPORT_RATE
IMPORT_STAGING_DIR = Path(os.environ.get("IMPORT_STAGING_DIR", "") or Path(tempfile.gettempdir()) / "argmap-imports")

# --- Analysis ---
# The API's analysis endpoints (argmap/api/analysis.py) label positions and claims
# accepted, rejected or undecided in several fields: one enum in the OpenAPI schema.
SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"]["LabelEnum"] = "argmap.graph.LABELS"
