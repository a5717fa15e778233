"""Settings for Image Telephone, driven entirely by environment variables.

Every variable has an embedded default that needs no running service (SQLite, a
local media folder, Celery over kombu's filesystem transport, the offline provider),
so a fresh clone runs with no configuration. Production values switch the real
parts on; `.env.example` lists every variable read here. DJANGO_ENV=production
hardens the rest (HTTPS, HSTS, secure cookies, JSON logs) and insists on the values
it cannot guess; deploy/production.env.example is a complete production sample.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import dj_database_url
from botocore.config import Config as BotoConfig
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from dotenv import load_dotenv
from kombu import Queue

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


def redis_db_for_test_worker(url: str, worker: str) -> str:
    """redis://host:port/15 becomes /14 for test process gw1, /13 for gw2: counting
    down from the configured database, so bin/test's default (15) leaves room."""
    parts = urlsplit(url)
    if not worker or parts.scheme != "redis":
        return url
    number = int(parts.path.strip("/") or 0) - int(worker.removeprefix("gw"))
    if number < 0:
        raise ImproperlyConfigured(f"Too many test processes for the Redis database in {url}.")
    return urlunsplit(parts._replace(path=f"/{number}"))


# --- The one switch: DJANGO_ENV=production hardens everything below and refuses to
# start without the values it cannot guess (SECRET_KEY, ALLOWED_HOSTS), so that
# `manage.py check --deploy --fail-level WARNING` passes; CI asserts it does.
DJANGO_ENV = env("DJANGO_ENV", "development").strip().lower()
if DJANGO_ENV not in ("development", "production"):
    raise ImproperlyConfigured("DJANGO_ENV must be 'development' or 'production'.")
PRODUCTION = DJANGO_ENV == "production"

# pytest-xdist runs the tests in several processes (gw0, gw1, ...). Each gets its own
# var/ folder (filesystem broker, file cache, private files) and Redis broker database
# (`redis_db_for_test_worker`), so none takes another's messages; pytest-django gives
# each its own test database. tests/conftest.py hides the variable from the processes
# a test starts (workers, web servers): they are handed these values explicitly.
# bin/test runs its two passes at once, each under its own TELEPHONE_VAR_DIR.
TEST_WORKER = env("PYTEST_XDIST_WORKER")
VAR_DIR = Path(env("TELEPHONE_VAR_DIR", str(BASE_DIR / "var"))) / (f"xdist-{TEST_WORKER}" if TEST_WORKER else "")
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEVELOPMENT_SECRET_KEY = "dev-only-insecure-key-change-me-in-production"
SECRET_KEY = env("SECRET_KEY", "" if PRODUCTION else DEVELOPMENT_SECRET_KEY)
DEBUG = env_bool("DEBUG", not PRODUCTION)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "" if PRODUCTION else "localhost,127.0.0.1,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000")

PRODUCTION_NEEDS_SECRET_KEY = "DJANGO_ENV=production needs SECRET_KEY from the environment (50+ random characters)."
PRODUCTION_NEEDS_HOSTS = "DJANGO_ENV=production needs ALLOWED_HOSTS (comma-separated host names)."
PRODUCTION_FORBIDS_DEBUG = "DJANGO_ENV=production refuses DEBUG=true: it would show settings to visitors."
if PRODUCTION:
    if not SECRET_KEY or SECRET_KEY in (DEVELOPMENT_SECRET_KEY, "change-me"):
        raise ImproperlyConfigured(PRODUCTION_NEEDS_SECRET_KEY)
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured(PRODUCTION_NEEDS_HOSTS)
    if DEBUG:
        raise ImproperlyConfigured(PRODUCTION_FORBIDS_DEBUG)
    # The site's own origin is trusted for POSTs that arrive through the TLS proxy.
    if not CSRF_TRUSTED_ORIGINS and SITE_URL.startswith("https://"):
        CSRF_TRUSTED_ORIGINS = [SITE_URL.rstrip("/")]

