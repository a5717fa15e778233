"""Retry-After for allauth's refusals: how long until the rate that refused lets one through.

allauth keeps, per rate, the timestamps of recent attempts (newest first) and refuses
while a window already holds `amount` of them. It answers 429 without saying how
long to wait, so this reads the same history and works it out: the refusing rate
frees a slot when the `amount`-th newest attempt leaves its window. A rate whose key
is not known here (a per-key rate asked about without the key) counts as its whole
window, which is never too short.

It reads allauth's internal rate-limit helpers (`get_rates`, `get_cache_key`); the
version is pinned in requirements.txt and tests/accounts/test_rate_limits.py checks
the figures against real refusals, so an upgrade that changes them fails loudly.
"""

from __future__ import annotations

import math
import time

from allauth.core.internal import ratelimit as allauth_ratelimit
from django.core.cache import cache
from django.http import HttpRequest

ALLAUTH_ACCOUNT = "allauth.account"
FALLBACK_SECONDS = 60

# Which allauth action guards each of its views (for 429s raised by its decorators).
ACTION_OF_VIEW = {
    "account_login": "login",
    "account_signup": "signup",
    "account_reset_password": "reset_password",
    "account_reset_password_from_key": "reset_password_from_key",
    "account_change_password": "change_password",
    "account_email": "manage_email",
    "account_reauthenticate": "reauthenticate",
}


def seconds_until_allowed(request: HttpRequest, *, action: str, key: str | None = None) -> int:
    """Whole seconds (at least 1) until `action` would be allowed again for this request."""
    now = time.time()
    waits: list[float] = []
    unknown: list[float] = []
    for rate in allauth_ratelimit.get_rates(app=ALLAUTH_ACCOUNT, action=action):
        if (rate.per == "key" and key is None) or (rate.per == "user" and not request.user.is_authenticated):
            unknown.append(rate.duration)
            continue
        cache_key = allauth_ratelimit.get_cache_key(request, app=ALLAUTH_ACCOUNT, action=action, rate=rate, key=key)
        recent = [stamp for stamp in cache.get(cache_key, []) if stamp > now - rate.duration]
        if len(recent) >= rate.amount:
            waits.append(recent[rate.amount - 1] + rate.duration - now)
    wait = max(waits) if waits else max(unknown, default=FALLBACK_SECONDS)
    return max(1, math.ceil(wait))


def refused_action(request: HttpRequest) -> tuple[str | None, str | None]:
    """The action (and key, when the request carries it) behind a 429 on this view."""
    match = request.resolver_match
    action = ACTION_OF_VIEW.get(match.url_name if match else "")
    key = None
    if action == "reset_password":
        key = (request.POST.get("email") or "").strip().lower() or None
    return action, key


def wait_text(seconds: int) -> str:
    """Retry-After in words, rounded up so people never come back too early."""
    if seconds < 60:
        return _count(seconds, "second")
    minutes = math.ceil(seconds / 60)
    if minutes < 90:
        return _count(minutes, "minute")
    return _count(math.ceil(minutes / 60), "hour")


def _count(number: int, unit: str) -> str:
    return f"{number} {unit}" if number == 1 else f"{number} {unit}s"
