"""Content versions that public page caches key on.

Any write that changes what visitors see bumps the public version and the chain's
own, so cached gallery and timeline pages are never served stale: their keys simply
stop matching. Versions live in the shared cache (a file cache by default, Redis in
production), so a bump made by a worker is seen by every web process.

The public version is read on every anonymous list page, so each process remembers
it for TELEPHONE_PUBLIC_VERSION_MEMO_SECONDS (default 1 s): a bump made elsewhere
shows within that second, one made in this process at once. That saves a Redis
round trip on every cache hit, a third of a hit's cost.
"""

from __future__ import annotations

import threading
import time
from functools import partial

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

PUBLIC_KEY = "content-version:public"
CHAIN_KEY = "content-version:chain:{chain_id}"
# What a version read gives when the counter is missing: the cache was cleared or is
# unreachable (telephone_site.cache reads a Redis outage as a miss). Pages are then
# rendered afresh (gallery.views._caching), never served from a copy that might be stale.
VERSION_UNAVAILABLE = "unavailable"


def _bump(key: str) -> None:
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, 1, timeout=None)


class _Memo:
    """The last public version read by this process, and until when to trust it."""

    def __init__(self):
        self.value: int | str | None = None
        self.until = 0.0
        self.lock = threading.Lock()

    def get(self):
        with self.lock:
            return self.value if time.monotonic() < self.until else None

    def put(self, value) -> None:
        with self.lock:
            self.value, self.until = value, time.monotonic() + settings.TELEPHONE_PUBLIC_VERSION_MEMO_SECONDS

    def forget(self) -> None:
        with self.lock:
            self.value, self.until = None, 0.0


public_version_memo = _Memo()


def content_changed(*, chain_id: int | None = None, listed: bool = True) -> None:
    """Bump the versions now. Writes call `content_changed_on_commit` instead.

    `listed=False` when only the chain's own pages can have changed."""
    if listed:
        _bump(PUBLIC_KEY)
        public_version_memo.forget()
    if chain_id is not None:
        _bump(CHAIN_KEY.format(chain_id=chain_id))


def content_changed_on_commit(*, chain_id: int | None = None, listed: bool = True) -> None:
    """Visitors' cached pages go stale once the current transaction commits (at once
    outside one). Bumping earlier would let a request racing the write cache the old
    page under the new version, where it would stay."""
    transaction.on_commit(partial(content_changed, chain_id=chain_id, listed=listed))


def _read(key: str) -> int | str:
    version = cache.get(key)
    if version is None:
        cache.add(key, 1, timeout=None)  # counted from here on
        return VERSION_UNAVAILABLE
    return version


def public_version() -> int | str:
    remembered = public_version_memo.get()
    if remembered is not None:
        return remembered
    version = _read(PUBLIC_KEY)
    if version != VERSION_UNAVAILABLE:
        public_version_memo.put(version)
    return version


def chain_version(*, chain_id: int) -> int | str:
    return _read(CHAIN_KEY.format(chain_id=chain_id))