# --- HTTPS and security headers: all on in production, each overridable. ------------
# Behind nginx (deploy/nginx.conf) TLS ends at the proxy, which must *set* (not pass
# through) X-Forwarded-Proto; only then is trusting it safe.
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("TRUST_X_FORWARDED_PROTO", PRODUCTION) else None
)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", PRODUCTION)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # load balancer probes speak plain HTTP to gunicorn
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000 if PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", PRODUCTION)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", PRODUCTION)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", PRODUCTION)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", PRODUCTION)
SESSION_COOKIE_HTTPONLY = True
# Sessions read from the cache (Redis in production), written through to the database:
# a signed-in visitor's every page read its session row first (issue 11). A cache
# outage falls back to the database (telephone_site.cache turns it into misses).
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
# No script reads the CSRF cookie: forms (and htmx, which submits them) carry the token.
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

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
    "csp",
    "allauth",
    "allauth.account",
    "chains",
    "gallery",
    "accounts",
]

MIDDLEWARE = [
    # First: everything after it (rate limits, logs) sees the client, not nginx.
    "telephone_site.proxy.TrustedProxyMiddleware",
    "telephone_site.log.RequestLogContextMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Pages compress ~10x; CSRF tokens are masked per response, which defeats BREACH.
    "django.middleware.gzip.GZipMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Below the two above: after an htmx request, pending messages go out as toasts.
    "gallery.middleware.HtmxMessagesMiddleware",
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
                "gallery.context_processors.site",
            ]
        },
    }
]


def sqlite_options() -> dict:
    """SQLite shared by a web server and a worker needs WAL and a busy timeout."""
    return {
        "timeout": 30,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }


DATABASES = {
    "default": dj_database_url.parse(env("DATABASE_URL", f"sqlite:///{VAR_DIR / 'telephone.sqlite3'}"), conn_max_age=60)
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATABASES["default"]["OPTIONS"] = sqlite_options()
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # A file (not :memory:) so worker subprocesses in integration tests share it;
    # one per test process so concurrent runs never collide.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-{os.getpid()}.sqlite3")}
else:
    # A connection killed by a database restart is noticed and replaced before reuse.
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", env_int("DATABASE_CONNECT_TIMEOUT", 5))
# A pool of at most this many connections per process (psycopg_pool), for workers
# that keep many provider calls in flight on threads: a thread holds a connection
# only while it talks to the database, never while it waits on a provider
# (chains/providers/timed.py), so a handful serves a hundred threads and the
# connection count of a box is processes x this, whatever the concurrency. 0: no
# pool, one persistent connection per thread (the web's sync workers, SQLite).
DATABASE_POOL_SIZE = env_int("DATABASE_POOL_SIZE", 0)
DATABASE_POOL_TIMEOUT = env_float("DATABASE_POOL_TIMEOUT", 30)
# Behind PgBouncer in transaction mode a server-side cursor (QuerySet.iterator()) may
# not outlive its transaction's server connection: turn them off there.
DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = env_bool("DATABASE_DISABLE_SERVER_SIDE_CURSORS", False)
if DATABASE_POOL_SIZE and DATABASES["default"]["ENGINE"].endswith("postgresql"):
    DATABASES["default"]["CONN_MAX_AGE"] = 0  # the pool keeps them; Django must not too
    DATABASES["default"]["OPTIONS"]["pool"] = {
        "min_size": 1,
        "max_size": DATABASE_POOL_SIZE,
        "timeout": DATABASE_POOL_TIMEOUT,
        "max_idle": 300,
        "name": "telephone",
    }

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
AWS_S3_SIGNATURE_VERSION = env("AWS_S3_SIGNATURE_VERSION", "s3v4")
# botocore waits 60 s to connect and retries 4 times by default: far too long for a
# page or a health check; three quick tries ride out S3's occasional 503 SlowDown.
# (A client config replaces django-storages' own, so it carries the signature and
# addressing style too.)
AWS_S3_ADDRESSING_STYLE = env("AWS_S3_ADDRESSING_STYLE") or None
AWS_S3_CLIENT_CONFIG = BotoConfig(
    connect_timeout=env_float("AWS_S3_CONNECT_TIMEOUT", 3),
    read_timeout=env_float("AWS_S3_READ_TIMEOUT", 30),
    retries={"mode": "standard", "max_attempts": 3},
    signature_version=AWS_S3_SIGNATURE_VERSION,
    s3={"addressing_style": AWS_S3_ADDRESSING_STYLE},
)
# How long a staff member's link to a pending (unmoderated) image works.
TELEPHONE_PRIVATE_URL_SECONDS = env_int("TELEPHONE_PRIVATE_URL_SECONDS", 300)

STORAGES = {
    "default": {
        "BACKEND": (
            "storages.backends.s3.S3Storage"
            if AWS_STORAGE_BUCKET_NAME
            else "django.core.files.storage.FileSystemStorage"
        )
    },
    # Pending submissions: never under MEDIA_URL; read back only through a
    # permission-checked view (local) or short-lived signed URLs (S3).
    "private": (
        {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "location": "private",
                "querystring_auth": True,
                "custom_domain": None,
                "querystring_expire": TELEPHONE_PRIVATE_URL_SECONDS,
            },
        }
        if AWS_STORAGE_BUCKET_NAME
        else {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(VAR_DIR / "private"), "base_url": None},
        }
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


def media_origins() -> list[str]:
    """Where media URLs point when they are not on this site (S3 or its CDN), for the CSP."""
    origins = env_list("CSP_MEDIA_ORIGINS")
    if not AWS_STORAGE_BUCKET_NAME:
        return origins
    if AWS_S3_CUSTOM_DOMAIN:
        origins.append(f"https://{AWS_S3_CUSTOM_DOMAIN}")
    # Pending images are always signed S3 URLs, even when public media has a CDN.
    if AWS_S3_ENDPOINT_URL:
        scheme, _, rest = AWS_S3_ENDPOINT_URL.partition("://")
        origins.append(f"{scheme}://{rest.split('/')[0]}")
    else:
        region = f".{AWS_S3_REGION_NAME}" if AWS_S3_REGION_NAME else ""
        origins += [
            f"https://{AWS_STORAGE_BUCKET_NAME}.s3{region}.amazonaws.com",
            f"https://{AWS_STORAGE_BUCKET_NAME}.s3.amazonaws.com",
        ]
    return list(dict.fromkeys(origins))


# --- Content Security Policy (django-csp 4): nothing inline, nothing from elsewhere but
# media. Enforced in development too, so a violation shows up before it ships. htmx is
# served from 'self' by django-htmx and configured (templates/base.html) not to inject
# its indicator <style> nor to eval.
TELEPHONE_CSP_REPORT_URI = env("CSP_REPORT_URI")
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, *media_origins()],
        "media-src": [SELF, *media_origins()],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "upgrade-insecure-requests": PRODUCTION,
        "report-uri": [TELEPHONE_CSP_REPORT_URI] if TELEPHONE_CSP_REPORT_URI else None,
    }
}

