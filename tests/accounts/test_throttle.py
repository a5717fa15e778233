"""The generic throttle, and log-in throttling per account and per IP."""

from __future__ import annotations

import time

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache

from accounts.forms import LOGIN_THROTTLED, wait_text
from accounts.throttle import throttle_check, throttle_hit, throttle_reset

from .conftest import PASSWORD

# --- the generic API ---------------------------------------------------------------------


def test_hit_allows_up_to_the_limit_then_refuses():
    results = [throttle_hit(scope="upload", key="7", limit=3, window=60) for _ in range(4)]
    assert [result.allowed for result in results] == [True, True, True, False]
    assert [result.count for result in results] == [1, 2, 3, 4]
    assert all(1 <= result.retry_after <= 60 for result in results)


def test_check_counts_nothing_and_says_whether_one_more_fits():
    assert throttle_check(scope="s", key="k", limit=2, window=60).allowed
    throttle_hit(scope="s", key="k", limit=2, window=60)
    throttle_hit(scope="s", key="k", limit=2, window=60)
    refused = throttle_check(scope="s", key="k", limit=2, window=60)
    assert not refused.allowed and refused.count == 2
    assert throttle_check(scope="s", key="k", limit=2, window=60).count == 2


def test_scopes_and_keys_are_counted_apart():
    throttle_hit(scope="a", key="k", limit=1, window=60)
    assert throttle_hit(scope="b", key="k", limit=1, window=60).allowed
    assert throttle_hit(scope="a", key="other", limit=1, window=60).allowed


def test_reset_forgets_the_window():
    for _ in range(3):
        throttle_hit(scope="s", key="k", limit=2, window=60)
    throttle_reset(scope="s", key="k", window=60)
    assert throttle_check(scope="s", key="k", limit=2, window=60).allowed


def test_a_new_window_starts_fresh_after_retry_after(clock):
    for _ in range(3):
        last = throttle_hit(scope="s", key="k", limit=2, window=60)
    assert not last.allowed
    clock.advance(last.retry_after)
    assert throttle_hit(scope="s", key="k", limit=2, window=60).count == 1


def test_keys_are_hashed_so_the_cache_never_holds_a_username():
    throttle_hit(scope="login-account", key="secret-username", limit=5, window=60)
    keys = list(cache._cache.keys())  # locmem in tests
    assert keys and not any("secret-username" in key for key in keys)


def test_a_zero_window_is_a_programming_error():
    with pytest.raises(ValueError):
        throttle_hit(scope="s", key="k", limit=1, window=0)


@pytest.mark.parametrize("seconds, text", [(1, "a minute"), (60, "a minute"), (61, "2 minutes"), (900, "15 minutes")])
def test_wait_text_rounds_up(seconds, text):
    assert wait_text(seconds) == text


# --- log-in ----------------------------------------------------------------------------------


