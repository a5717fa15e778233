"""Account writes: creating users and the log-in throttle's bookkeeping.

The log-in policy: failures are counted per account and per client IP in fixed
windows (LOGIN_THROTTLE_* settings); once either count reaches its limit, further
attempts are refused before the password is looked at, so guessing stops paying
off. A successful log-in clears the account's counter, not the IP's, so one good
password cannot launder a spraying run across many accounts.

Anyone can lock an account for one window by failing on purpose; the password
reset still works, and the window is short. That trade is the usual one.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser

from .throttle import ThrottleResult, throttle_check, throttle_hit, throttle_reset

LOGIN_ACCOUNT_SCOPE = "login-account"
LOGIN_IP_SCOPE = "login-ip"


def user_sign_up(*, username: str, email: str, password: str) -> AbstractBaseUser:
    """Create an ordinary (non-staff) user; the form has already validated everything."""
    return get_user_model().objects.create_user(username=username, email=email, password=password)


def login_throttle_check(*, ip: str, username: str) -> ThrottleResult | None:
    """The refusal that applies to this attempt, or None if it may go ahead.

    When both limits are hit, the longer wait wins, so Retry-After is honest.
    """
    window = settings.LOGIN_THROTTLE_WINDOW_SECONDS
    results = [throttle_check(scope=LOGIN_IP_SCOPE, key=ip,
                              limit=settings.LOGIN_THROTTLE_IP_LIMIT, window=window)]
    if username:
        results.append(throttle_check(scope=LOGIN_ACCOUNT_SCOPE, key=_account_key(username),
                                      limit=settings.LOGIN_THROTTLE_ACCOUNT_LIMIT, window=window))
    refusals = [result for result in results if not result.allowed]
    return max(refusals, key=lambda result: result.retry_after) if refusals else None


def login_failure_record(*, ip: str, username: str) -> None:
    window = settings.LOGIN_THROTTLE_WINDOW_SECONDS
    throttle_hit(scope=LOGIN_IP_SCOPE, key=ip, limit=settings.LOGIN_THROTTLE_IP_LIMIT, window=window)
    if username:
        throttle_hit(scope=LOGIN_ACCOUNT_SCOPE, key=_account_key(username),
                     limit=settings.LOGIN_THROTTLE_ACCOUNT_LIMIT, window=window)


def login_success_record(*, username: str) -> None:
    throttle_reset(scope=LOGIN_ACCOUNT_SCOPE, key=_account_key(username),
                   window=settings.LOGIN_THROTTLE_WINDOW_SECONDS)


def _account_key(username: str) -> str:
    """Case-folded, so "Alice" and "alice" share one budget whatever the database collation."""
    return username.strip().casefold()
