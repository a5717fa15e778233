"""Fixed-window rate limits kept in Django's cache, for the site's own actions.

Log-ins, sign-ups and password resets are limited by django-allauth
(settings.ACCOUNT_RATE_LIMITS); this is for everything else (uploads, reports,
renders). Nothing here knows about users or requests except `request_ip`.

    result = throttle_hit(scope="upload", key=str(user.pk), limit=10, window=3600)
    if not result.allowed:
        response = HttpResponse(status=429)
        response["Retry-After"] = str(result.retry_after)

Why the cache and not the database: counters are hot, short-lived and disposable; a
flushed cache only forgives a few attempts. With Redis (REDIS_URL) `incr` is atomic
across processes. The default file cache (and locmem in tests) increments by
get-then-set, so concurrent hits from several processes can undercount a little:
good enough on one machine, use Redis for a busy public site.

Windows are fixed, not sliding: two cache operations per hit, at the price of
allowing up to 2 × limit in a burst straddling a boundary. Each key's windows are
shifted by an offset derived from the key, so counters do not all reset in the same
second.

Keys are keyed hashes (HMAC with SECRET_KEY): someone reading the cache learns
neither usernames nor IP addresses, and any string is a valid cache key.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

from django.core.cache import cache
from django.http import HttpRequest
from django.utils.crypto import salted_hmac

# Tests pin this to make window boundaries deterministic.
clock = time.time


@dataclass(frozen=True)
class ThrottleResult:
    """Where a key stands in its current window.

    `retry_after` is the whole seconds until the window ends (at least 1), ready for
    a Retry-After header; it is meaningful whether or not the attempt was allowed.
    """

    allowed: bool
    count: int
    limit: int
    retry_after: int


def throttle_hit(*, scope: str, key: str, limit: int, window: int) -> ThrottleResult:
    """Count one attempt; allowed while the window holds at most `limit` attempts.

    Counts refused attempts too, so hammering a limit does not wear it down.
    """
    cache_key, retry_after = _window(scope=scope, key=key, window=window)
    ttl = retry_after + 1
    cache.add(cache_key, 0, timeout=ttl)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired or evicted between add and incr
        cache.set(cache_key, 1, timeout=ttl)
        count = 1
    # Backends without a native incr (file, database) re-set the key with the default
    # timeout; put the window's own expiry back.
    cache.touch(cache_key, ttl)
    return ThrottleResult(allowed=count <= limit, count=count, limit=limit, retry_after=retry_after)


def request_ip(request: HttpRequest) -> str:
    """The client address: REMOTE_ADDR, which telephone_site.proxy has already set from
    a trusted proxy's X-Forwarded-For (and left alone for anyone else)."""
    return request.META.get("REMOTE_ADDR") or "unknown"


def _window(*, scope: str, key: str, window: int) -> tuple[str, int]:
    """The cache key of the current window for `key`, and seconds until it ends."""
    if window < 1:
        raise ValueError("A throttle window must be at least one second.")
    digest = salted_hmac("accounts.throttle", f"{scope}\0{key}").hexdigest()
    offset = int(digest[:8], 16) % window
    shifted = clock() + offset
    bucket = int(shifted // window)
    retry_after = max(1, math.ceil(window - shifted % window))
    return f"throttle:{scope}:{bucket}:{digest[:40]}", retry_after
