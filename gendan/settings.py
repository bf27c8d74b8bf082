"""Gendan settings: one file, driven by environment variables.

With nothing set, Gendan runs on an embedded default: a SQLite file and a
filesystem Celery broker under ``var/``, so ``make run`` needs no services.
Set ``DATABASE_URL`` (PostgreSQL) and ``REDIS_URL`` for a real deployment.
"""

import datetime as dt
import os
import secrets
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("GENDAN_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def _secret_key() -> str:
    """SECRET_KEY from the environment, else one generated once and kept under var/."""
    if key := os.environ.get("SECRET_KEY"):
        return key
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(64))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "gendan.apps.KnoxConfig",  # knox, django_celery_beat, axes: with readable admin names
    "drf_spectacular",
    "gendan.apps.CeleryBeatConfig",
    "django_htmx",
    "simple_history",
    "gendan.apps.AxesConfig",
    "gendan",
    "orders",
    "production",
    "shipping",
    "samples",
    "planning",
    "conversation",
    "notify",
    "kpi",
    "alerts",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # The Content-Security-Policy of every response (GENDAN_CSP below).
    "gendan.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # The database unreachable: 503 with Retry-After (JSON under /api/), not a 500.
    "gendan.middleware.DatabaseUnavailableMiddleware",
    # Reads of some pages from a replica (DATABASE_REPLICA_URLS); a no-op without one.
    "gendan.replicas.ReplicaMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "gendan.middleware.LocaleMiddleware",  # Chinese unless the user switched
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last: turns a locked-out login into the lockout page (django-axes).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "gendan.urls"
# Django's form renderer with the stock input, textarea and select widgets written in
# Python (the same HTML; a select of 300 people was a quarter of the order page).
FORM_RENDERER = "gendan.widgets.FormRenderer"
WSGI_APPLICATION = "gendan.wsgi.application"

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
                "gendan.context_processors.navigation",
            ],
            # {% link %}, |opens, {% can %}: links only to pages the user may open.
            "builtins": ["gendan.templatetags.gendan_links"],
        },
    },
]

