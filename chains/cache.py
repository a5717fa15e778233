"""Content versions that public page caches key on.

Any write that changes what visitors see bumps the public version and the chain's
own, so cached gallery and timeline pages are never served stale: their keys simply
stop matching. Versions live in the shared cache (a file cache by default, Redis in
production), so a bump made by a worker is seen by every web process.
"""

from __future__ import annotations

from django.core.cache import cache

PUBLIC_KEY = "content-version:public"
CHAIN_KEY = "content-version:chain:{chain_id}"
# What a version read gives when the counter is missing: the cache was cleared or is
# unreachable (telephone_site.cache reads a Redis outage as a miss). Pages are then
# rendered afresh (gallery.caching), never served from a copy that might be stale.
VERSION_UNAVAILABLE = "unavailable"


def _bump(key: str) -> None:
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, 1, timeout=None)


def content_changed(*, chain_id: int | None = None, listed: bool = True) -> None:
    """`listed=False` when only the chain's own pages can have changed."""
    if listed:
        _bump(PUBLIC_KEY)
    if chain_id is not None:
        _bump(CHAIN_KEY.format(chain_id=chain_id))


def _read(key: str) -> int | str:
    version = cache.get(key)
    if version is None:
        cache.add(key, 1, timeout=None)  # counted from here on
        return VERSION_UNAVAILABLE
    return version


def public_version() -> int | str:
    return _read(PUBLIC_KEY)


def chain_version(*, chain_id: int) -> int | str:
    return _read(CHAIN_KEY.format(chain_id=chain_id))
