"""Whole-page caching for anonymous visitors, keyed on content versions.

Anonymous pages are the same for everyone, so they are rendered once per content
version and reused. HTMX fragments and full pages for the same URL differ, so the
key and the Vary header both include HX-Request. Logged-in visitors always get a
fresh page (it may show their own private chains or staff tools).
"""

from __future__ import annotations

import hashlib
from typing import Callable

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers


def anonymous_cached(
    request: HttpRequest, *, version_key: str, build: Callable[[], HttpResponse]
) -> HttpResponse:
    if request.user.is_authenticated:
        response = build()
    else:
        key = _page_key(request, version_key)
        cached = cache.get(key)
        if cached is not None:
            response = HttpResponse(cached["content"], content_type=cached["content_type"])
            response["X-Page-Cache"] = "hit"
        else:
            response = build()
            if response.status_code == 200 and not response.streaming:
                cache.set(key, {"content": response.content, "content_type": response["Content-Type"]},
                          timeout=settings.TELEPHONE_PAGE_CACHE_SECONDS)
    patch_vary_headers(response, ("HX-Request",))
    return response


def _page_key(request: HttpRequest, version_key: str) -> str:
    is_htmx = "1" if request.headers.get("HX-Request") == "true" else "0"
    target = request.headers.get("HX-Target", "")
    path = hashlib.blake2b(request.get_full_path().encode(), digest_size=12).hexdigest()
    return f"page:{version_key}:{is_htmx}:{target}:{path}"
