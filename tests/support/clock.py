"""A clock tests move by hand, so nothing waits on the real one."""

from __future__ import annotations

import time


class ManualClock:
    """Reads like `time.time` (call it); `advance` (alias `sleep`) moves it at once."""

    def __init__(self, now: float | None = None):
        self.now = time.time() if now is None else now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds

    sleep = advance
