"""`{% load share %}`: absolute URLs for social previews, whatever the storage.

Local media has site-relative URLs ("/media/…"), S3 gives absolute ones already
("https://bucket…"); Open Graph wants absolute. Prefixing the site blindly breaks the
S3 case, so the request builds only what is relative.
"""

from __future__ import annotations

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def absolute_url(context, url) -> str:
    url = str(url or "")
    request = context.get("request")
    if not url or url.startswith(("http://", "https://")) or request is None:
        return url
    return request.build_absolute_uri(url)