# Database: DATABASE_URL (PostgreSQL via psycopg), else a SQLite file under var/.
# While it cannot be reached, requests answer 503 with Retry-After (seconds below) and
# Django reconnects by itself once it is back (conn_health_checks).
GENDAN_RETRY_AFTER_SECONDS = int(os.environ.get("GENDAN_RETRY_AFTER_SECONDS", "5"))
DATABASES = {
    "default": dj_database_url.config(
        env="DATABASE_URL",
        default=f"sqlite:///{VAR_DIR / 'gendan.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A database host that does not answer fails a request after this many seconds (a JSON
    # 503 for the API, gendan.middleware) instead of holding a web worker indefinitely.
    DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = int(
        os.environ.get("DATABASE_CONNECT_TIMEOUT", "5")
    )
    # PgBouncer in transaction pooling mode in front of PostgreSQL (DATABASE_PGBOUNCER=true):
    # no server-side cursors, which live across transactions. Gendan keeps no other session
    # state (its SETs are SET LOCAL; pgbouncer carries the time zone Django sets).
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = env_bool("DATABASE_PGBOUNCER", False)
    # Prepared statements: psycopg sends the parameters apart from the SQL (server-side
    # binding), so a statement run again keeps its text, and from its fifth run on a
    # connection it is prepared: PostgreSQL no longer parses and plans it (the orders list
    # API, 10 k orders: 9.3 -> 8.2 ms p50). PgBouncer's transaction pooling (before 1.21)
    # cannot keep prepared statements across transactions, so behind it they are off.
    if env_bool("DATABASE_PREPARED_STATEMENTS", not env_bool("DATABASE_PGBOUNCER", False)):
        DATABASES["default"]["OPTIONS"].update(server_side_binding=True, prepare_threshold=5)
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite serialises writers; wait for the lock instead of failing while the
    # worker, beat and web share the file. No persistent connections across threads.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}

# Read replicas (PostgreSQL streaming replicas): DATABASE_REPLICA_URLS, comma-separated.
# gendan.replicas sends the reads of the dashboard, reports, exports, KPI pages and the
# API's list and detail GETs to one of them; everything else, and everyone who wrote in
# the last GENDAN_REPLICA_PIN_SECONDS, reads the primary. A replica that does not answer
# is left out for GENDAN_REPLICA_RETRY_SECONDS (its reads go to the primary meanwhile).
DATABASE_REPLICAS = []
for _number, _url in enumerate(env_list("DATABASE_REPLICA_URLS"), start=1):
    _replica = dj_database_url.parse(
        _url, conn_max_age=DATABASES["default"]["CONN_MAX_AGE"], conn_health_checks=True
    )
    _replica.setdefault("OPTIONS", {})["connect_timeout"] = int(
        os.environ.get("DATABASE_REPLICA_CONNECT_TIMEOUT", "2")
    )
    _replica["DISABLE_SERVER_SIDE_CURSORS"] = DATABASES["default"].get(
        "DISABLE_SERVER_SIDE_CURSORS", False
    )
    for _option in ("server_side_binding", "prepare_threshold"):
        if _option in DATABASES["default"].get("OPTIONS", {}):
            _replica["OPTIONS"][_option] = DATABASES["default"]["OPTIONS"][_option]
    _replica["TEST"] = {"MIRROR": "default"}
    DATABASES[f"replica{_number}"] = _replica
    DATABASE_REPLICAS.append(f"replica{_number}")
DATABASE_ROUTERS = ["gendan.replicas.ReplicaRouter"] if DATABASE_REPLICAS else []
GENDAN_REPLICA_PIN_SECONDS = int(os.environ.get("GENDAN_REPLICA_PIN_SECONDS", "5"))
GENDAN_REPLICA_RETRY_SECONDS = int(os.environ.get("GENDAN_REPLICA_RETRY_SECONDS", "10"))

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "gendan.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Login protection (django-axes): after AXES_FAILURE_LIMIT wrong passwords for one
# username from one address, that pair is locked out for the cool-off time. Axes'
# backend must come first; it needs the request, so tests log in with force_login.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = dt.timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# The client's address, for the lockout as for the API's anonymous throttle: one rule,
# gendan.clientip (X-Forwarded-For only as far as GENDAN_NUM_PROXIES, below).
AXES_CLIENT_IP_CALLABLE = "gendan.clientip.client_ip"

# Internationalisation: Simplified Chinese first, English second.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Our date formats per language (gendan/formats/<lang>/formats.py): 2026-11-22 / Nov 22, 2026.
FORMAT_MODULE_PATH = ["gendan.formats"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "staticfiles"))
# WhiteNoise serves from here; it exists before the first collectstatic.
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploaded files (gendan.uploads): stored through STORAGES["default"] under random
# names, never served from a public URL — each is downloaded through a view that checks
# who may see it. MEDIA_URL is not routed; a web server must not serve MEDIA_ROOT.
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
# The largest file one upload may be (refused with a message naming the field; the bytes
# past it are not kept), the allowed types: gendan.uploads.DOCUMENT_KINDS.
GENDAN_UPLOAD_MAX_BYTES = int(os.environ.get("GENDAN_UPLOAD_MAX_MB", "20")) * 1024 * 1024
FILE_UPLOAD_HANDLERS = [
    "gendan.uploads.UploadLimitHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
# Files up to 2.5 MiB are kept in memory while a request is read, larger ones in a
# temporary file; a request's other fields may hold 2.5 MiB, at most 10 files.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_NUMBER_FILES = 10
FILE_UPLOAD_PERMISSIONS = 0o640
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o750
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}


def s3_storage(environ=os.environ) -> dict | None:
    """The uploads' storage on an S3-compatible store (AWS S3, MinIO, Ceph, OSS, COS…)
    when ``GENDAN_S3_BUCKET`` is set, so that every web server sees the same files:
    private objects, reached only through the download views (never a public URL)."""
    bucket = environ.get("GENDAN_S3_BUCKET", "")
    if not bucket:
        return None
    options = {
        "bucket_name": bucket,
        "endpoint_url": environ.get("GENDAN_S3_ENDPOINT_URL") or None,
        "region_name": environ.get("GENDAN_S3_REGION") or None,
        "access_key": environ.get("GENDAN_S3_ACCESS_KEY_ID") or None,
        "secret_key": environ.get("GENDAN_S3_SECRET_ACCESS_KEY") or None,
        "location": environ.get("GENDAN_S3_PREFIX", ""),
        "addressing_style": environ.get("GENDAN_S3_ADDRESSING_STYLE") or None,
        "default_acl": "private",
        "file_overwrite": False,
        "querystring_auth": True,
    }
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}


