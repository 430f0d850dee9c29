"""Settings shared by every environment. Values come from the environment, with embedded
defaults that need nothing but Python: a SQLite file and a filesystem Celery broker."""

import os
import socket
from pathlib import Path

import environ
from celery.schedules import crontab
from django_guid.integrations import CeleryIntegration

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env("SECRET_KEY", default="dev-only-insecure-key-change-me-0123456789abcdefghijklmnop")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'portal.sqlite3'}")}
# A password with "/", "?", "@" or "#" must be percent-encoded inside DATABASE_URL ("/" is %2F); or give
# it raw in DATABASE_PASSWORD, which wins (docker-compose does, from POSTGRES_PASSWORD).
if os.environ.get("DATABASE_PASSWORD"):
    DATABASES["default"]["PASSWORD"] = os.environ["DATABASE_PASSWORD"]
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
# With persistent connections (gunicorn threads), check a reused one before the request uses it.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
IS_POSTGRES = DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update({"timeout": 20, "transaction_mode": "IMMEDIATE"})
# The same engines wrapped by django-prometheus, which counts and times the queries (/metrics).
DATABASES["default"]["ENGINE"] = {
    "django.db.backends.postgresql": "django_prometheus.db.backends.postgresql",
    "django.db.backends.sqlite3": "django_prometheus.db.backends.sqlite3",
}.get(DATABASES["default"]["ENGINE"], DATABASES["default"]["ENGINE"])

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "portal.apps.PortalAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    *(["django.contrib.postgres"] if IS_POSTGRES else []),
    "django_filters",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "axes",
    "csp",
    "django_prometheus",
    "django_guid",
    "audit",
    "accounts",
    "agencies",
    "regulations",
    "originals",
    "meetings",
    "notifications",
    "dashboards",
    "imports",
    "signing",
    "api",
    "demo",
    "portal",
]

MIDDLEWARE = [
    # /healthz, /readyz, /metrics: before the host check and the HTTPS redirect (portal/health.py).
    "portal.health.HealthMiddleware",
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    # X-Request-ID: taken from the proxy (a UUID) or made here; in every log line, the response and
    # the Celery tasks the request queues (CeleryIntegration below).
    "django_guid.middleware.guid_middleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "audit.middleware.AuditMiddleware",
    "portal.pdf.PdfErrorMiddleware",
    # The database does not answer: 503, Vietnamese page or JSON, Retry-After, the typed form kept.
    "portal.outage.DatabaseUnavailableMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
    # Last, as django-axes asks: it turns a lock-out into the Vietnamese lock-out page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

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
                "portal.context_processors.portal",
                "notifications.context_processors.notifications",
            ],
        },
    },
]

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 3600)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True

# Login throttling (django-axes): 5 failures for one user name from one address lock it for 15 minutes.
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = 0.25  # hours
# A user name from one address, and also a user name across addresses (a spread-out guessing attack).
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "username"]
AXES_USERNAME_CALLABLE = "portal.params.axes_username"
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

# Content Security Policy (django-csp): everything from the portal itself, no inline scripts.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],  # no inline styles anywhere: every style is in static/css
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["portal.formats"]
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]

