"""A clock tests move by hand, so nothing waits on the real one."""

from __future__ import annotations

import time


class ManualClock:
    """Reads like `time.time` (call it); `advance` (alias `sleep`) moves it at once.

    `tick` is added on every reading, for code that tells events apart by their
    timestamps (allauth's rate limits do), so no two readings are equal."""

    def __init__(self, now: float | None = None, *, tick: float = 0.0):
        self.now = time.time() if now is None else now
        self.tick = tick

    def __call__(self) -> float:
        self.now += self.tick
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds

    sleep = advance
