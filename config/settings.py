"""argmap settings: one file, read from environment variables.

Defaults make a fresh checkout run (SQLite, DEBUG on). With DEBUG off the site
refuses to start without SECRET_KEY and ALLOWED_HOSTS; a value that cannot be read
(a boolean that is neither true nor false, a rate that is not "N/period", ...) stops
the start with a message naming the variable. Every variable is listed in the README
under "Configuration".

Sections: core; apps and middleware; database; cache; security; API; logging;
argmap's own (public site, interchange, analysis). Each setting is declared once.
"""

import ipaddress
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


def env_rate(name: str, default: str) -> str:
    """A throttle rate as DRF reads it: "120/minute"."""
    value = os.environ.get(name, "") or default
    if not re.fullmatch(r"[1-9][0-9]*/(second|minute|hour|day)", value):
        raise ImproperlyConfigured(f"{name} must look like {default}, not {value!r}")
    return value


def env_proxies(name: str) -> int | list[str]:
    """A count of proxies ("2"), or a comma list of their networks ("10.0.0.0/8,::1")."""
    value = os.environ.get(name, "").strip()
    if value.isdigit():
        return int(value)
    networks = env_list(name)
    for network in networks:
        try:
            ipaddress.ip_network(network, strict=False)
        except ValueError:
            raise ImproperlyConfigured(
                f"{name} must be a count or a comma list of networks (10.0.0.0/8), not {network!r}"
            ) from None
    return networks


# --- Core ---

DEBUG = env_bool("DEBUG", True)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")
    SECRET_KEY = "django-insecure-argmap-local-development-only"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DEBUG is off")

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

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

# --- Apps and middleware ---

INSTALLED_APPS = [
    "argmap.apps.ArgmapAdminConfig",  # django.contrib.admin, with argmap's admin site
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "simple_history",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "argmap",
]

MIDDLEWARE = [
    # /healthz and /readyz, answered before the host check and the HTTPS redirect.
    "argmap.monitoring.ProbesMiddleware",
    # The client's address and the request's id, for everything after it (argmap/clients.py).
    "argmap.clients.ClientMiddleware",
    "argmap.monitoring.MetricsMiddleware",
    # Then these two, to see every error (argmap/api/middleware.py).
    "argmap.api.middleware.DatabaseUnavailableMiddleware",
    # Which database the request reads from: a replica, or the primary (argmap/replicas.py).
    "argmap.replicas.ReplicaMiddleware",
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
    "argmap.middleware.ContentSecurityPolicyMiddleware",
]

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

# --- Database ---
# SQLite by default so a checkout just runs; DATABASE_URL switches
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

