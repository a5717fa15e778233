"""Settings for Image Telephone, driven entirely by environment variables.

Every variable has an embedded default that needs no running service (SQLite, a
local media folder, Celery over kombu's filesystem transport, the offline provider),
so a fresh clone runs with no configuration. Production values switch the real
parts on; `.env.example` lists every variable read here.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from dotenv import load_dotenv

BASE_DIR = Path(__file__).resolve().parent.parent
load_dotenv(BASE_DIR / ".env")


def env(name: str, default: str = "") -> str:
    """An empty value counts as unset, so a copied .env.example changes nothing."""
    return os.environ.get(name) or default


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def env_float(name: str, default: float) -> float:
    value = os.environ.get(name)
    return float(value) if value not in (None, "") else default


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


VAR_DIR = Path(env("TELEPHONE_VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

SECRET_KEY = env("SECRET_KEY", "dev-only-insecure-key-change-me-in-production")
DEBUG = env_bool("DEBUG", True)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "template_partials",
    "chains",
    "gallery",
    "accounts",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "telephone_site.urls"
WSGI_APPLICATION = "telephone_site.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.media",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]


def sqlite_options() -> dict:
    """SQLite shared by a web server and a worker needs WAL and a busy timeout."""
    return {
        "timeout": 30,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }


DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{VAR_DIR / 'telephone.sqlite3'}"), conn_max_age=60
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATABASES["default"]["OPTIONS"] = sqlite_options()
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # A file (not :memory:) so worker subprocesses in integration tests share it;
    # one per test process so concurrent runs never collide.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-{os.getpid()}.sqlite3")}
else:
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env("STATIC_ROOT", str(VAR_DIR / "static")))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns about a missing root
MEDIA_URL = env("MEDIA_URL", "/media/")
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "media")))
# Let Django serve local media itself: right for development and a single small
# machine; put media behind nginx or on S3 for anything bigger.
SERVE_MEDIA = env_bool("SERVE_MEDIA", DEBUG)

# --- Storage: local files by default, S3 through django-storages when a bucket is set.
AWS_STORAGE_BUCKET_NAME = env("AWS_STORAGE_BUCKET_NAME")
AWS_S3_REGION_NAME = env("AWS_S3_REGION_NAME") or None
AWS_S3_ENDPOINT_URL = env("AWS_S3_ENDPOINT_URL") or None
AWS_ACCESS_KEY_ID = env("AWS_ACCESS_KEY_ID") or None
AWS_SECRET_ACCESS_KEY = env("AWS_SECRET_ACCESS_KEY") or None
AWS_S3_CUSTOM_DOMAIN = env("AWS_S3_CUSTOM_DOMAIN") or None
AWS_QUERYSTRING_AUTH = env_bool("AWS_QUERYSTRING_AUTH", True)
AWS_QUERYSTRING_EXPIRE = env_int("AWS_QUERYSTRING_EXPIRE", 3600)
AWS_S3_FILE_OVERWRITE = True
AWS_DEFAULT_ACL = None

STORAGES = {
    "default": {
        "BACKEND": (
            "storages.backends.s3.S3Storage"
            if AWS_STORAGE_BUCKET_NAME
            else "django.core.files.storage.FileSystemStorage"
        ),
    },
    # Pending submissions: never under MEDIA_URL; read back only through a
    # permission-checked view (local) or short-lived signed URLs (S3).
    "private": (
        {"BACKEND": "storages.backends.s3.S3Storage",
         "OPTIONS": {"location": "private", "querystring_auth": True, "querystring_expire": 300}}
        if AWS_STORAGE_BUCKET_NAME
        else {"BACKEND": "django.core.files.storage.FileSystemStorage",
              "OPTIONS": {"location": str(VAR_DIR / "private"), "base_url": None}}
    ),
    # Hashed, compressed files served by whitenoise once DEBUG is off (after collectstatic).
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# --- Cache: a file cache shared by web and worker processes; Redis when REDIS_URL is set.
REDIS_URL = env("REDIS_URL")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    )
}
TELEPHONE_PAGE_CACHE_SECONDS = env_int("TELEPHONE_PAGE_CACHE_SECONDS", 600)

LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:profile"
LOGOUT_REDIRECT_URL = "accounts:logged_out"

# --- Log-in throttling (accounts/throttle.py): failed attempts per account and per
# client IP in a fixed window; at the limit, attempts are refused (429) unchecked.
# The IP is REMOTE_ADDR; behind a reverse proxy the proxy setup must set it.
LOGIN_THROTTLE_ACCOUNT_LIMIT = env_int("LOGIN_THROTTLE_ACCOUNT_LIMIT", 5)
LOGIN_THROTTLE_IP_LIMIT = env_int("LOGIN_THROTTLE_IP_LIMIT", 20)
LOGIN_THROTTLE_WINDOW_SECONDS = env_int("LOGIN_THROTTLE_WINDOW_SECONDS", 15 * 60)

# --- Email: printed to the console by default; SMTP as soon as EMAIL_HOST is set.
EMAIL_HOST = env("EMAIL_HOST")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = env("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)  # a stuck SMTP server must not hang a request
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Image Telephone <noreply@localhost>")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {"httpx": {"level": "WARNING"}, "httpx2": {"level": "WARNING"}},
}

# --- Providers ---------------------------------------------------------------------
OPENAI_API_KEY = env("OPENAI_API_KEY")
OPENAI_BASE_URL = env("OPENAI_BASE_URL") or None
OPENAI_CAPTION_MODEL = env("OPENAI_CAPTION_MODEL", "gpt-4o-mini")
OPENAI_IMAGE_MODEL = env("OPENAI_IMAGE_MODEL", "dall-e-3")
OPENAI_IMAGE_SIZE = env("OPENAI_IMAGE_SIZE", "1024x1024")
OPENAI_IMAGE_QUALITY = env("OPENAI_IMAGE_QUALITY", "standard")
OPENAI_IMAGE_STYLE = env("OPENAI_IMAGE_STYLE", "vivid")
OPENAI_EMBEDDING_MODEL = env("OPENAI_EMBEDDING_MODEL", "text-embedding-3-small")
OPENAI_MODERATION_MODEL = env("OPENAI_MODERATION_MODEL", "omni-moderation-latest")
OPENAI_CAPTION_TIMEOUT = env_float("OPENAI_CAPTION_TIMEOUT", 60)
OPENAI_IMAGE_TIMEOUT = env_float("OPENAI_IMAGE_TIMEOUT", 180)
OPENAI_EMBEDDING_TIMEOUT = env_float("OPENAI_EMBEDDING_TIMEOUT", 30)
OPENAI_MODERATION_TIMEOUT = env_float("OPENAI_MODERATION_TIMEOUT", 30)
OPENAI_DOWNLOAD_TIMEOUT = env_float("OPENAI_DOWNLOAD_TIMEOUT", 60)
OPENAI_RETRY_ATTEMPTS = env_int("OPENAI_RETRY_ATTEMPTS", 3)

TELEPHONE_PROVIDER = env("TELEPHONE_PROVIDER") or ("openai" if OPENAI_API_KEY else "local")

# --- The loop ------------------------------------------------------------------------
TELEPHONE_MAX_STEPS = env_int("TELEPHONE_MAX_STEPS", 200)
TELEPHONE_TASK_SOFT_TIME_LIMIT = env_int("TELEPHONE_TASK_SOFT_TIME_LIMIT", 240)
TELEPHONE_TASK_TIME_LIMIT = env_int("TELEPHONE_TASK_TIME_LIMIT", 300)
# A claim outlives the hard time limit, so a live task is always killed before
# another worker may take its work over.
TELEPHONE_CLAIM_SECONDS = env_int("TELEPHONE_CLAIM_SECONDS", TELEPHONE_TASK_TIME_LIMIT + 30)
TELEPHONE_RETRY_MAX = env_int("TELEPHONE_RETRY_MAX", 8)
TELEPHONE_RETRY_BASE_SECONDS = env_float("TELEPHONE_RETRY_BASE_SECONDS", 2)
TELEPHONE_RETRY_CAP_SECONDS = env_float("TELEPHONE_RETRY_CAP_SECONDS", 300)
TELEPHONE_RECONCILE_SECONDS = env_float("TELEPHONE_RECONCILE_SECONDS", 60)
# A running chain with no claim and no progress for this long is re-queued.
TELEPHONE_STALL_SECONDS = env_float(
    "TELEPHONE_STALL_SECONDS", TELEPHONE_RETRY_CAP_SECONDS + 60
)
TELEPHONE_THUMBNAIL_WIDTHS = (320, 768)
TELEPHONE_DEMO_STEPS = env_int("TELEPHONE_DEMO_STEPS", 12)
# Global daily budget of estimated spend in USD (0 = no limit).
TELEPHONE_DAILY_BUDGET_USD = env_float("TELEPHONE_DAILY_BUDGET_USD", 20.0)
# Submissions: longest chain a user may ask for, chains per user per day, uploads per window.
TELEPHONE_SUBMISSION_MAX_STEPS = env_int("TELEPHONE_SUBMISSION_MAX_STEPS", 50)
TELEPHONE_DAILY_CHAIN_QUOTA = env_int("TELEPHONE_DAILY_CHAIN_QUOTA", 5)
TELEPHONE_UPLOAD_RATE_LIMIT = env_int("TELEPHONE_UPLOAD_RATE_LIMIT", 3)
TELEPHONE_UPLOAD_RATE_WINDOW_SECONDS = env_int("TELEPHONE_UPLOAD_RATE_WINDOW_SECONDS", 60)
MAX_UPLOAD_BYTES = env_int("MAX_UPLOAD_BYTES", 10 * 1024 * 1024)
# Where flagged generated content is reported for staff review.
TELEPHONE_FLAG_HANDLER = "gallery.services.reports.report_flagged_content"

# Estimated prices in USD, for cost totals. Tokens are priced per million.
TELEPHONE_PRICES = {
    "gpt-4o-mini": {"input_per_million": 0.15, "output_per_million": 0.60},
    "gpt-4o": {"input_per_million": 2.50, "output_per_million": 10.00},
    "text-embedding-3-small": {"input_per_million": 0.02},
    "text-embedding-3-large": {"input_per_million": 0.13},
    "dall-e-3": {"per_image": {"standard": 0.040, "hd": 0.080}},
    "dall-e-2": {"per_image": {"standard": 0.020}},
    "gpt-image-1": {"per_image": {"low": 0.011, "medium": 0.042, "high": 0.167}},
}

# --- Celery -------------------------------------------------------------------------
CELERY_BROKER_URL = env("CELERY_BROKER_URL", "filesystem://localhost//")
BROKER_DIR = VAR_DIR / "broker"
CELERY_BROKER_TRANSPORT_OPTIONS = {
    # Above the longest retry countdown plus the hard time limit, so Redis never
    # redelivers a task that is merely waiting or still running.
    "visibility_timeout": int(TELEPHONE_RETRY_CAP_SECONDS + TELEPHONE_TASK_TIME_LIMIT + 600),
}
if CELERY_BROKER_URL.startswith("filesystem"):
    CELERY_BROKER_TRANSPORT_OPTIONS.update(
        {
            "data_folder_in": str(BROKER_DIR / "queue"),
            "data_folder_out": str(BROKER_DIR / "queue"),
            "control_folder": str(BROKER_DIR / "control"),
            "processed_folder": str(BROKER_DIR / "processed"),
            "store_processed": False,
            # The transport polls its folder; the default 1 s would add a second per phase.
            "polling_interval": 0.05,
        }
    )
    # kombu's filesystem transport expects its folders to exist already.
    for folder in ("queue", "control", "processed"):
        (BROKER_DIR / folder).mkdir(parents=True, exist_ok=True)
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = TELEPHONE_TASK_SOFT_TIME_LIMIT
CELERY_TASK_TIME_LIMIT = TELEPHONE_TASK_TIME_LIMIT
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BEAT_SCHEDULE = {
    "reconcile-stalled-chains": {
        "task": "chains.tasks.reconcile_chains",
        "schedule": TELEPHONE_RECONCILE_SECONDS,
    },
}
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