STATIC_URL = "/static/"
STATIC_ROOT = env("STATIC_ROOT", default=str(VAR_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = env("MEDIA_ROOT", default=str(VAR_DIR / "media"))
MEDIA_URL = "/media-not-served/"  # originals go out only through scoped views
# Media (uploaded originals, issued PDFs, register PDFs, import files): a folder by default (`make run`),
# or with MEDIA_STORAGE=s3 a private bucket of any S3-compatible store (MinIO, Ceph, AWS) through
# django-storages, configured by its standard AWS_* settings. Every read and write goes through the
# storage API, so several web nodes and workers share one bucket (docs/deploy.md).
MEDIA_STORAGE = env("MEDIA_STORAGE", default="filesystem")
if MEDIA_STORAGE not in ("filesystem", "s3"):
    raise ValueError(f"MEDIA_STORAGE must be 'filesystem' or 's3', not {MEDIA_STORAGE!r}")
MEDIA_BACKEND = {
    "filesystem": {"BACKEND": "portal.storage.MediaFileSystemStorage"},
    "s3": {"BACKEND": "portal.storage.MediaS3Storage"},
}[MEDIA_STORAGE]
STORAGES = {
    "default": MEDIA_BACKEND,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
AWS_STORAGE_BUCKET_NAME = env("AWS_STORAGE_BUCKET_NAME", default="")
AWS_S3_ENDPOINT_URL = env("AWS_S3_ENDPOINT_URL", default=None)
AWS_ACCESS_KEY_ID = env("AWS_ACCESS_KEY_ID", default=None)
AWS_SECRET_ACCESS_KEY = env("AWS_SECRET_ACCESS_KEY", default=None)
AWS_S3_REGION_NAME = env("AWS_S3_REGION_NAME", default=None)
AWS_LOCATION = env("AWS_LOCATION", default="")  # a key prefix, to share a bucket
AWS_S3_ADDRESSING_STYLE = env("AWS_S3_ADDRESSING_STYLE", default="path")  # MinIO and Ceph want path style
AWS_DEFAULT_ACL = None  # objects inherit the bucket's (private) policy; never public-read
AWS_QUERYSTRING_AUTH = True  # any URL the storage makes is signed ...
AWS_QUERYSTRING_EXPIRE = env.int("AWS_QUERYSTRING_EXPIRE", default=60)  # ... and short-lived
AWS_S3_FILE_OVERWRITE = False
AWS_S3_SIGNATURE_VERSION = "s3v4"
# Downloads stream through the portal after the scope check (0, the default). A number of seconds
# instead redirects to a signed URL valid that long, after the same check; the store's endpoint must
# then be reachable by the users' browsers.
MEDIA_SIGNED_URL_SECONDS = env.int("MEDIA_SIGNED_URL_SECONDS", default=0)

# Upload limits: originals are checked in the form; Django's own limit stays above it.
UPLOAD_MAX_BYTES = env.int("UPLOAD_MAX_BYTES", default=20 * 1024 * 1024)
# Reading the originals' text (originals.extract): pages per file, OCR seconds per page, memory of OCR.
ORIGINALS_MAX_PAGES = env.int("ORIGINALS_MAX_PAGES", default=100)
ORIGINALS_PAGE_TIMEOUT = env.int("ORIGINALS_PAGE_TIMEOUT", default=60)
ORIGINALS_MEMORY_MB = env.int("ORIGINALS_MEMORY_MB", default=2048)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Cổng quy chế phối hợp <noreply@vks.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
PORTAL_BASE_URL = env("PORTAL_BASE_URL", default="http://127.0.0.1:8000")

# Digital signatures (signing/): PKCS#11 module of the tokens/HSM, an RFC 3161 timestamp server for
# PAdES B-T (empty: B-B), extra trust roots as PEM/DER files besides those the supreme admin adds, the
# fonts of the signature appearance, and where create_demo_signing_keys writes the demo keys.
SIGNING_PKCS11_MODULE = env("SIGNING_PKCS11_MODULE", default="/usr/lib/softhsm/libsofthsm2.so")
SIGNING_TIMESTAMP_URL = env("SIGNING_TIMESTAMP_URL", default="")
SIGNING_TRUST_ROOTS = env.list("SIGNING_TRUST_ROOTS", default=[])
SIGNING_FONTS = [
    "/usr/share/fonts/truetype/croscore/Tinos-Regular.ttf",
    "/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf",
]
SIGNING_FONTS_BOLD = [
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/truetype/croscore/Arimo-Bold.ttf",
    "/usr/share/fonts/truetype/liberation2/LiberationSans-Bold.ttf",
]
SIGNING_DEMO_DIR = VAR_DIR / "signing"

REDIS_URL = env("REDIS_URL", default="")
CELERY_BROKER_URL = REDIS_URL or "filesystem://"
CELERY_BROKER_TRANSPORT_OPTIONS = (
    {}
    if REDIS_URL
    else {
        "data_folder_in": str(VAR_DIR / "broker"),
        "data_folder_out": str(VAR_DIR / "broker"),
        "processed_folder": str(VAR_DIR / "broker-processed"),
        "control_folder": str(VAR_DIR / "broker-control"),
        "store_processed": False,
    }
)
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_TIMEZONE = "Asia/Ho_Chi_Minh"  # the beat schedule below is in Vietnam time
CELERY_ENABLE_UTC = True
# Short tasks (mail, reminders, sweeps) are idempotent: acknowledged after they ran, and given back to
# the queue when their worker process dies (reject_on_worker_lost), so a crash repeats them, never loses
# them. Long jobs (register PDF, imports) opt out (portal.jobs.JOB_TASK_OPTIONS): their heartbeat sweep
# fails a job whose worker died within JOBS_HEARTBEAT_STALE_SECONDS + a minute, and the user presses
# "Chạy lại"; a redelivery would start them a second time beside a live worker.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
if REDIS_URL:
    # A message taken by a worker killed outright (kill -9: nobody rejects it) comes back to the queue
    # after visibility_timeout. It must stay longer than the longest wait of a retry (countdown, 10 min,
    # notifications.delivery.RETRY_BACKOFF_MAX) plus a run, else a waiting retry is delivered twice;
    # 15 minutes instead of an hour. Jobs do not wait for it (early ack, heartbeat sweep above).
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 900}
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# A fixed schedule from code, sent by exactly one beat (CELERY_BEAT_SCHEDULER below; make run: worker -B).
CELERY_BEAT_SCHEDULE = {
    "notifications-daily-scan": {
        "task": "notifications.tasks.scan_reminders_task",
        "schedule": crontab(hour=7, minute=0),
    },
    # Leaders: one bell entry (and e-mail) a week for the overdue reviews and directives of their unit and
    # the units below. Run daily, once per ISO week: the entry comes the first day anything is overdue.
    "notifications-leader-weekly": {
        "task": "notifications.tasks.leader_weekly_digest_task",
        "schedule": crontab(hour=7, minute=30),
    },
    # Re-enqueues reminders whose e-mail failed or never left (broker or SMTP down), so none is lost.
    # The dashboard's regulation and directive figures depend on the day (overdue, in force).
    "dashboards-refresh-standing-tallies": {
        "task": "dashboards.tasks.refresh_standing_tallies",
        "schedule": crontab(hour=0, minute=5),
    },
    # Delivers the events whose subscribers failed (Redis, the broker or the database away) or never ran.
    "portal-sweep-events": {
        "task": "portal.tasks.sweep_events",
        "schedule": crontab(minute="*"),
    },
    # Fails the jobs whose worker died (no heartbeat for JOBS_HEARTBEAT_STALE_SECONDS): portal/jobs.py.
    "portal-sweep-stale-jobs": {
        "task": "portal.tasks.sweep_stale_jobs",
        "schedule": crontab(minute="*"),
    },
    "notifications-resend-unsent": {
        "task": "notifications.tasks.resend_unsent_task",
        "schedule": crontab(minute="*/15"),
    },
}
# Exactly one beat sends these, however many run (one per node, for failover): a lock in Redis
# (portal/beat.py); the others idle and say so in their log. Without Redis (make run) Celery's own.
CELERY_BEAT_SCHEDULER = "portal.beat:OneBeatScheduler" if REDIS_URL else "celery.beat:PersistentScheduler"
BEAT_LOCK_KEY = "portal:celerybeat:lock"
BEAT_LOCK_TTL = env.int("BEAT_LOCK_TTL", default=60)  # seconds before a killed beat's lock passes on
# Days before Regulation.next_review_due at which the host agency is reminded (then on the due date,
# then weekly while overdue).
REMINDER_REVIEW_STAGES = tuple(env.list("REMINDER_REVIEW_STAGES", cast=int, default=[30, 7]))


# Redis is a cache here, never a store: when it is down or slow, a read is a miss and a write is
# skipped (django-redis IGNORE_EXCEPTIONS, short timeouts), each error logged and counted
# (portal.cache.CacheErrors), so no page and no save fails with it.
def redis_cache(url: str) -> dict:
    return {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": url,
        "OPTIONS": {
            "IGNORE_EXCEPTIONS": True,
            "SOCKET_CONNECT_TIMEOUT": env.float("REDIS_CONNECT_TIMEOUT", default=0.5),
            "SOCKET_TIMEOUT": env.float("REDIS_TIMEOUT", default=1.0),
        },
    }


CACHES = {
    "default": redis_cache(REDIS_URL) if REDIS_URL else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}
DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
DJANGO_REDIS_LOGGER = "portal.cache"

# Logs: plain lines for `make run`, one JSON object per line in production (LOG_FORMAT=json), each with
# the request id (X-Request-ID, also in the Celery tasks a request queues) and the node's name.
LOG_FORMAT = env("LOG_FORMAT", default="text")
NODE_NAME = env("NODE_NAME", default=socket.gethostname())
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "redact_secrets": {"()": "portal.redact.RedactSecretsFilter"},
        "cache_errors": {"()": "portal.cache.CacheErrors"},
        "request_id": {"()": "django_guid.log_filters.CorrelationId", "correlation_id_field": "request_id"},
        "celery_tracing": {"()": "django_guid.integrations.celery.log_filters.CeleryTracing"},
    },
    "formatters": {
        "text": {"format": "%(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": ["asctime", "levelname", "name", "message", "request_id", "celery_parent_id", "celery_current_id"],
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
            "static_fields": {"node": NODE_NAME},
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["redact_secrets", "request_id", "celery_tracing"],
            "formatter": LOG_FORMAT,
        }
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    # WeasyPrint logs every step of a render at INFO; django-guid every id it sets.
    "loggers": {
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        "django_guid": {"level": "WARNING"},
        "portal.cache": {"filters": ["cache_errors"]},
    },
}

# Request ids (django-guid): a proxy's X-Request-ID is kept if it is a UUID (HAProxy: unique-id-format
# %[uuid()]), otherwise one is made; it is returned in the response and travels in the headers of every
# Celery task the request queues, so the worker's log lines carry it too.
DJANGO_GUID = {
    "GUID_HEADER_NAME": "X-Request-ID",
    "VALIDATE_GUID": True,
    "RETURN_HEADER": True,
    "INTEGRATIONS": [CeleryIntegration(use_django_logging=False, log_parent=True)],
}

# /metrics (portal/health.py): open to these addresses or networks (the Prometheus server; never the
# load balancer's address, which every user comes through), or to "Authorization: Bearer METRICS_TOKEN".
METRICS_ALLOWED_IPS = env.list("METRICS_ALLOWED_IPS", default=[])
METRICS_TOKEN = env("METRICS_TOKEN", default="")
PROMETHEUS_EXPORT_MIGRATIONS = False  # no database query when a process starts


# Imports of regulations and meetings (imports/): files with more rows are checked and imported by a
# Celery task with a progress bar; smaller ones at once.
IMPORTS_ASYNC_ROWS = env.int("IMPORTS_ASYNC_ROWS", default=500)
# A running job whose worker has not written progress for this long is failed by the sweep (a worker
# writes every few seconds; the longest step, a chunk of 100 PDF rows, takes well under a minute).
JOBS_HEARTBEAT_STALE_SECONDS = env.int("JOBS_HEARTBEAT_STALE_SECONDS", default=300)
# A job no worker has started for this long (its message was lost) is failed too.
JOBS_QUEUED_STALE_SECONDS = env.int("JOBS_QUEUED_STALE_SECONDS", default=1800)
# Seconds a client is asked to wait (Retry-After) when the database does not answer.
DATABASE_RETRY_AFTER = env.int("DATABASE_RETRY_AFTER", default=30)

# The read-only REST API (api/): token auth for service accounts, session auth for the browser.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_FILTER_BACKENDS": ["api.filters.ScopedFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.Pagination",
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.TokenRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"token": env("API_THROTTLE_RATE", default="1200/hour")},
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.exceptions.handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "API Cổng quy chế phối hợp ngành Kiểm sát",
    "DESCRIPTION": "API chỉ đọc: cơ quan, đơn vị (kế thừa), quy chế phối hợp, hội nghị, nhiệm vụ được giao và "
    "số liệu tổng quan. Phạm vi dữ liệu như trên cổng. Xác thực: tiêu đề "
    "“Authorization: Token <mã>” (tài khoản dịch vụ) hoặc phiên đăng nhập.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
}
