"""Backoff for transient provider failures, shared by in-process retries and tasks.

Full jitter (a uniform draw between zero and the exponential bound) spreads out the
workers that all hit the same rate limit at once, so they do not come back in lock
step. A server's own `Retry-After` is a floor, never shortened by the jitter.
"""

from __future__ import annotations

import logging
import random
import time
from dataclasses import dataclass, field
from typing import Callable, TypeVar

from .base import ProviderError
from .http import call_time_left

logger = logging.getLogger(__name__)

T = TypeVar("T")

RETRY_BASE_SECONDS = 0.5
RETRY_CAP_SECONDS = 8.0
# A server asking for a longer pause than this is better served by the task queue
# (which can schedule the retry) than by a worker sleeping on the request.
LONGEST_IN_PROCESS_WAIT = 30.0


def backoff_delay(
    attempt: int,
    base: float = RETRY_BASE_SECONDS,
    cap: float = RETRY_CAP_SECONDS,
    retry_after: float | None = None,
    *,
    rand: Callable[[], float] = random.random,
) -> float:
    """Seconds to wait before the next try.

    `attempt` counts the retries already made (0 before the first retry), the same
    number Celery keeps in `task.request.retries`, so the task layer can pass it on.
    """
    bound = min(cap, base * (2 ** max(attempt, 0)))
    delay = rand() * bound
    if retry_after is not None and retry_after > 0:
        delay = max(delay, retry_after)
    return delay


@dataclass(frozen=True)
class RetryPolicy:
    """How a non-billable call is retried; `sleep` is injectable so tests see waits."""

    attempts: int = 3
    base: float = RETRY_BASE_SECONDS
    cap: float = RETRY_CAP_SECONDS
    longest_wait: float = LONGEST_IN_PROCESS_WAIT
    sleep: Callable[[float], None] = field(default=time.sleep, compare=False)

    def run(self, call: Callable[[], T], *, what: str = "provider call") -> T:
        return call_with_retries(
            call,
            attempts=self.attempts,
            sleep=self.sleep,
            base=self.base,
            cap=self.cap,
            longest_wait=self.longest_wait,
            what=what,
        )


def call_with_retries(
    call: Callable[[], T],
    *,
    attempts: int,
    sleep: Callable[[float], None] = time.sleep,
    base: float = RETRY_BASE_SECONDS,
    cap: float = RETRY_CAP_SECONDS,
    longest_wait: float = LONGEST_IN_PROCESS_WAIT,
    what: str = "provider call",
) -> T:
    """Run `call`, retrying transient ProviderErrors; permanent ones pass straight up.

    Only for calls that are safe to repeat: a retried image generation would be
    paid for twice, so painters never come through here.
    """
    attempts = max(int(attempts), 1)
    for attempt in range(attempts):
        try:
            return call()
        except ProviderError as error:
            if not _should_retry(error, attempt, attempts, longest_wait):
                raise
            delay = backoff_delay(attempt, base, cap, error.retry_after)
            left = call_time_left()
            if left is not None and delay >= left:
                raise  # the call's overall deadline would pass while waiting
            logger.warning(
                "%s failed (attempt %d of %d), retrying in %.2fs: %s", what, attempt + 1, attempts, delay, error.message
            )
            sleep(delay)
    raise AssertionError("unreachable: the last attempt either returns or raises")


def _should_retry(error: ProviderError, attempt: int, attempts: int, longest_wait: float) -> bool:
    if error.permanent or attempt + 1 >= attempts:
        return False
    return error.retry_after is None or error.retry_after <= longest_wait