# Read replicas (argmap/replicas.py): PostgreSQL standbys of DATABASE_URL, a comma list of
# URLs, each an alias "replica1", "replica2", ... Anonymous reads go to a healthy one;
# writes, and a client's reads for REPLICA_READ_YOUR_WRITES seconds after it wrote, go to
# the primary. A replica that does not answer, or has replayed the primary's changes only
# up to more than REPLICA_MAX_LAG seconds ago, serves nothing until it is well again
# (checked by each process at most every REPLICA_CHECK_INTERVAL seconds).
DATABASE_REPLICA_URLS = env_list("DATABASE_REPLICA_URLS")
if DATABASE_REPLICA_URLS and default_db["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured("DATABASE_REPLICA_URLS needs DATABASE_URL to be a PostgreSQL database")
for number, url in enumerate(DATABASE_REPLICA_URLS, start=1):
    replica = dj_database_url.parse(url, conn_max_age=env_int("CONN_MAX_AGE", 600), conn_health_checks=True)
    if replica["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured(f"DATABASE_REPLICA_URLS must list postgres:// URLs, not {url[:20]!r}")
    # A stopped replica must cost a reader little: it is given up after 2 s, then the
    # primary answers.
    replica["OPTIONS"] = {"connect_timeout": env_int("REPLICA_CONNECT_TIMEOUT", 2), "options": "-c jit=off"}
    replica["TEST"] = {"MIRROR": "default"}
    DATABASES[f"replica{number}"] = replica
DATABASE_REPLICAS = [alias for alias in DATABASES if alias != "default"]
DATABASE_ROUTERS = ["argmap.replicas.ReplicaRouter"] if DATABASE_REPLICAS else []
REPLICA_READ_YOUR_WRITES = env_int("REPLICA_READ_YOUR_WRITES", 10)
REPLICA_MAX_LAG = env_int("REPLICA_MAX_LAG", 5)
REPLICA_CHECK_INTERVAL = env_int("REPLICA_CHECK_INTERVAL", 5)
# Seconds a client is told to wait (Retry-After) while the database is unreachable.
DATABASE_RETRY_AFTER = env_int("DATABASE_RETRY_AFTER", 30)

# --- Cache ---
# Every alias is an accelerator (argmap.caching.FailSafeCache): when its backend fails,
# the site goes on uncached and logs it. With REDIS_URL (redis://host:6379/0) the caches
# live in Redis, shared by every process, each alias under a key prefix of its own; else
# in files below CACHE_LOCATION (shared through the disk), else in each process's memory.
# - "default": rendered pages, under keys holding the topic's version, so a change to a
#   map shows at once.
# - "exports": downloads of maps (argmap.interchange.cached_export), room for
#   EXPORT_CACHE_ENTRIES files (each at most EXPORT_CACHE_MAX_BYTES) outside Redis, so
#   that big files never crowd out the pages.
# - "throttle": the API's and the login's counters, never beside the pages (1,500 API
#   clients once evicted the pages). It fails closed: argmap.api.throttling and
#   argmap.login decide what a missing count means.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL and not re.match(r"rediss?://", REDIS_URL):
    raise ImproperlyConfigured(f"REDIS_URL must start with redis:// or rediss://, not {REDIS_URL[:20]!r}")
CACHE_LOCATION = os.environ.get("CACHE_LOCATION", "")
CACHE_TIMEOUT = env_int("CACHE_TIMEOUT", 24 * 3600)
# Seconds a failed cache is left alone before it is tried again.
CACHE_RETRY_AFTER = env_int("CACHE_RETRY_AFTER", 5)


def cache(name: str, *, entries: int, fail: str = "open") -> dict:
    """The alias `name`: in Redis, in files below CACHE_LOCATION, or in memory."""
    options = {"NAME": name, "FAIL": fail, "RETRY_AFTER": CACHE_RETRY_AFTER}
    if REDIS_URL:
        # A stopped Redis must cost little: a refused connection is immediate, and a
        # silent one is given up after half a second (then the cache rests, RETRY_AFTER).
        backend, location = "django.core.cache.backends.redis.RedisCache", REDIS_URL
        options |= {"socket_connect_timeout": 0.5, "socket_timeout": 2}
    elif CACHE_LOCATION:
        backend = "django.core.cache.backends.filebased.FileBasedCache"
        location = os.path.join(CACHE_LOCATION, name)
        options |= {"MAX_ENTRIES": entries}
    else:
        backend, location = "django.core.cache.backends.locmem.LocMemCache", f"argmap-{name}"
        options |= {"MAX_ENTRIES": entries}
    return {
        "BACKEND": "argmap.caching.FailSafeCache",
        "LOCATION": location,
        "KEY_PREFIX": f"argmap:{name}",
        "TIMEOUT": CACHE_TIMEOUT,
        "OPTIONS": {"BACKEND": backend, **options},
    }


CACHES = {
    "default": cache("pages", entries=300),
    "exports": cache("exports", entries=env_int("EXPORT_CACHE_ENTRIES", 20)),
    "lists": cache("lists", entries=1000),  # the API's list pages for the public, per version
    "throttle": cache("throttle", entries=10_000, fail="closed"),
}

# --- Background jobs ---
# Celery (config/celery.py, argmap/tasks.py) with Redis as its broker: CELERY_BROKER_URL,
# or REDIS_URL. Without either, tasks run eagerly in the process that asks for them, so
# that `make run` needs no worker. A task is acknowledged once done, so that one whose
# worker dies midway is run again by another (tasks are idempotent).
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "") or REDIS_URL
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A task not acknowledged within this many seconds is given to another worker. Queueing
# a task from a request tries the broker once, briefly: a stopped Redis costs a page
# 0.4 s, not the 6 s of the client's default retries.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 3600),
    # Workers look for such tasks every 10 s (one small Redis query), not kombu's 100 s.
    "unacked_restore_interval": 10,
    "unacked_restore_throttle": 1,
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
    "socket_connect_timeout": 1,
}
# Build every download of a published topic in the background when a new version of its
# page is first shown (argmap.tasks.build_exports): on by default when there is a worker.
EXPORTS_IN_BACKGROUND = env_bool("EXPORTS_IN_BACKGROUND", not CELERY_TASK_ALWAYS_EAGER)