def attempt(client, username="ada", password="wrong password", ip="203.0.113.5"):
    return client.post("/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=ip)


@pytest.mark.django_db
def test_five_bad_passwords_lock_the_account_even_for_the_right_password(client, member):
    for _ in range(5):
        assert attempt(client).status_code == 200
    response = attempt(client, password=PASSWORD)
    assert response.status_code == 429
    retry_after = int(response["Retry-After"])
    assert 1 <= retry_after <= 15 * 60
    assert response.context["form"].non_field_errors() == [LOGIN_THROTTLED.format(wait=wait_text(retry_after))]
    assert LOGIN_THROTTLED.split("{")[0].strip() in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_a_locked_account_is_refused_before_the_password_is_checked(client, member, monkeypatch):
    for _ in range(5):
        attempt(client)
    import django.contrib.auth.forms as auth_forms

    def fail(*args, **kwargs):
        raise AssertionError("authenticate() must not run for a throttled attempt")

    monkeypatch.setattr(auth_forms, "authenticate", fail)
    assert attempt(client, password=PASSWORD).status_code == 429


@pytest.mark.django_db
def test_the_account_lock_follows_the_account_across_ips_and_letter_case(client, member):
    for number in range(5):
        attempt(client, ip=f"198.51.100.{number}")
    assert attempt(client, username="ADA", password=PASSWORD, ip="192.0.2.1").status_code == 429


@pytest.mark.django_db
def test_the_lock_lifts_when_the_window_ends(client, member, clock):
    for _ in range(5):
        attempt(client)
    refused = attempt(client, password=PASSWORD)
    clock.advance(int(refused["Retry-After"]))
    assert attempt(client, password=PASSWORD).status_code == 302


@pytest.mark.django_db
def test_twenty_failures_from_one_ip_across_accounts_lock_that_ip(client, member):
    for number in range(20):
        assert attempt(client, username=f"guess{number}").status_code == 200
    assert attempt(client, password=PASSWORD).status_code == 429
    other_ip = attempt(client, password=PASSWORD, ip="192.0.2.99")
    assert other_ip.status_code == 302, "another address is not punished"


@pytest.mark.django_db
def test_a_successful_log_in_resets_the_account_counter(client, member):
    for _ in range(4):
        attempt(client)
    assert attempt(client, password=PASSWORD).status_code == 302
    client.logout()
    for _ in range(4):
        assert attempt(client).status_code == 200
    assert attempt(client, password=PASSWORD).status_code == 302


@pytest.mark.django_db
def test_a_success_does_not_reset_the_ip_counter(client, member):
    get_user_model().objects.create_user("spare", password=PASSWORD)
    for number in range(19):
        attempt(client, username=f"guess{number}")
    assert attempt(client, username="spare", password=PASSWORD).status_code == 302
    client.logout()
    attempt(client, username="guess-last")
    assert attempt(client, password=PASSWORD).status_code == 429


@pytest.mark.django_db
def test_limits_come_from_settings(client, member, settings):
    settings.LOGIN_THROTTLE_ACCOUNT_LIMIT = 2
    attempt(client)
    attempt(client)
    assert attempt(client, password=PASSWORD).status_code == 429


@pytest.mark.django_db
def test_x_forwarded_for_is_not_trusted(client, member):
    for number in range(20):
        client.post("/accounts/login/", {"username": f"guess{number}", "password": "x"},
                    REMOTE_ADDR="203.0.113.5", HTTP_X_FORWARDED_FOR=f"10.0.0.{number}")
    assert attempt(client, password=PASSWORD).status_code == 429


@pytest.mark.django_db
def test_an_empty_form_is_not_counted(client, member):
    for _ in range(10):
        client.post("/accounts/login/", {"username": "ada", "password": ""}, REMOTE_ADDR="203.0.113.5")
    assert attempt(client, password=PASSWORD).status_code == 302


@pytest.mark.django_db
def test_the_admin_login_shares_the_throttle(client, member):
    member.is_staff = True
    member.save()
    for _ in range(5):
        client.post("/admin/login/", {"username": "ada", "password": "wrong"}, REMOTE_ADDR="203.0.113.5")
    response = client.post("/admin/login/?next=/admin/", {"username": "ada", "password": PASSWORD},
                           REMOTE_ADDR="203.0.113.5")
    assert response.status_code == 200 and "_auth_user_id" not in client.session
    assert LOGIN_THROTTLED.split("{")[0].strip() in response.content.decode()


def test_counters_outlive_the_caches_default_timeout_on_the_file_cache(settings, tmp_path):
    """The file cache's incr re-sets the key with the default timeout; the throttle must
    put the window's expiry back or counts would vanish early."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                                   "LOCATION": str(tmp_path / "cache"), "TIMEOUT": 1}}
    throttle_hit(scope="s", key="k", limit=5, window=3600)
    throttle_hit(scope="s", key="k", limit=5, window=3600)
    time.sleep(1.2)
    assert throttle_check(scope="s", key="k", limit=5, window=3600).count == 2
