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


def _bump(key: str) -> None:
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, 1, timeout=None)


def content_changed(*, chain_id: int | None = None) -> None:
    _bump(PUBLIC_KEY)
    if chain_id is not None:
        _bump(CHAIN_KEY.format(chain_id=chain_id))


def public_version() -> int:
    return cache.get(PUBLIC_KEY, 0)


def chain_version(*, chain_id: int) -> int:
    return cache.get(CHAIN_KEY.format(chain_id=chain_id), 0)