# --- Cache: a file cache shared by web and worker processes; Redis when REDIS_URL is set.
# Redis is wrapped so an outage degrades (misses, dropped writes) instead of failing
# requests: everything cached is disposable (telephone_site/cache.py).
REDIS_URL = env("REDIS_URL")
REDIS_CACHE_TIMEOUT_SECONDS = env_float("REDIS_CACHE_TIMEOUT_SECONDS", 0.5)
CACHES = {
    "default": (
        {
            "BACKEND": "telephone_site.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {
                "socket_connect_timeout": REDIS_CACHE_TIMEOUT_SECONDS,
                "socket_timeout": REDIS_CACHE_TIMEOUT_SECONDS,
            },
        }
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": str(VAR_DIR / "cache")}
    )
}
TELEPHONE_PAGE_CACHE_SECONDS = env_int("TELEPHONE_PAGE_CACHE_SECONDS", 600)
# How long a web process trusts the public content version before asking the cache again.
TELEPHONE_PUBLIC_VERSION_MEMO_SECONDS = env_float("TELEPHONE_PUBLIC_VERSION_MEMO_SECONDS", 1.0)
# At most one re-render of the list pages per this many seconds for running chains'
# progress (chains/cache.py); 0 bumps the lists on every step.
TELEPHONE_LIST_DEBOUNCE_SECONDS = env_float("TELEPHONE_LIST_DEBOUNCE_SECONDS", 5.0)

