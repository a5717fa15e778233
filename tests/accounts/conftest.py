"""Account fixtures: a clock for allauth's rate limits that tests move themselves.
`member` (confirmed address, known password) and fast hashing are shared (tests/conftest.py)."""

from __future__ import annotations

import time
import types

import pytest

from tests.support.clock import ManualClock


@pytest.fixture(autouse=True)
def clock(monkeypatch) -> ManualClock:
    """allauth's rate limits, their Retry-After figures and the site's own throttle read
    this clock; nothing else does. A microsecond passes per reading: allauth tells
    attempts apart by their timestamps (a rollback removes its own)."""
    fake = ManualClock(1_700_000_000.0, tick=1e-6)
    monkeypatch.setattr("accounts.throttle.clock", fake)
    frozen = types.SimpleNamespace(time=fake, monotonic=time.monotonic, sleep=time.sleep)
    monkeypatch.setattr("allauth.core.internal.ratelimit.time", frozen)
    monkeypatch.setattr("accounts.ratelimits.time", frozen)
    return fake
