"""Django messages for htmx requests.

A full page shows pending messages as toasts (templates/base.html). An htmx request
swaps in a fragment that has no place for them, so they would wait, unseen, for the
next full page and show up there out of context. Instead, this middleware hands them
to the browser in the `HX-Trigger` header, as a `messages` event that
static/js/toasts.js turns into toasts at once.
"""

from __future__ import annotations

from django.contrib.messages import get_messages
from django_htmx.http import trigger_client_event

MESSAGES_EVENT = "messages"
REDIRECT_HEADERS = ("HX-Redirect", "HX-Location", "Location")


class HtmxMessagesMiddleware:
    """Must sit below MessageMiddleware and HtmxMiddleware in settings.MIDDLEWARE."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if getattr(request, "htmx", False) and not _leaves_the_page(response):
            items = [
                {"level": message.level_tag or "info", "message": str(message)} for message in get_messages(request)
            ]
            if items:
                trigger_client_event(response, MESSAGES_EVENT, {"items": items})
        return response


def _leaves_the_page(response) -> bool:
    """The browser is about to load another page, which renders the messages itself."""
    return any(header in response for header in REDIRECT_HEADERS)
