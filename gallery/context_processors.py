"""Values every template may need, whichever view rendered it."""

from __future__ import annotations

from django.conf import settings
from django.shortcuts import resolve_url


def site(request) -> dict:
    """`login_url`: the site's own log-in page (settings.LOGIN_URL), never the admin's."""
    return {"login_url": resolve_url(settings.LOGIN_URL)}
