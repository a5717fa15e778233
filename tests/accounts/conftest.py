"""Account fixtures: a clock for allauth's rate limits that tests move themselves.
`member` (confirmed address, known password) and fast hashing are shared (tests/conftest.py)."""

from __future__ import annotations

import time
import types

import pytest

from tests.conftest import MEMBER_PASSWORD

PASSWORD = MEMBER_PASSWORD  # the shared `member` fixture's


class FakeClock:
    """Moves only when told, plus a microsecond per reading: allauth tells attempts
    apart by their timestamps (a rollback removes its own), so no two may be equal."""

    def __init__(self, now: float = 1_700_000_000.0):
        self.now = now

    def __call__(self) -> float:
        self.now += 1e-6
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture(autouse=True)
def clock(monkeypatch) -> FakeClock:
    """allauth's rate limits, their Retry-After figures and the site's own throttle read
    this clock; nothing else does."""
    fake = FakeClock()
    monkeypatch.setattr("accounts.throttle.clock", fake)
    frozen = types.SimpleNamespace(time=fake, monotonic=time.monotonic, sleep=time.sleep)
    monkeypatch.setattr("allauth.core.internal.ratelimit.time", frozen)
    monkeypatch.setattr("accounts.ratelimits.time", frozen)
    return fake