# --- Accounts: django-allauth (accounts/adapter.py holds the site's choices) --------
# Sign-up needs a username, an email and a password; the email must be verified (a
# link by mail) before the account can log in, submit or branch. Sign-up, log-in
# and password reset answer alike whether or not an address is known
# (ACCOUNT_PREVENT_ENUMERATION), and their rates are limited per client IP (see
# TRUSTED_PROXIES) and per key. A failed log-in counts against the client IP and
# against that IP *with* that account, never against the account alone: a stranger
# guessing a password can never lock its owner out. Tiers of growing windows make
# the wait longer the longer guessing goes on.
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "accounts:profile"
LOGOUT_REDIRECT_URL = "accounts:logged_out"
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_FORMS = {"login": "accounts.forms.LoginForm", "signup": "accounts.forms.SignupForm"}
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False  # mail scanners follow links; a POST confirms
ACCOUNT_SESSION_REMEMBER = True  # Django's two-week session, as before, no checkbox
ACCOUNT_EMAIL_SUBJECT_PREFIX = "Image Telephone: "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if PRODUCTION else "http"
ACCOUNT_RATE_LIMITS = {
    # Every log-in POST, per client IP.
    "login": env("RATE_LIMIT_LOGIN", "30/m/ip"),
    # Failed log-ins: per client IP, then per client IP + account in growing windows.
    "login_failed": env("RATE_LIMIT_LOGIN_FAILED", "20/10m/ip,5/5m/key,10/30m/key,20/6h/key"),
    "signup": env("RATE_LIMIT_SIGNUP", "5/m/ip,20/h/ip"),
    # Reset mails: per client IP and per address asked for.
    "reset_password": env("RATE_LIMIT_RESET_PASSWORD", "5/m/ip,20/h/ip,3/h/key"),
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
    "reauthenticate": "10/m/user",
    # One verification mail per address per three minutes.
    "confirm_email": "1/3m/key",
}

# --- Client address: the peers (nginx, a load balancer) whose X-Forwarded-For is
# believed (telephone_site/proxy.py). Production trusts the local nginx of
# deploy/nginx.conf; gunicorn's FORWARDED_ALLOW_IPS defaults to the same list.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES", "127.0.0.1,::1" if PRODUCTION else "")

# --- What one visitor or member can make the site do (issue 12). Limits answer 429
# with Retry-After (accounts/throttle.py, per client IP from TRUSTED_PROXIES).
# Animation renders: members only, this many per window each.
TELEPHONE_RENDER_RATE_LIMIT = env_int("TELEPHONE_RENDER_RATE_LIMIT", 10)
TELEPHONE_RENDER_RATE_WINDOW_SECONDS = env_int("TELEPHONE_RENDER_RATE_WINDOW_SECONDS", 3600)
# Reports: per member and per client IP, in one window.
TELEPHONE_REPORT_RATE_LIMIT = env_int("TELEPHONE_REPORT_RATE_LIMIT", 10)
TELEPHONE_REPORT_IP_RATE_LIMIT = env_int("TELEPHONE_REPORT_IP_RATE_LIMIT", 30)
TELEPHONE_REPORT_RATE_WINDOW_SECONDS = env_int("TELEPHONE_REPORT_RATE_WINDOW_SECONDS", 3600)
# How long browsers and shared caches may keep a listed chain's pictures served by
# Django (gallery/views/media.py): short, because a chain can be hidden at any time.
# Anything not listed is sent `private`.
TELEPHONE_PUBLIC_MEDIA_MAX_AGE = env_int("TELEPHONE_PUBLIC_MEDIA_MAX_AGE", 300)
# Seconds a web process keeps a rendered anonymous page in its own memory (the shared
# copy lives TELEPHONE_PAGE_CACHE_SECONDS); a change that bumped no version shows after this.
TELEPHONE_LOCAL_PAGE_CACHE_SECONDS = env_float("TELEPHONE_LOCAL_PAGE_CACHE_SECONDS", 60)