STORAGES["default"] = s3_storage() or STORAGES["default"]

# E-mail: console by default, SMTP when EMAIL_HOST is set.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
# Seconds one SMTP operation may take: a mail server that accepts and never answers
# fails the send (the task retries later) instead of blocking a worker.
EMAIL_TIMEOUT = float(os.environ.get("EMAIL_TIMEOUT", "30"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "gendan@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# How many reverse proxies of ours stand in front of Gendan, each appending the address it
# was connected from to X-Forwarded-For. 0 (the default): the header is ignored and the
# client is REMOTE_ADDR; trusting it otherwise lets anyone pick their address per request.
# The login lockout (axes), the API's throttles and DRF's NUM_PROXIES all follow it.
GENDAN_NUM_PROXIES = int(os.environ.get("GENDAN_NUM_PROXIES", "0"))

# Security: strict unless DEBUG. Behind a TLS-terminating proxy set
# SECURE_PROXY_SSL_HEADER_ENABLED; GENDAN_HTTPS=false serves plain HTTP (e.g. a demo).
HTTPS = env_bool("GENDAN_HTTPS", not DEBUG)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS and env_bool("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000")) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_REDIRECT_EXEMPT = [r"^healthz/$"]
if env_bool("SECURE_PROXY_SSL_HEADER_ENABLED", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
# The Content-Security-Policy of every response (gendan.csp): scripts, styles, fonts and
# requests from this site only, images also as data: URLs, no plugins, no framing, forms
# posting here only. GENDAN_CSP_REPORT_ONLY=true sends it as -Report-Only instead.
GENDAN_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'"],
    "base-uri": ["'self'"],
}
GENDAN_CSP_REPORT_ONLY = env_bool("GENDAN_CSP_REPORT_ONLY", False)
# What a part of the site adds to it: the admin's templates (Django's, simple_history's)
# write a few style attributes. No part may add a script source.
GENDAN_CSP_PATHS = {"/admin/": {"style-src-attr": ["'unsafe-inline'"]}}

# Celery: Redis when REDIS_URL is set, else kombu's filesystem transport under var/.
#
# Time limits (seconds): each task has its own (alerts.tasks, kpi.tasks); these are the
# defaults. They are enforced by the prefork pool (Procfile: --pool=prefork), not by solo.
CELERY_TASK_SOFT_TIME_LIMIT = int(os.environ.get("CELERY_TASK_SOFT_TIME_LIMIT", "120"))
CELERY_TASK_TIME_LIMIT = int(os.environ.get("CELERY_TASK_TIME_LIMIT", "180"))
# A message a worker has not acknowledged within the visibility timeout is handed to
# another worker, so the timeout must exceed the longest task (kpi's month computation:
# hard limit 360 s) and the longest retry delay (the alert e-mail's backoff: 300 s).
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        # A task whose worker died (SIGKILL, OOM, power) without acknowledging it is
        # delivered again after this many seconds: above the longest task and retry delay.
        "visibility_timeout": int(os.environ.get("CELERY_VISIBILITY_TIMEOUT", "600")),
        # How often a worker looks for such tasks (one Redis query).
        "unacked_restore_interval": int(os.environ.get("CELERY_UNACKED_RESTORE_INTERVAL", "10")),
        "unacked_restore_throttle": 1,
        # A Redis that vanishes without closing the connection: fail, reconnect, go on.
        "socket_timeout": 10,
        "socket_connect_timeout": 3,
        "health_check_interval": 10,
    }
