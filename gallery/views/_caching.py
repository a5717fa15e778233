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
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers
from django.utils.text import compress_string

from chains.cache import VERSION_UNAVAILABLE

from ..lru import BoundedLRU

LOCAL_PAGES = 256
ACCEPTS_GZIP = re.compile(r"\bgzip\b")
# What a shared page depends on besides its URL: htmx asks for a part of it, the copy sent
# is gzipped or not, and a cookie may mean a member (who is never sent the shared copy).
SHARED_PAGE_VARY = ("HX-Request", "Accept-Encoding", "Cookie")


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
    if _may_share(request) and VERSION_UNAVAILABLE not in version_key.split(":"):
        response = _cached_or_built(request, version_key, build)
    else:
        response = build()
    patch_vary_headers(response, SHARED_PAGE_VARY)
    return response


def _may_share(request: HttpRequest) -> bool:
    """Whether this visitor gets the page everyone shares: anonymous, no toast waiting.

    Without a session or messages cookie both are known from the cookies alone, so most
    anonymous hits never load the user or the messages (a third of a hit's own cost)."""
    cookies = request.COOKIES
    if settings.SESSION_COOKIE_NAME not in cookies and CookieStorage.cookie_name not in cookies:
        return True
    return not request.user.is_authenticated and not _has_messages(request)


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


def _accepts_gzip(request: HttpRequest) -> bool:
    # META rather than request.headers: building that mapping costs more than this whole check.
    return bool(ACCEPTS_GZIP.search(request.META.get("HTTP_ACCEPT_ENCODING", "")))


def _send_compressed(request, response: HttpResponse, gzipped: bytes) -> None:
    """The copy just compressed for the cache goes out as it is, as a hit's would:
    GZipMiddleware (which leaves an encoded response alone) would compress the page a
    second time, 3.7 ms for a 150-step album."""
    if _accepts_gzip(request):
        response.content = gzipped
        response["Content-Encoding"] = "gzip"


def _from_page(request, page) -> HttpResponse:
    content, content_type, gzipped = page
    if not _accepts_gzip(request):
        return HttpResponse(content, content_type=content_type)
    response = HttpResponse(gzipped, content_type=content_type)
    response["Content-Encoding"] = "gzip"
    return response


def _page_key(request: HttpRequest, version_key: str) -> str:
    """The version, the htmx part asked for, and the URL: path and raw query string."""
    meta = request.META
    is_htmx = "1" if meta.get("HTTP_HX_REQUEST") == "true" else "0"
    target = meta.get("HTTP_HX_TARGET", "")
    url = f"{request.path}?{meta.get('QUERY_STRING', '')}"
    path = hashlib.blake2b(url.encode(), digest_size=12).hexdigest()
    return f"page:{version_key}:{is_htmx}:{target}:{path}"