# --- Email: printed to the console by default; SMTP as soon as EMAIL_HOST is set, or
# any backend named in EMAIL_BACKEND. Accounts cannot work without mail (verification
# links, password resets), so production refuses a backend that delivers nothing.
EMAIL_HOST = env("EMAIL_HOST")
EMAIL_BACKEND = env("EMAIL_BACKEND") or (
    "django.core.mail.backends.smtp.EmailBackend" if EMAIL_HOST else "django.core.mail.backends.console.EmailBackend"
)
UNDELIVERED_EMAIL_BACKENDS = {
    f"django.core.mail.backends.{name}.EmailBackend" for name in ("console", "locmem", "dummy", "filebased")
}
PRODUCTION_NEEDS_EMAIL = (
    "DJANGO_ENV=production needs a mail server: accounts send verification and password reset "
    "links. Set EMAIL_HOST (SMTP) or EMAIL_BACKEND to a backend that delivers."
)
if PRODUCTION and EMAIL_BACKEND in UNDELIVERED_EMAIL_BACKENDS:
    raise ImproperlyConfigured(PRODUCTION_NEEDS_EMAIL)
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = env("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)  # a stuck SMTP server must not hang a request
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Image Telephone <noreply@localhost>")

# --- Logging: one line per event on stderr (systemd/journald or the platform collects
# it). JSON in production, the classic line in development; both carry the request,
# task, chain, step and provider request ids bound in telephone_site/log.py.
LOG_FORMAT = env("LOG_FORMAT", "json" if PRODUCTION else "plain")
if LOG_FORMAT not in ("json", "plain"):
    raise ImproperlyConfigured("LOG_FORMAT must be 'json' or 'plain'.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"context": {"()": "telephone_site.log.ContextFilter"}},
    "formatters": {
        "plain": {"()": "telephone_site.log.PlainFormatter"},
        "json": {"()": "telephone_site.log.JSONFormatter"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT, "filters": ["context"]}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {"httpx": {"level": "WARNING"}, "httpx2": {"level": "WARNING"}},
}

# --- Providers ---------------------------------------------------------------------
# Each role picks its backend (local, openai, a1111, comfyui, none for moderation, or a
# dotted module path), falling back to TELEPHONE_PROVIDER; each OpenAI-protocol role
# may use its own server and key, falling back to OPENAI_BASE_URL / OPENAI_API_KEY.
# The fallbacks are applied where the values are read (chains.providers), so a test
# or a .env that sets only the shared value changes every role.
OPENAI_API_KEY = env("OPENAI_API_KEY")
OPENAI_BASE_URL = env("OPENAI_BASE_URL") or None
TELEPHONE_PROVIDER = env("TELEPHONE_PROVIDER") or ("openai" if OPENAI_API_KEY else "local")
TELEPHONE_CAPTIONER = env("TELEPHONE_CAPTIONER")
TELEPHONE_PAINTER = env("TELEPHONE_PAINTER")
TELEPHONE_EMBEDDER = env("TELEPHONE_EMBEDDER")
TELEPHONE_MODERATOR = env("TELEPHONE_MODERATOR")
OPENAI_CAPTION_BASE_URL = env("OPENAI_CAPTION_BASE_URL")
OPENAI_CAPTION_API_KEY = env("OPENAI_CAPTION_API_KEY")
OPENAI_IMAGE_BASE_URL = env("OPENAI_IMAGE_BASE_URL")
OPENAI_IMAGE_API_KEY = env("OPENAI_IMAGE_API_KEY")
OPENAI_EMBEDDING_BASE_URL = env("OPENAI_EMBEDDING_BASE_URL")
OPENAI_EMBEDDING_API_KEY = env("OPENAI_EMBEDDING_API_KEY")
OPENAI_MODERATION_BASE_URL = env("OPENAI_MODERATION_BASE_URL")
OPENAI_MODERATION_API_KEY = env("OPENAI_MODERATION_API_KEY")
# Current models not announced for shutdown (chains/providers/catalogue_data.py).
OPENAI_CAPTION_MODEL = env("OPENAI_CAPTION_MODEL", "gpt-5.4-mini")
# Reasoning effort for reasoning caption models (none, low, medium, ...); empty: the model's default.
OPENAI_CAPTION_REASONING_EFFORT = env("OPENAI_CAPTION_REASONING_EFFORT")
# max_tokens or max_completion_tokens, for servers the catalogue cannot recognise; empty: automatic.
OPENAI_CAPTION_TOKEN_PARAM = env("OPENAI_CAPTION_TOKEN_PARAM")
OPENAI_IMAGE_MODEL = env("OPENAI_IMAGE_MODEL", "gpt-image-2")
OPENAI_IMAGE_SIZE = env("OPENAI_IMAGE_SIZE", "1024x1024")
OPENAI_IMAGE_QUALITY = env("OPENAI_IMAGE_QUALITY", "medium")
# Options only some image models take; `manage.py check` says which model refuses what.
OPENAI_IMAGE_STYLE = env("OPENAI_IMAGE_STYLE")
OPENAI_IMAGE_BACKGROUND = env("OPENAI_IMAGE_BACKGROUND")
OPENAI_IMAGE_OUTPUT_FORMAT = env("OPENAI_IMAGE_OUTPUT_FORMAT")
OPENAI_IMAGE_MODERATION = env("OPENAI_IMAGE_MODERATION")
OPENAI_IMAGE_RESPONSE_FORMAT = env("OPENAI_IMAGE_RESPONSE_FORMAT")
OPENAI_EMBEDDING_MODEL = env("OPENAI_EMBEDDING_MODEL", "text-embedding-3-small")
OPENAI_MODERATION_MODEL = env("OPENAI_MODERATION_MODEL", "omni-moderation-latest")
# Overall deadlines in seconds, one per call: connect, send, wait and the whole body
# (chains/providers/http.py), under every worker pool.
OPENAI_CAPTION_TIMEOUT = env_float("OPENAI_CAPTION_TIMEOUT", 60)
OPENAI_IMAGE_TIMEOUT = env_float("OPENAI_IMAGE_TIMEOUT", 180)
OPENAI_EMBEDDING_TIMEOUT = env_float("OPENAI_EMBEDDING_TIMEOUT", 30)
OPENAI_MODERATION_TIMEOUT = env_float("OPENAI_MODERATION_TIMEOUT", 30)
OPENAI_DOWNLOAD_TIMEOUT = env_float("OPENAI_DOWNLOAD_TIMEOUT", 60)
OPENAI_RETRY_ATTEMPTS = env_int("OPENAI_RETRY_ATTEMPTS", 3)
# Tries at downloading one paid `url` answer (same URL, with backoff) before it is lost.
TELEPHONE_DOWNLOAD_ATTEMPTS = env_int("TELEPHONE_DOWNLOAD_ATTEMPTS", 4)

# AUTOMATIC1111 / Forge / SD.Next web UI started with --api (TELEPHONE_PAINTER=a1111).
A1111_BASE_URL = env("A1111_BASE_URL")
A1111_API_AUTH = env("A1111_API_AUTH")  # user:password when the web UI runs with --api-auth
A1111_CHECKPOINT = env("A1111_CHECKPOINT")  # empty: whatever checkpoint is loaded
A1111_STEPS = env_int("A1111_STEPS", 25)
A1111_SAMPLER = env("A1111_SAMPLER", "Euler a")
A1111_SCHEDULER = env("A1111_SCHEDULER")
A1111_CFG_SCALE = env_float("A1111_CFG_SCALE", 7.0)
A1111_WIDTH = env_int("A1111_WIDTH", 1024)
A1111_HEIGHT = env_int("A1111_HEIGHT", 1024)
A1111_NEGATIVE_PROMPT = env("A1111_NEGATIVE_PROMPT")
A1111_TIMEOUT = env_float("A1111_TIMEOUT", 300)
# ComfyUI (TELEPHONE_PAINTER=comfyui): an operator's workflow in API format with
# {{prompt}} and {{seed}} placeholders, posted to /prompt and followed to /view.
COMFYUI_BASE_URL = env("COMFYUI_BASE_URL")
COMFYUI_WORKFLOW = env("COMFYUI_WORKFLOW")
COMFYUI_TIMEOUT = env_float("COMFYUI_TIMEOUT", 300)
COMFYUI_POLL_SECONDS = env_float("COMFYUI_POLL_SECONDS", 0.5)

# Costs (chains/costs.py): a model with no known price on a paid endpoint is counted at
# these conservative prices and shown as estimated; self-hosted servers cost 0 unless
# priced here. Hosts listed in TELEPHONE_SELF_HOSTED_HOSTS count as self-hosted even
# when their names look public; hosts in TELEPHONE_PAID_HOSTS (host or host:port) bill
# even on a private address (a LiteLLM proxy on localhost forwarding to OpenAI).
TELEPHONE_UNKNOWN_IMAGE_PRICE_USD = env_float("TELEPHONE_UNKNOWN_IMAGE_PRICE_USD", 0.25)
TELEPHONE_UNKNOWN_TOKEN_PRICE_USD = env_float("TELEPHONE_UNKNOWN_TOKEN_PRICE_USD", 20.0)
TELEPHONE_SELF_HOSTED_IMAGE_PRICE_USD = env_float("TELEPHONE_SELF_HOSTED_IMAGE_PRICE_USD", 0.0)
TELEPHONE_SELF_HOSTED_TOKEN_PRICE_USD = env_float("TELEPHONE_SELF_HOSTED_TOKEN_PRICE_USD", 0.0)
TELEPHONE_SELF_HOSTED_HOSTS = env_list("TELEPHONE_SELF_HOSTED_HOSTS")
TELEPHONE_PAID_HOSTS = env_list("TELEPHONE_PAID_HOSTS")

# --- The loop ------------------------------------------------------------------------
TELEPHONE_MAX_STEPS = env_int("TELEPHONE_MAX_STEPS", 200)
TELEPHONE_TASK_SOFT_TIME_LIMIT = env_int("TELEPHONE_TASK_SOFT_TIME_LIMIT", 240)
TELEPHONE_TASK_TIME_LIMIT = env_int("TELEPHONE_TASK_TIME_LIMIT", 300)
# A claim outlives the hard time limit, so a live task is always killed before
# another worker may take its work over.
# It also outlives the longest provider call (an image plus its download): under the
# threads pool the time limits do nothing, and the call's own deadline is the bound.
TELEPHONE_CLAIM_SECONDS = env_int(
    "TELEPHONE_CLAIM_SECONDS", int(max(TELEPHONE_TASK_TIME_LIMIT, OPENAI_IMAGE_TIMEOUT + OPENAI_DOWNLOAD_TIMEOUT)) + 30
)
TELEPHONE_RETRY_MAX = env_int("TELEPHONE_RETRY_MAX", 8)
TELEPHONE_RETRY_BASE_SECONDS = env_float("TELEPHONE_RETRY_BASE_SECONDS", 2)
TELEPHONE_RETRY_CAP_SECONDS = env_float("TELEPHONE_RETRY_CAP_SECONDS", 300)
TELEPHONE_RECONCILE_SECONDS = env_float("TELEPHONE_RECONCILE_SECONDS", 60)
# A running chain with no claim and no progress for this long is re-queued.
TELEPHONE_STALL_SECONDS = env_float("TELEPHONE_STALL_SECONDS", TELEPHONE_RETRY_CAP_SECONDS + 60)
TELEPHONE_DEMO_STEPS = env_int("TELEPHONE_DEMO_STEPS", 12)
# The demo's one long chain, so something is still being painted ten minutes in.
TELEPHONE_DEMO_LONG_STEPS = env_int("TELEPHONE_DEMO_LONG_STEPS", 60)
# Seconds each demo painting waits (demo chains only), so a newcomer can watch them grow.
TELEPHONE_DEMO_PACE_SECONDS = env_float("TELEPHONE_DEMO_PACE_SECONDS", 3.0)
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
# Analysis: seconds the atlas waits after a chain finishes (so many finishing chains
# cause one recompute); how long a recompute's claim holds (past the task's hard time
# limit its worker is gone); the size of one experiment, and extra OpenAI model pairs
# ("caption/image", comma-separated) an experiment may compare.
TELEPHONE_ATLAS_DEBOUNCE_SECONDS = env_float("TELEPHONE_ATLAS_DEBOUNCE_SECONDS", 30)
TELEPHONE_ATLAS_LEASE_SECONDS = env_float("TELEPHONE_ATLAS_LEASE_SECONDS", TELEPHONE_TASK_TIME_LIMIT + 60)
TELEPHONE_EXPERIMENT_MAX_CHAINS = env_int("TELEPHONE_EXPERIMENT_MAX_CHAINS", 24)
TELEPHONE_EXPERIMENT_MODELS = env_list("TELEPHONE_EXPERIMENT_MODELS")

# --- Celery -------------------------------------------------------------------------
CELERY_BROKER_URL = redis_db_for_test_worker(env("CELERY_BROKER_URL", "filesystem://localhost//"), TEST_WORKER)
BROKER_DIR = VAR_DIR / "broker"
CELERY_BROKER_TRANSPORT_OPTIONS = {
    # Above the longest retry countdown plus the hard time limit, so Redis never
    # redelivers a task that is merely waiting or still running.
    "visibility_timeout": int(TELEPHONE_RETRY_CAP_SECONDS + TELEPHONE_TASK_TIME_LIMIT + 600)
}
if CELERY_BROKER_URL.startswith("filesystem"):
    # kombu's own filesystem transport can hand a consumer a half-written message.
    CELERY_BROKER_TRANSPORT = "telephone_site.broker:Transport"
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
elif CELERY_BROKER_URL.startswith("redis://"):
    # kombu's Redis transport builds a new client for every message it publishes.
    CELERY_BROKER_TRANSPORT = "telephone_site.redis_broker:RedisTransport"
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
# Captions (and embeddings) and paintings travel on separate queues, so slow image
# calls never starve captions: production runs `celery worker -Q captions` and
# `-Q paints` on machines sized for each. A worker started without -Q consumes every
# queue below, which is what development and the tests do.
TELEPHONE_CAPTION_QUEUE = env("TELEPHONE_CAPTION_QUEUE", "captions")
TELEPHONE_PAINT_QUEUE = env("TELEPHONE_PAINT_QUEUE", "paints")
# Animation renders: seconds of CPU each, asked for by members; on a queue of their
# own so a burst of them never delays the chains (a worker with -Q renders, low concurrency).
TELEPHONE_RENDER_QUEUE = env("TELEPHONE_RENDER_QUEUE", "renders")
CELERY_TASK_DEFAULT_QUEUE = "celery"  # the reconciler, the atlas, anything unrouted
CELERY_TASK_QUEUES = [
    Queue(name, routing_key=name)
    for name in dict.fromkeys(
        (CELERY_TASK_DEFAULT_QUEUE, TELEPHONE_CAPTION_QUEUE, TELEPHONE_PAINT_QUEUE, TELEPHONE_RENDER_QUEUE)
    )
]
CELERY_TASK_ROUTES = {
    "chains.tasks.caption_step": {"queue": TELEPHONE_CAPTION_QUEUE, "routing_key": TELEPHONE_CAPTION_QUEUE},
    "chains.tasks.embed_step": {"queue": TELEPHONE_CAPTION_QUEUE, "routing_key": TELEPHONE_CAPTION_QUEUE},
    "chains.tasks.screen_step": {"queue": TELEPHONE_CAPTION_QUEUE, "routing_key": TELEPHONE_CAPTION_QUEUE},
    "chains.tasks.paint_next_step": {"queue": TELEPHONE_PAINT_QUEUE, "routing_key": TELEPHONE_PAINT_QUEUE},
    "chains.tasks.render_chain_animation": {"queue": TELEPHONE_RENDER_QUEUE, "routing_key": TELEPHONE_RENDER_QUEUE},
    # Share cards are pictures made ahead of time, off the loop's path: on the render
    # worker (concurrency 1), never in the threads that keep chains' calls in flight
    # (issue 11: they were a third of a 100-chain batch's worker CPU).
    "chains.tasks.render_share_cards": {"queue": TELEPHONE_RENDER_QUEUE, "routing_key": TELEPHONE_RENDER_QUEUE},
}
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Celery's Django fixup otherwise closes the database connection around every task;
# telephone_site.celery recycles only stale or broken ones instead.
CELERY_DB_REUSE_MAX = env_int("CELERY_DB_REUSE_MAX", 1000)
CELERY_TASK_SOFT_TIME_LIMIT = TELEPHONE_TASK_SOFT_TIME_LIMIT
CELERY_TASK_TIME_LIMIT = TELEPHONE_TASK_TIME_LIMIT
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BEAT_SCHEDULE = {
    "reconcile-stalled-chains": {"task": "chains.tasks.reconcile_chains", "schedule": TELEPHONE_RECONCILE_SECONDS}
}
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