else:
    _broker_dir = VAR_DIR / "broker"
    for sub in ("queue", "processed", "control"):
        (_broker_dir / sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        # Exchange bindings; kombu's default is ./control in the working directory.
        "control_folder": str(_broker_dir / "control"),
    }
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
# The queue tasks go to and workers read by default (a test worker gets a queue of its own).
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("CELERY_QUEUE", "celery")
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "UTC"
CELERY_ENABLE_UTC = True
# A task is acknowledged when it has finished, and a task whose worker process died is
# put back: a crash mid-task runs the task again (every task is safe to run twice).
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# acks_late: a task that was running when the broker connection dropped is delivered
# again; cancel it rather than let it finish a second time beside its redelivery.
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
CELERY_TASK_IGNORE_RESULT = True
# One beat sends, however many run (gendan.beat: a Redis lock with a TTL, renewed each tick).
CELERY_BEAT_SCHEDULER = "gendan.beat:LeaderScheduler"
GENDAN_BEAT_LOCK_SECONDS = int(os.environ.get("GENDAN_BEAT_LOCK_SECONDS", "30"))
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# The broker down: a worker keeps trying to reconnect for as long as it takes (Celery's
# default gives up after 100 attempts, and `make run` stops everything when one exits).
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
CELERY_BROKER_CONNECTION_TIMEOUT = 3
# Sending a task while the broker is down fails after about a second instead of holding
# the caller (a committed sweep's e-mails wait in the outbox, alerts.services).
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.5,
    "interval_max": 0.5,
}
# The alert sweeps' catch-up (alerts.services.alert_sweep_catch_up): on worker
# start, and every few minutes from beat, every daily rule whose time has come today and
# that has not run today is run; false turns off the run on worker start.
GENDAN_SWEEP_CATCH_UP_ON_WORKER_START = env_bool("GENDAN_SWEEP_CATCH_UP_ON_WORKER_START", True)
# Alert e-mails still unsent this long after their alert are queued again (the outbox).
GENDAN_ALERT_EMAIL_REQUEUE_AFTER = timedelta(
    seconds=int(os.environ.get("GENDAN_ALERT_EMAIL_REQUEUE_AFTER_SECONDS", "1800"))
)

# --- Notifications (notify: the outbox, ERP webhooks, group robots) ---------------------
# The site's address, for the links in robot messages, webhooks and e-mails.
GENDAN_SITE_URL = os.environ.get("GENDAN_SITE_URL", "http://localhost:8000")
# Write an outbox row for each domain event (off: nothing is announced).
GENDAN_NOTIFY_ENABLED = env_bool("GENDAN_NOTIFY_ENABLED", True)
# A delivery is tried at most this many times, waiting base × 2^(n−1) seconds (at most
# the max) after the n-th failure; then it is given up (redeliver it in the admin).
GENDAN_NOTIFY_MAX_ATTEMPTS = int(os.environ.get("GENDAN_NOTIFY_MAX_ATTEMPTS", "8"))
GENDAN_NOTIFY_RETRY_BASE_SECONDS = int(os.environ.get("GENDAN_NOTIFY_RETRY_BASE_SECONDS", "30"))
GENDAN_NOTIFY_RETRY_MAX_SECONDS = int(os.environ.get("GENDAN_NOTIFY_RETRY_MAX_SECONDS", "21600"))
# Seconds to connect and to read a receiver's answer.
GENDAN_NOTIFY_TIMEOUT = (
    float(os.environ.get("GENDAN_NOTIFY_CONNECT_TIMEOUT", "5")),
    float(os.environ.get("GENDAN_NOTIFY_READ_TIMEOUT", "10")),
)
GENDAN_NOTIFY_BATCH = int(os.environ.get("GENDAN_NOTIFY_BATCH", "500"))
# Outbox events (with their deliveries and log) are kept this many days.
GENDAN_NOTIFY_KEEP_DAYS = int(os.environ.get("GENDAN_NOTIFY_KEEP_DAYS", "30"))
# Webhook URLs may name loopback or private addresses (an ERP on the LAN).
GENDAN_WEBHOOK_ALLOW_PRIVATE = env_bool("GENDAN_WEBHOOK_ALLOW_PRIVATE", False)

