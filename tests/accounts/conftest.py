"""Account fixtures: a member with a known password, and a frozen throttle clock.

The clock is pinned so a test can never straddle a throttle window boundary; tests
that need time to pass move it themselves.
"""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from accounts import throttle

PASSWORD = "correct horse battery staple"


class FakeClock:
    def __init__(self, now: float = 1_700_000_000.0):
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture(autouse=True)
def clock(monkeypatch) -> FakeClock:
    fake = FakeClock()
    monkeypatch.setattr(throttle, "clock", fake)
    return fake


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """PBKDF2 is slow on purpose; these tests check the flows, not the hashing cost."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def member(db):
    return get_user_model().objects.create_user("ada", email="ada@example.org", password=PASSWORD)
