"""Whole-page caching for anonymous visitors, keyed on content versions.

Anonymous pages are the same for everyone, so they are rendered once per content
version and reused. HTMX fragments and full pages for the same URL differ, so the
key and the Vary header both include HX-Request. Logged-in visitors always get a
fresh page (it may show their own private chains or staff tools).

Two levels: a small in-process LRU (no network, no copy of 30 KB per hit) in front
of the shared cache (Redis in production), both keyed on the version, so a bump
anywhere makes every process's copies unreachable at once. A Redis outage only
costs speed (telephone_site.cache turns it into misses and an unknown version).
"""

from __future__ import annotations

import hashlib
import re
import time
from typing import Callable

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers
from django.utils.text import compress_string

from chains.cache import VERSION_UNAVAILABLE

from ..lru import BoundedLRU

LOCAL_PAGES = 256
ACCEPTS_GZIP = re.compile(r"\bgzip\b")


class _LocalPages:
    """Rendered pages for this process, each kept a short while.

    The key carries the content version, so a bump makes copies unreachable; the expiry
    (TELEPHONE_LOCAL_PAGE_CACHE_SECONDS) bounds how long a page can outlive a change
    that bumped nothing, or a bump lost with the cache (issue 12).
    """

    def __init__(self, size: int):
        self.entries = BoundedLRU(size)

    def get(self, key: str) -> tuple[bytes, str, bytes] | None:
        entry = self.entries.get(key)
        if entry is None:
            return None
        expires_at, page = entry
        if time.monotonic() >= expires_at:
            self.entries.discard(key)
            return None
        return page

    def put(self, key: str, page: tuple[bytes, str, bytes]) -> None:
        self.entries.put(key, (time.monotonic() + settings.TELEPHONE_LOCAL_PAGE_CACHE_SECONDS, page))

    def clear(self) -> None:
        self.entries.clear()


local_pages = _LocalPages(LOCAL_PAGES)


def anonymous_cached(request: HttpRequest, *, version_key: str, build: Callable[[], HttpResponse]) -> HttpResponse:
    if request.user.is_authenticated or VERSION_UNAVAILABLE in version_key.split(":") or _has_messages(request):
        response = build()
    else:
        response = _cached_or_built(request, version_key, build)
    patch_vary_headers(response, ("HX-Request",))
    return response


def _has_messages(request: HttpRequest) -> bool:
    """A page with a toast on it is this visitor's alone: never stored, never served from store.

    len() loads the pending messages without marking them shown; the page shows them."""
    return bool(len(get_messages(request)))


def _cached_or_built(request, version_key: str, build) -> HttpResponse:
    key = _page_key(request, version_key)
    page = local_pages.get(key)
    if page is None:
        page = cache.get(key)
        if page is not None:  # kept here from now; a copy served from here keeps its expiry
            local_pages.put(key, page)
    if page is not None:
        response = _from_page(request, page)
        response["X-Page-Cache"] = "hit"
        return response
    response = build()
    if response.status_code == 200 and not response.streaming:
        # Compressed once here rather than by GZipMiddleware on every hit.
        page = (response.content, response["Content-Type"], compress_string(response.content))
        local_pages.put(key, page)
        cache.set(key, page, timeout=settings.TELEPHONE_PAGE_CACHE_SECONDS)
        _send_compressed(request, response, page[2])
    return response


def _send_compressed(request, response: HttpResponse, gzipped: bytes) -> None:
    """The copy just compressed for the cache goes out as it is, as a hit's would:
    GZipMiddleware (which leaves an encoded response alone) would compress the page a
    second time, 3.7 ms for a 150-step album."""
    if ACCEPTS_GZIP.search(request.headers.get("Accept-Encoding", "")):
        response.content = gzipped
        response["Content-Encoding"] = "gzip"
    patch_vary_headers(response, ("Accept-Encoding",))


def _from_page(request, page) -> HttpResponse:
    content, content_type, gzipped = page
    if not ACCEPTS_GZIP.search(request.headers.get("Accept-Encoding", "")):
        response = HttpResponse(content, content_type=content_type)
    else:
        response = HttpResponse(gzipped, content_type=content_type)
        response["Content-Encoding"] = "gzip"
    patch_vary_headers(response, ("Accept-Encoding",))
    return response


def _page_key(request: HttpRequest, version_key: str) -> str:
    is_htmx = "1" if request.headers.get("HX-Request") == "true" else "0"
    target = request.headers.get("HX-Target", "")
    path = hashlib.blake2b(request.get_full_path().encode(), digest_size=12).hexdigest()
    return f"page:{version_key}:{is_htmx}:{target}:{path}"
