"""Django's Redis cache, made to degrade instead of fail while Redis is unreachable.

Everything this site keeps in the cache is disposable: rendered pages for anonymous
visitors, content version counters that key them, and rate-limit counters. Losing
them for a while costs speed (pages are rendered afresh) and strictness (rate limits
let attempts through), never data. So a Redis outage must not turn every request
into a 500: a read is a miss, a write is dropped, and a warning is logged at most
once per `WARN_EVERY_SECONDS` per process so the outage is visible but not a flood.

After a failure the backend stops trying for `RETRY_AFTER_SECONDS` (a small circuit
breaker): when Redis is black-holed rather than refusing connections, every call
would otherwise wait for the socket timeout.

Only connection-level errors are absorbed. Anything else (a wrong type stored under
a key, a bad command) is a bug and still raises.
"""

from __future__ import annotations

import logging
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

OUTAGE_ERRORS = (RedisConnectionError, RedisTimeoutError, OSError)
RETRY_AFTER_SECONDS = 2.0
WARN_EVERY_SECONDS = 30.0
CACHE_UNAVAILABLE = "cache unavailable, serving without it: %s"


class ReusingRedisCacheClient(RedisCacheClient):
    """One `redis.Redis` per connection pool, instead of a new one per call.

    Django builds a client on every operation; with redis-py 8 that costs more than
    the GET itself (measured: ~316 µs per cache.get against ~99 µs reused), and an
    anonymous page hit makes two. Clients are thread-safe and share the pool anyway.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients: dict[int, object] = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = self._client(connection_pool=self._get_connection_pool(write))
            self._clients[index] = client
        return client


class ResilientRedisCache(RedisCache):
    """RedisCache whose operations fall back to "miss" / "not stored" on an outage."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusingRedisCacheClient
        self._down_until = 0.0
        self._warned_at = float("-inf")

    # --- the breaker -----------------------------------------------------------------

    @property
    def available(self) -> bool:
        """False while the breaker is open; the health view reports it."""
        return time.monotonic() >= self._down_until

    def _guard(self, operation, fallback):
        if not self.available:
            return fallback()
        try:
            return operation()
        except OUTAGE_ERRORS as error:
            self._trip(error)
            return fallback()

    def _trip(self, error: Exception) -> None:
        now = time.monotonic()
        self._down_until = now + RETRY_AFTER_SECONDS
        if now - self._warned_at >= WARN_EVERY_SECONDS:
            self._warned_at = now
            logger.warning(CACHE_UNAVAILABLE, f"{type(error).__name__}: {error}")

    def ping(self) -> bool:
        """Ask Redis directly, bypassing the breaker (for health checks)."""
        try:
            return bool(self._cache.get_client(write=False).ping())
        except OUTAGE_ERRORS as error:
            self._trip(error)
            return False

    # --- reads: a miss ---------------------------------------------------------------

    def get(self, key, default=None, version=None):
        return self._guard(lambda: super(ResilientRedisCache, self).get(key, default, version), lambda: default)

    def get_many(self, keys, version=None):
        return self._guard(lambda: super(ResilientRedisCache, self).get_many(keys, version), dict)

    def has_key(self, key, version=None):
        return self._guard(lambda: super(ResilientRedisCache, self).has_key(key, version), lambda: False)

    # --- writes: dropped -------------------------------------------------------------

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        """During an outage, True: `add` is how locks are taken (allauth's rate limits
        take one per attempt), and a lock nobody can hold would refuse every log-in
        instead of letting attempts through. Nothing is stored either way."""
        return self._guard(lambda: super(ResilientRedisCache, self).add(key, value, timeout, version), lambda: True)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guard(lambda: super(ResilientRedisCache, self).set(key, value, timeout, version), lambda: None)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guard(
            lambda: super(ResilientRedisCache, self).set_many(data, timeout, version), lambda: list(data)
        )

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guard(lambda: super(ResilientRedisCache, self).touch(key, timeout, version), lambda: False)

    def delete(self, key, version=None):
        return self._guard(lambda: super(ResilientRedisCache, self).delete(key, version), lambda: False)

    def delete_many(self, keys, version=None):
        return self._guard(lambda: super(ResilientRedisCache, self).delete_many(keys, version), lambda: None)

    def clear(self):
        return self._guard(lambda: super(ResilientRedisCache, self).clear(), lambda: False)

    def incr(self, key, delta=1, version=None):
        """During an outage the key is "missing": callers already handle ValueError."""

        def missing():
            raise ValueError(f"Key '{key}' not found (cache unavailable)")

        return self._guard(lambda: super(ResilientRedisCache, self).incr(key, delta, version), missing)
