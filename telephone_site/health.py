"""`/healthz`: can this web process do its job right now? 200 if so, 503 if not.

A load balancer or systemd watchdog polls it, so it must be cheap, quick and honest:
each dependency a request may need is touched for real (a query, a broker
connection, a storage call), with short timeouts, and the answer names the one that
failed without leaking addresses or credentials. The cache is reported but never
fails the check: the site serves without it (telephone_site/cache.py).

The view is exempt from the HTTPS redirect (SECURE_REDIRECT_EXEMPT) so a probe can
speak plain HTTP to gunicorn, and it is never cached.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Callable

from django.conf import settings
from django.core.cache import cache
from django.core.files.storage import FileSystemStorage, storages
from django.db import connections
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

BROKER_TIMEOUT_SECONDS = 2.0
STORAGE_UNWRITABLE = "not writable"
BROKER_FOLDER_MISSING = "queue folder missing"
SCREENING_OFF_STATE = "off: TELEPHONE_MODERATOR=none, nothing is screened"


class CheckFailed(Exception):
    """A dependency answered, but not well enough to serve."""


# --- the checks -----------------------------------------------------------------------


def check_database() -> None:
    connection = connections["default"]
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        # A broken connection must not be reused by the next request in this thread.
        connection.close()
        raise


def check_broker() -> None:
    url = settings.CELERY_BROKER_URL
    if url.startswith("filesystem"):
        folder = Path(settings.CELERY_BROKER_TRANSPORT_OPTIONS.get("data_folder_in", ""))
        if not folder.is_dir() or not os.access(folder, os.W_OK):
            raise CheckFailed(BROKER_FOLDER_MISSING)
        return
    from kombu import Connection

    options = {"socket_connect_timeout": BROKER_TIMEOUT_SECONDS, "socket_timeout": BROKER_TIMEOUT_SECONDS}
    with Connection(url, connect_timeout=BROKER_TIMEOUT_SECONDS, transport_options=options) as conn:
        conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=BROKER_TIMEOUT_SECONDS)
        _ = conn.default_channel  # opening it makes the Redis transport ping its server


def check_storage() -> None:
    """Media storage (and pending submissions' private storage) must accept files."""
    for alias in _media_storage_aliases():
        storage = storages[alias]
        if isinstance(storage, FileSystemStorage):
            _check_folder(Path(storage.location))
        elif hasattr(storage, "bucket_name"):
            # S3: unreachable endpoints, bad credentials and a missing bucket all raise.
            storage.connection.meta.client.head_bucket(Bucket=storage.bucket_name)
        else:
            storage.exists(".healthz")  # another remote backend: any call that must reach it


def _media_storage_aliases() -> list[str]:
    return [alias for alias in ("default", "private") if alias in settings.STORAGES]


def _check_folder(folder: Path) -> None:
    """The folder, or the nearest parent that exists (storage creates the rest), is writable."""
    existing = folder
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir() or not os.access(existing, os.W_OK):
        raise CheckFailed(STORAGE_UNWRITABLE)


def cache_state() -> str:
    """ "ok", or "degraded" while Redis is unreachable; never fails the check."""
    ping = getattr(cache, "ping", None)
    if ping is None:
        return "ok"
    return "ok" if ping() else "degraded"


CHECKS: dict[str, Callable[[], None]] = {"database": check_database, "broker": check_broker, "storage": check_storage}


# --- the view -------------------------------------------------------------------------


def run_check(check: Callable[[], None]) -> dict:
    started = time.perf_counter()
    try:
        check()
    except Exception as error:  # noqa: BLE001 - any failure of a dependency is a 503, never a 500
        return {"ok": False, "error": _describe(error), "ms": _ms(started)}
    return {"ok": True, "ms": _ms(started)}


def _describe(error: Exception) -> str:
    """The kind of failure, not its message: messages can carry hosts and credentials."""
    if isinstance(error, CheckFailed):
        return str(error)
    return type(error).__name__


def _ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 1)


def screening_state() -> str:
    """Reported, never failing: TELEPHONE_MODERATOR=none is a choice, but one to see."""
    from chains.providers import screening_enabled

    return "on" if screening_enabled() else SCREENING_OFF_STATE


@never_cache
@require_safe
def healthz(request):
    results = {name: run_check(check) for name, check in CHECKS.items()}
    healthy = all(result["ok"] for result in results.values())
    body = {
        "status": "ok" if healthy else "unavailable",
        "checks": results,
        "cache": cache_state(),
        "screening": screening_state(),
    }
    return JsonResponse(body, status=200 if healthy else 503)
