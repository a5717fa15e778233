"""The site's own fixed-window throttle (uploads, reports, renders); log-ins are allauth's."""

from __future__ import annotations

import types

import pytest
from django.core.cache import cache

from accounts.ratelimits import wait_text
from accounts.throttle import throttle_hit


def test_hit_allows_up_to_the_limit_then_refuses():
    results = [throttle_hit(scope="upload", key="7", limit=3, window=60) for _ in range(4)]
    assert [result.allowed for result in results] == [True, True, True, False]
    assert [result.count for result in results] == [1, 2, 3, 4]
    assert all(1 <= result.retry_after <= 60 for result in results)


def test_scopes_and_keys_are_counted_apart():
    throttle_hit(scope="a", key="k", limit=1, window=60)
    assert throttle_hit(scope="b", key="k", limit=1, window=60).allowed
    assert throttle_hit(scope="a", key="other", limit=1, window=60).allowed


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


@pytest.mark.parametrize(
    "seconds, text",
    [
        (1, "1 second"),
        (59, "59 seconds"),
        (60, "1 minute"),
        (61, "2 minutes"),
        (900, "15 minutes"),
        (5340, "89 minutes"),
        (5341, "2 hours"),
    ],
)
def test_wait_text_rounds_up(seconds, text):
    assert wait_text(seconds) == text


def test_counters_outlive_the_caches_default_timeout_on_the_file_cache(settings, tmp_path, clock, monkeypatch):
    """The file cache's incr re-sets the key with the default timeout; the throttle must
    put the window's expiry back or counts would vanish early. The cache's expiries
    read the test's clock too, so a second passes without waiting for it."""
    on_the_test_clock = types.SimpleNamespace(time=clock)
    monkeypatch.setattr("django.core.cache.backends.base.time", on_the_test_clock)
    monkeypatch.setattr("django.core.cache.backends.filebased.time", on_the_test_clock)
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path / "cache"),
            "TIMEOUT": 1,
        }
    }
    throttle_hit(scope="s", key="k", limit=5, window=3600)
    throttle_hit(scope="s", key="k", limit=5, window=3600)
    clock.advance(1.2)
    assert throttle_hit(scope="s", key="k", limit=5, window=3600).count == 3
