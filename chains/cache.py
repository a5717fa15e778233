"""Content versions that public page caches key on.

Any write that changes what visitors see bumps the public version and the chain's
own, so cached gallery and timeline pages are never served stale: their keys simply
stop matching. Versions live in the shared cache (a file cache by default, Redis in
production), so a bump made by a worker is seen by every web process.

The public version is read on every anonymous list page, so each process remembers
it for TELEPHONE_PUBLIC_VERSION_MEMO_SECONDS (default 1 s): a bump made elsewhere
shows within that second, one made in this process at once. That saves a Redis
round trip on every cache hit, a third of a hit's cost.

A running public chain's steps change its card (latest picture, caption, count), but
bumping the lists' version on every step of fifty running chains would empty every
list page's cache several times a second. So progress only marks the lists as behind
(`progress=True`), and the first reader of the version at least
TELEPHONE_LIST_DEBOUNCE_SECONDS after the earliest unflushed mark bumps it: lists are
re-rendered at most once per that period while chains run, and never lag longer.
The chain's own version (its timeline) still moves with every step. Anything else
(a chain started, finished, hidden, featured) bumps the lists at once.
"""

from __future__ import annotations

import threading
import time
from functools import partial

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

PUBLIC_KEY = "content-version:public"
# When (time.time()) the lists first fell behind a running chain's progress; absent: not behind.
BEHIND_KEY = "content-version:public:behind-since"
CHAIN_KEY = "content-version:chain:{chain_id}"
# Stars change one thing visitors see: the gallery sorted by most starred.
STARS_KEY = "content-version:stars"
# What a version read gives when the counter is missing: the cache was cleared or is
# unreachable (telephone_site.cache reads a Redis outage as a miss). Pages are then
# rendered afresh (gallery.views._caching), never served from a copy that might be stale.
VERSION_UNAVAILABLE = "unavailable"


def _bump(key: str) -> int:
    try:
        return cache.incr(key)
    except ValueError:
        cache.set(key, 1, timeout=None)
        return 1


class _Memo:
    """The last public version read by this process, and until when to trust it.

    `clock` is time.monotonic; tests hand it one they move by hand."""

    def __init__(self, clock=time.monotonic):
        self.value: int | str | None = None
        self.until = 0.0
        self.lock = threading.Lock()
        self.clock = clock

    def get(self):
        with self.lock:
            return self.value if self.clock() < self.until else None

    def put(self, value) -> None:
        with self.lock:
            self.value, self.until = value, self.clock() + settings.TELEPHONE_PUBLIC_VERSION_MEMO_SECONDS

    def forget(self) -> None:
        with self.lock:
            self.value, self.until = None, 0.0


public_version_memo = _Memo()
# Marks of running chains' progress are compared across processes: wall time, not monotonic.
# Tests hand the module a clock they move by hand.
wall_clock = time.time


def content_changed(*, chain_id: int | None = None, listed: bool = True, progress: bool = False) -> None:
    """Bump the versions now. Writes call `content_changed_on_commit` instead.

    `listed=False` when only the chain's own pages can have changed; `progress=True`
    when a running chain moved on: the lists then catch up within the debounce period."""
    if listed and progress and settings.TELEPHONE_LIST_DEBOUNCE_SECONDS > 0:
        cache.add(BEHIND_KEY, wall_clock(), timeout=None)  # keeps the earliest mark
    elif listed:
        _bump_lists()
    if chain_id is not None:
        _bump(CHAIN_KEY.format(chain_id=chain_id))


def _bump_lists() -> int:
    """The mark goes first: a progress marked after it was committed before this bump,
    so every page rendered under the new version already shows it."""
    cache.delete(BEHIND_KEY)
    version = _bump(PUBLIC_KEY)
    public_version_memo.forget()
    return version


def content_changed_on_commit(*, chain_id: int | None = None, listed: bool = True, progress: bool = False) -> None:
    """Visitors' cached pages go stale once the current transaction commits (at once
    outside one). Bumping earlier would let a request racing the write cache the old
    page under the new version, where it would stay."""
    transaction.on_commit(partial(content_changed, chain_id=chain_id, listed=listed, progress=progress))


def stars_changed_on_commit() -> None:
    """A star moved: only the "most starred" list is stale, never every page (issue 12:
    any member's star cleared the whole anonymous page cache)."""
    transaction.on_commit(partial(_bump, STARS_KEY))


def stars_version() -> int | str:
    return _read(STARS_KEY)


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
    values = cache.get_many([PUBLIC_KEY, BEHIND_KEY])  # one round trip for both
    version, behind_since = values.get(PUBLIC_KEY), values.get(BEHIND_KEY)
    if version is None:
        cache.add(PUBLIC_KEY, 1, timeout=None)  # counted from here on
        return VERSION_UNAVAILABLE
    if behind_since is not None and _catch_up_due(behind_since):
        version = _bump(PUBLIC_KEY)
    public_version_memo.put(version)
    return version


def _catch_up_due(behind_since: float) -> bool:
    """Only the reader whose delete removed the mark bumps: one bump per period, site-wide."""
    due = wall_clock() - behind_since >= settings.TELEPHONE_LIST_DEBOUNCE_SECONDS
    return due and bool(cache.delete(BEHIND_KEY))


def chain_version(*, chain_id: int) -> int | str:
    return _read(CHAIN_KEY.format(chain_id=chain_id))