# --- Security ---
# Production (DEBUG off) gets HTTPS-only cookies and HSTS; the site may be framed only
# by the embed view (see argmap.views).
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
AUTHENTICATION_BACKENDS = ["argmap.backends.ModelBackendOneQuery"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "admin:login"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
SECURE_SSL_REDIRECT = not DEBUG and env_bool("SECURE_SSL_REDIRECT", True)
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_HSTS_SECONDS = 0 if DEBUG else env_int("SECURE_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
# Preloading is a promise to browsers' makers that is slow to take back: only when asked.
SECURE_HSTS_PRELOAD = not DEBUG and env_bool("SECURE_HSTS_PRELOAD", False)
# ... and so the deploy check's reminder that preload is off (security.W021) is silenced.
SILENCED_SYSTEM_CHECKS = ["security.W021"]

# Proxies and CDNs in front of the site (argmap/clients.py): a count ("1": one proxy,
# which appends the address it saw to X-Forwarded-For), or a comma list of the proxies'
# networks ("10.0.0.0/8,fd00::/8"). They decide the client address for the throttles and
# the logs, and X-Forwarded-Proto says whether the request came in over HTTPS. Unset,
# forwarded headers are ignored: the address that connects is the client's.
TRUSTED_PROXIES = env_proxies("TRUSTED_PROXIES")
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if TRUSTED_PROXIES else None

# The admin's login (argmap/login.py): failed passwords allowed per account at one
# address, and per address whatever the accounts, within the window (seconds).
LOGIN_FAILURES_PER_ACCOUNT = env_int("LOGIN_FAILURES_PER_ACCOUNT", 5)
LOGIN_FAILURES_PER_ADDRESS = env_int("LOGIN_FAILURES_PER_ADDRESS", 20)
LOGIN_FAILURE_WINDOW = env_int("LOGIN_FAILURE_WINDOW", 15 * 60)
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

# --- API ---
# The JSON API under /api/ (argmap/api/): anyone reads published maps, editors write
# with a token or their admin session. Anonymous clients are throttled per address
# (API_ANON_RATE, e.g. "120/minute"; the address as TRUSTED_PROXIES makes it out, the
# counts in the "throttle" cache, shared by every process with REDIS_URL). Imports
# through the API count per editor (API_IMPORT_RATE).
API_ANON_RATE = env_rate("API_ANON_RATE", "120/minute")
API_IMPORT_RATE = env_rate("API_IMPORT_RATE", "60/hour")
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["argmap.api.permissions.ReadOrEditorPermissions"],
    "DEFAULT_PAGINATION_CLASS": "argmap.api.pagination.KeysetPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["argmap.api.filters.StrictFilterBackend"],
    "DEFAULT_RENDERER_CLASSES": ["argmap.api.renderers.ORJSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["argmap.api.parsers.BoundedJSONParser"],
    "DEFAULT_THROTTLE_CLASSES": ["argmap.api.throttling.AnonRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"anon": API_ANON_RATE, "import": API_IMPORT_RATE},
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
        "EdgeBasisEnum": "argmap.models.EdgeBasis",
        "ClaimKindEnum": "argmap.models.ClaimKind",
        "FactCheckEnum": "argmap.models.FactCheck",
        # The analysis endpoints (argmap/api/analysis.py) label positions and claims
        # accepted, rejected or undecided in several fields: one enum in the schema.
        "LabelEnum": "argmap.graph.LABELS",
    },
}

# --- Logging ---

# Lines go to standard error, as text or as one JSON object a line (LOG_FORMAT), each with
# the id of its request (argmap/logs.py). One INFO line per request (argmap.requests),
# with the client's address, the status and the time taken.
LOG_FORMAT = os.environ.get("LOG_FORMAT", "") or "text"
if LOG_FORMAT not in {"text", "json"}:
    raise ImproperlyConfigured(f"LOG_FORMAT must be text or json, not {LOG_FORMAT!r}")
LOG_LEVEL = os.environ.get("LOG_LEVEL", "") or "INFO"
if LOG_LEVEL not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
    raise ImproperlyConfigured(f"LOG_LEVEL must be DEBUG, INFO, WARNING, ERROR or CRITICAL, not {LOG_LEVEL!r}")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "argmap.logs.RequestIdFilter"}},
    "formatters": {
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "argmap.logs.JsonFormatter"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["request_id"], "formatter": LOG_FORMAT},
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
}