# --- REST API (/api/v1/, gendan.api) -----------------------------------------------------
# Bearer tokens are django-rest-knox tokens: stored hashed, revocable, expiring. People get
# one from POST /api/v1/auth/token/ (TOKEN_TTL); `create_api_client` issues machine tokens.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "gendan.api.authentication.BearerTokenAuthentication",
        "gendan.api.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "gendan.api.permissions.HasApiScope",
    ],
    "DEFAULT_THROTTLE_CLASSES": [
        "gendan.api.throttling.ClientRateThrottle",
        "gendan.api.throttling.AnonymousRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "client": os.environ.get("GENDAN_API_RATE_CLIENT", "1200/minute"),
        "anon": os.environ.get("GENDAN_API_RATE_ANON", "30/minute"),
    },
    # X-Forwarded-For is believed only as far as our own proxies (gendan.clientip).
    "NUM_PROXIES": GENDAN_NUM_PROXIES,
    "DEFAULT_SCHEMA_CLASS": "gendan.api.schema.GendanAutoSchema",
    "EXCEPTION_HANDLER": "gendan.exceptions.api_exception_handler",
    "COERCE_DECIMAL_TO_STRING": True,
    "DEFAULT_RENDERER_CLASSES": [
        "gendan.api.renderers.OrjsonRenderer",
        "gendan.api.renderers.BrowsableAPIRenderer",
    ],
    # Request bodies are JSON only, and the schema says so (issue 12): a client generated
    # from it sends JSON, never a form that cannot carry an order's lines. (The browsable
    # API posts JSON from its raw-data form; an upload endpoint names its own parsers.)
    # The JSON parser answers 400 for a body nested too deep.
    "DEFAULT_PARSER_CLASSES": ["gendan.api.parsers.JSONParser"],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
REST_KNOX = {
    "AUTH_HEADER_PREFIX": "Bearer",
    "TOKEN_TTL": timedelta(hours=int(os.environ.get("GENDAN_API_TOKEN_TTL_HOURS", "10"))),
    "AUTO_REFRESH": False,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Gendan API",
    "DESCRIPTION": "跟单 REST API for ERP systems and scripts (see /api/docs/).",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    # One schema name per choice set (several models have a "status" or a "kind").
    "ENUM_NAME_OVERRIDES": {
        "OrderStatusEnum": "orders.states.OrderStatus",
        "ConfirmationMethodEnum": "orders.models.ConfirmationMethod",
        "PaymentKindEnum": "orders.models.PaymentKind",
        "PaymentStatusEnum": "orders.models.PaymentStatus",
        "PaymentMethodEnum": "orders.models.PaymentMethod",
        "EventTypeEnum": "orders.models.EventType",
        "ImportKindEnum": "orders.models.ImportKind",
        "ImportStatusEnum": "orders.models.ImportStatus",
        "ProductionOrderStatusEnum": "production.models.ProductionOrderStatus",
        "VarianceReasonEnum": "production.models.VarianceReason",
        "InspectionKindEnum": "production.models.InspectionKind",
        "InspectionResultEnum": "production.models.InspectionResult",
        "IncidentKindEnum": "production.models.IncidentKind",
        "IncidentStatusEnum": "production.models.IncidentStatus",
        "ShipmentStatusEnum": "shipping.models.ShipmentStatus",
        "ShipmentModeEnum": "shipping.models.ShipmentMode",
        "DocumentKindEnum": "shipping.models.DocumentKind",
        "AfterSalesKindEnum": "shipping.models.AfterSalesKind",
        "AfterSalesStatusEnum": "shipping.models.AfterSalesStatus",
        "SampleStatusEnum": "samples.states.SampleStatus",
        "MouldStatusEnum": "samples.states.MouldStatus",
        "CourierTermsEnum": "samples.models.CourierTerms",
        "PurchaseRequestStatusEnum": "samples.models.PurchaseRequestStatus",
        "ProductionSampleKindEnum": "samples.models.ProductionSampleKind",
        "MaterialKindEnum": "planning.models.MaterialKind",
        "OwnerRoleEnum": "planning.models.OwnerRole",
        "LifecycleEventEnum": "planning.models.LifecycleEvent",
        "NoteKindEnum": "conversation.models.NoteKind",
        "AttachmentCategoryEnum": "conversation.models.AttachmentCategory",
        "RequestKindEnum": "conversation.models.RequestKind",
        "RequestStatusEnum": "conversation.models.RequestStatus",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "gendan.api.schema.postprocess_schema",
    ],
    "SWAGGER_UI_SETTINGS": {"persistAuthorization": True, "displayOperationId": False},
}
# How long a POST's Idempotency-Key is remembered, and how long a second request with the
# same key waits for the first one to finish before answering 409.
GENDAN_IDEMPOTENCY_TTL = timedelta(hours=24)
GENDAN_IDEMPOTENCY_LOCK_WAIT_SECONDS = 10


