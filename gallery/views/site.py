"""What browsers ask every site for: /favicon.ico and the web app manifest.

Both point at the icon set in static/icons/ (drawn by `manage.py draw_icons`), through
`static()`, so hashed file names in production are followed.
"""

from __future__ import annotations

from django.http import JsonResponse
from django.shortcuts import redirect
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

SITE_NAME = "Image Telephone"
SITE_DESCRIPTION = "Watch a vision model and an image model play telephone, one picture at a time."
THEME_COLOUR = "#c2461c"
BACKGROUND_COLOUR = "#faf7f2"
DAY = 24 * 60 * 60


@require_safe
@cache_control(public=True, max_age=DAY)
def favicon(request):
    """Browsers and crawlers ask for /favicon.ico whatever the page says."""
    return redirect(static("icons/favicon.ico"), permanent=True)


@require_safe
@cache_control(public=True, max_age=DAY)
def web_manifest(request):
    icons = [
        {"src": static("icons/icon-192.png"), "sizes": "192x192", "type": "image/png"},
        {"src": static("icons/icon-512.png"), "sizes": "512x512", "type": "image/png"},
        {"src": static("icons/icon-maskable-512.png"), "sizes": "512x512", "type": "image/png", "purpose": "maskable"},
        {"src": static("icons/icon.svg"), "sizes": "any", "type": "image/svg+xml"},
    ]
    manifest = {
        "name": SITE_NAME,
        "short_name": "Telephone",
        "description": SITE_DESCRIPTION,
        "start_url": reverse("gallery:home"),
        "scope": "/",
        "display": "standalone",
        "theme_color": THEME_COLOUR,
        "background_color": BACKGROUND_COLOUR,
        "icons": icons,
    }
    return JsonResponse(manifest, content_type="application/manifest+json")