# --- argmap's own ---

# Public pages (argmap.views): how many claims the topic page renders before it loads
# deeper branches on demand.
TOPIC_TREE_BUDGET = env_int("TOPIC_TREE_BUDGET", 120)
# A branch the reader opens loads its claims breadth-first within this many (its deeper
# branches load in turn).
TOPIC_BRANCH_BUDGET = env_int("TOPIC_BRANCH_BUDGET", 50)
# A published topic page shows this many claims under each position (the strongest, then
# the newest), and a "show more" link that loads TOPIC_MORE more at a time.
TOPIC_FIRST_LEVEL = env_int("TOPIC_FIRST_LEVEL", 20)
TOPIC_MORE = env_int("TOPIC_MORE", 50)
# The topic page's stakeholder sections (the stance matrix, each position's holders, the
# power/interest chart and grid, the network) show this many stakeholders, the most
# involved (argmap.involvement), and link the topic's stakeholders page, which lists them
# all, TOPIC_STAKEHOLDERS_PAGE to a page.
TOPIC_STAKEHOLDERS = env_int("TOPIC_STAKEHOLDERS", 20)
TOPIC_STAKEHOLDERS_PAGE = env_int("TOPIC_STAKEHOLDERS_PAGE", 50)
# Maps with more claims than this show their cruxes and coalition matrix from a page of
# their own (/topics/<slug>/analysis/), which the topic page loads after the tree: on a
# 10,000-claim map they cost as much time as the rest of the page.
TOPIC_ANALYSIS_INLINE_CLAIMS = env_int("TOPIC_ANALYSIS_INLINE_CLAIMS", 2000)
# What a request may compute from a whole map (a what-if or a lens of the evaluation, a
# publication's document the worker has not written yet) only for maps of at most this
# many claims: about 5 s at 100,000, over two minutes and gigabytes at 1,000,000 (argmap.
# publishing.on_demand). Above it the API answers 422 (503 for a document not written yet)
# and the topic page shows no lens; what is computed once per publication is served at
# any size.
ANALYSIS_ON_DEMAND_MAX_CLAIMS = env_int("ANALYSIS_ON_DEMAND_MAX_CLAIMS", 100_000)
# Public pages and downloads of published maps (argmap.caching.patch_reader_cache_control):
# seconds browsers keep them, seconds shared caches and CDNs keep them, and seconds those
# may serve a stale copy while they fetch the new one.
PUBLIC_MAX_AGE = env_int("PUBLIC_MAX_AGE", 60)
PUBLIC_S_MAXAGE = env_int("PUBLIC_S_MAXAGE", 300)
PUBLIC_STALE_WHILE_REVALIDATE = env_int("PUBLIC_STALE_WHILE_REVALIDATE", 600)