# Throttle counters: shared by all processes through Redis when REDIS_URL is set. While
# Redis does not answer, each process counts in its own memory (gendan.cache) and the API
# keeps serving; Redis is tried again every GENDAN_CACHE_FALLBACK_SECONDS.
# The default cache is Redis too, shared by every web server (the same fallback).
# Sessions live in the database (Django's default engine), which every web server shares:
# a sign-out is final at once on all of them, whatever Redis does meanwhile.
def _shared_cache(prefix: str) -> dict:
    if not REDIS_URL:
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": prefix}
    return {
        "BACKEND": "gendan.cache.FallbackRedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": prefix,
        "FALLBACK_SECONDS": float(os.environ.get("GENDAN_CACHE_FALLBACK_SECONDS", "5")),
        # A Redis that hangs costs a request at most this long, once per fallback period.
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
    }


CACHES = {"default": _shared_cache("gendan"), "api": _shared_cache("gendan-api")}
SESSION_ENGINE = "django.contrib.sessions.backends.db"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# Gendan's own defaults.
GENDAN_DEFAULT_CURRENCY = "CNY"
# The largest difference finance may write off on a payment request (bank charges),
# in the order's currency (conversation: a merchandiser's write-off request).
GENDAN_WRITE_OFF_MAX = Decimal(os.environ.get("GENDAN_WRITE_OFF_MAX", "200.00"))
GENDAN_ORDER_NUMBER_PREFIX = "GD"
# Every date or time entered lies within this many years of today (gendan.bounds).
GENDAN_DATE_HORIZON_YEARS = int(os.environ.get("GENDAN_DATE_HORIZON_YEARS", "10"))

# The company header of the printed documents (gendan/documents.py): production notice,
# packing list, proforma and commercial invoice.
GENDAN_COMPANY = {
    "name": os.environ.get("GENDAN_COMPANY_NAME", "Gendan 示例贸易有限公司"),
    "name_en": os.environ.get("GENDAN_COMPANY_NAME_EN", "Gendan Demo Trading Co., Ltd."),
    "address": os.environ.get("GENDAN_COMPANY_ADDRESS", ""),
    "phone": os.environ.get("GENDAN_COMPANY_PHONE", ""),
    "email": os.environ.get("GENDAN_COMPANY_EMAIL", ""),
    "bank": os.environ.get("GENDAN_COMPANY_BANK", ""),
}
# Orders whose import file has more lines than this are checked and imported by a
# Celery task, with the progress on the page (orders/imports.py).
GENDAN_IMPORT_SYNC_ROWS = int(os.environ.get("GENDAN_IMPORT_SYNC_ROWS", "500"))
