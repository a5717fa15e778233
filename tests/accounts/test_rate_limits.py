"""Rate limits on log-in, sign-up and password reset (allauth's, configured in settings),
answered with 429 and an honest Retry-After; and the rule that a stranger's wrong
passwords never lock the owner out."""

from __future__ import annotations

import pytest
from django.utils.html import escape

from accounts.ratelimits import wait_text
from accounts.views import LOGIN_THROTTLED, TOO_MANY
from tests.factories import MEMBER_PASSWORD as PASSWORD

pytestmark = pytest.mark.django_db

STRANGER = "203.0.113.5"
OWNER = "198.51.100.7"


def attempt(client, login="ada", password="wrong password", ip=STRANGER):
    return client.post("/accounts/login/", {"login": login, "password": password}, REMOTE_ADDR=ip)


def test_a_stranger_failing_on_purpose_never_locks_the_owner_out(client, member):
    """allauth's default keys failures on the login alone: 5 wrong passwords from
    anywhere would refuse the owner too. Here they are keyed on address + login."""
    for _ in range(30):
        attempt(client)
    assert attempt(client, password=PASSWORD, ip=OWNER).status_code == 302


def test_five_failures_from_one_address_refuse_that_address_with_429_and_retry_after(client, member):
    for _ in range(5):
        assert attempt(client).status_code == 200
    response = attempt(client, password=PASSWORD)
    assert response.status_code == 429
    retry_after = int(response["Retry-After"])
    assert retry_after == 300, "5 failures within 5 minutes, all at the same instant"
    assert response.context["form"].non_field_errors() == [LOGIN_THROTTLED.format(wait=wait_text(retry_after))]
    assert "Too many failed attempts to log in from here" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_refused_attempt_never_reaches_the_password_check(client, member, monkeypatch):
    for _ in range(5):
        attempt(client)
    import django.contrib.auth as auth

    def fail(*args, **kwargs):
        raise AssertionError("authenticate() must not run for a throttled attempt")

    monkeypatch.setattr(auth, "authenticate", fail)
    monkeypatch.setattr("allauth.account.adapter.authenticate", fail)
    assert attempt(client, password=PASSWORD).status_code == 429


def test_the_wait_grows_while_guessing_goes_on(client, member, clock):
    """Tiers of 5 in 5 minutes, 10 in 30 minutes and 20 in 6 hours: a guesser who comes
    back the moment Retry-After allows gets 20 tries, then waits hours."""
    waits, failures = [], 0
    while not waits or waits[-1] <= 1800:
        response = attempt(client)
        if response.status_code == 429:
            waits.append(int(response["Retry-After"]))
            clock.advance(waits[-1])
        else:
            failures += 1
    assert failures == 20
    assert waits[:2] == [300, 1500] and max(waits[:-1]) <= 1800
    assert waits[-1] > 5 * 3600


def test_the_refusal_lifts_when_retry_after_has_passed(client, member, clock):
    for _ in range(5):
        attempt(client)
    refused = attempt(client, password=PASSWORD)
    clock.advance(int(refused["Retry-After"]))
    assert attempt(client, password=PASSWORD).status_code == 302


def test_the_refusal_follows_the_account_whatever_the_letter_case(client, member):
    for _ in range(5):
        attempt(client, login="ADA")
    assert attempt(client, login="ada", password=PASSWORD).status_code == 429


def test_twenty_failures_across_accounts_from_one_address_refuse_only_that_address(client, member):
    for number in range(20):
        assert attempt(client, login=f"guess{number}").status_code == 200
    assert attempt(client, password=PASSWORD).status_code == 429
    assert attempt(client, password=PASSWORD, ip=OWNER).status_code == 302, "another address is not punished"


def test_a_success_does_not_wipe_the_failures_of_its_address(client, member):
    """Otherwise a guesser could mix in logins to an account of their own."""
    from tests.factories import make_member

    make_member("spare", password=PASSWORD)
    for number in range(19):
        attempt(client, login=f"guess{number}")
    assert attempt(client, login="spare", password=PASSWORD).status_code == 302
    client.logout()
    attempt(client, login="guess-last")
    assert attempt(client, password=PASSWORD).status_code == 429


def test_every_log_in_post_is_limited_per_address(client, member):
    """30 a minute, right or wrong; the 31st gets the site's 429 page with Retry-After."""
    for number in range(30):
        client.post("/accounts/login/", {"login": f"user{number}", "password": "x"}, REMOTE_ADDR="192.0.2.50")
    response = client.post("/accounts/login/", {"login": "ada", "password": PASSWORD}, REMOTE_ADDR="192.0.2.50")
    assert response.status_code == 429 and response["Retry-After"] == "60"
    assert escape(TOO_MANY.format(wait="1 minute")) in response.content.decode()


def test_the_limits_come_from_settings(client, member, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login_failed": "10/m/ip,2/5m/key"}
    attempt(client)
    attempt(client)
    assert attempt(client, password=PASSWORD).status_code == 429


# --- sign-up and password reset ----------------------------------------------------------


def sign_up(client, number: int, ip: str = STRANGER):
    return client.post(
        "/accounts/signup/",
        {
            "username": f"new{number}",
            "email": f"new{number}@example.org",
            "password1": "a long and unusual passphrase",
            "password2": "a long and unusual passphrase",
        },
        REMOTE_ADDR=ip,
    )


def test_sign_ups_are_limited_per_address(client, mailoutbox):
    for number in range(5):
        assert sign_up(client, number).status_code == 302
    refused = sign_up(client, 99)
    assert refused.status_code == 429 and refused["Retry-After"] == "60"
    assert sign_up(client, 100, ip=OWNER).status_code == 302


def reset(client, email="ada@example.org", ip=STRANGER):
    return client.post("/accounts/password/reset/", {"email": email}, REMOTE_ADDR=ip)


def test_password_resets_are_limited_per_address_asked_for(client, member, mailoutbox, clock):
    """Reset mails cannot be used to flood someone's inbox, from any number of IPs."""
    for number in range(3):
        assert reset(client, ip=f"192.0.2.{number}").status_code == 302
        clock.advance(1)
    refused = reset(client, ip="192.0.2.200")
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) == 3600 - 3
    assert len(mailoutbox) == 3


def test_password_resets_are_limited_per_client_address(client, member, mailoutbox):
    for number in range(5):
        assert reset(client, email=f"someone{number}@example.org").status_code == 302
    refused = reset(client, email="someone-else@example.org")
    assert refused.status_code == 429 and refused["Retry-After"] == "60"
    assert reset(client, ip=OWNER).status_code == 302