# Purging a CDN after a publication (argmap/purging.py, docs/deployment.md): a request
# per page to PURGE_URL ("{url}", or "https://cdn.example/purge?u={url_quoted}") with
# PURGE_METHOD, or the function at the dotted path PURGE_HOOK given the pages' addresses.
# SITE_URL is the site's public origin (https://argmap.example.org), which the addresses
# start with. Failures are logged; the publication stands.
SITE_URL = os.environ.get("SITE_URL", "").rstrip("/")
PURGE_URL = os.environ.get("PURGE_URL", "")
PURGE_METHOD = os.environ.get("PURGE_METHOD", "") or "PURGE"
PURGE_HOOK = os.environ.get("PURGE_HOOK", "")
PURGE_TIMEOUT = env_int("PURGE_TIMEOUT", 5)
if PURGE_URL and not SITE_URL:
    raise ImproperlyConfigured("PURGE_URL needs SITE_URL, the public origin of the pages to purge")
if PURGE_URL and not re.match(r"https?://", PURGE_URL.replace("{url}", "http://", 1)):
    raise ImproperlyConfigured(f"PURGE_URL must be an http(s) address or start with {{url}}, not {PURGE_URL[:40]!r}")

# Publications (docs/publications.md): with the strict two-person rule, whoever changed a
# topic's map (or submitted it for review) since its last publication may not publish it.
STRICT_TWO_PERSON_RULE = env_bool("STRICT_TWO_PERSON_RULE", False)
# Right of reply: at most this many replies per address, and per email, within the window.
REPLY_RATE_LIMIT = env_int("REPLY_RATE_LIMIT", 5)
REPLY_RATE_WINDOW = env_int("REPLY_RATE_WINDOW", 3600)

# Interchange (argmap/interchange/): the largest file an import reads, in bytes. A
# 10,000-claim map is about 5 MB as argmap JSON (6 MB as exported).
IMPORT_MAX_BYTES = env_int("IMPORT_MAX_BYTES", 100 * 1024 * 1024)
# Downloads of a topic's map are kept in the cache, per version of the map, up to this size
# each (a 10,000-claim map is 1–8 MB in each format); a larger one is written anew each time.
EXPORT_CACHE_MAX_BYTES = env_int("EXPORT_CACHE_MAX_BYTES", 16 * 1024 * 1024)
# A publication's big documents (its map, evaluation and exports) are stored gzip-compressed
# and streamed in chunks of this many compressed bytes, each read with its own query
# (argmap/published_documents.py): what one request holds of them at a time.
PUBLISHED_DOCUMENT_CHUNK_BYTES = env_int("PUBLISHED_DOCUMENT_CHUNK_BYTES", 256 * 1024)
# Imports through the web (POST /api/v1/imports/, the admin's import page) are read and
# checked while the request waits: a smaller limit (a larger upload is a 413), and at
# most API_IMPORT_RATE imports per editor through the API. The admin's page keeps a
# checked file in IMPORT_STAGING_DIR between its preview and the import (give every
# server process the same folder).
IMPORT_UPLOAD_MAX_BYTES = min(env_int("IMPORT_UPLOAD_MAX_BYTES", 25 * 1024 * 1024), IMPORT_MAX_BYTES)
IMPORT_STAGING_DIR = Path(os.environ.get("IMPORT_STAGING_DIR", "") or Path(tempfile.gettempdir()) / "argmap-imports")
