"""The site's choices inside django-allauth's account flows.

allauth does sign-up, e-mail verification, log-in, password change and reset and
their rate limits (its messages show as the site's toasts); this adapter only bends
three things to the site:

- failed log-ins are counted per client IP *and* account, never per account alone,
  so a stranger guessing cannot lock the owner out (settings.ACCOUNT_RATE_LIMITS);
- the client IP is REMOTE_ADDR, which telephone_site.proxy has already set from a
  trusted proxy's X-Forwarded-For (allauth's own header reading stays off);
- after a password change, a page that says so (the old accounts had one).
"""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest
from django.urls import reverse

from .throttle import request_ip


class AccountAdapter(DefaultAccountAdapter):
    def get_client_ip(self, request: HttpRequest) -> str:
        """The one rule for the client address, shared with the site's own throttles."""
        return request_ip(request)

    def _get_login_attempts_cache_key(self, request: HttpRequest, **credentials: Any) -> str:
        """The `key` of the login_failed rate: the login *and* the client address.

        allauth keys it on the login alone, which lets anyone lock any account by
        failing on purpose. With the address in the key, the owner logging in from
        elsewhere is never refused; guessing from many addresses is still bounded by
        the per-IP rate, and each address gets the growing tiers of waits.
        """
        login_key = super()._get_login_attempts_cache_key(request, **credentials)
        return f"{login_key}:{self.get_client_ip(request)}"

    def get_password_change_redirect_url(self, request: HttpRequest) -> str:
        return reverse("accounts:password_change_done")
