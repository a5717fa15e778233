"""Turning a phase into work: a Celery message normally, a local queue when inline.

Kept apart so services can enqueue without importing the task module at import
time (tasks import services; the cycle is broken here, lazily). The inline queue
lets `manage.py telephone --sync` and tests run a whole chain in one process as a
flat loop, instead of eager tasks nesting one inside the other 600 deep.
"""

from __future__ import annotations

import logging
from collections import deque
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Iterator

from kombu.exceptions import OperationalError

from ..selectors.chains import CAPTION, EMBED, PAINT

logger = logging.getLogger(__name__)
BROKER_ERRORS = (OperationalError, ConnectionError, OSError)

_inline_queue: ContextVar[deque | None] = ContextVar("inline_queue", default=None)


def enqueue_work(*, phase: str, step_id: int) -> None:
    queue = _inline_queue.get()
    if queue is not None:
        queue.append((phase, step_id))
        return
    from .. import tasks

    task = {CAPTION: tasks.caption_step, EMBED: tasks.embed_step, PAINT: tasks.paint_next_step}[phase]
    try:
        task.delay(step_id)
    except BROKER_ERRORS as error:
        # The row that says what is next is already committed; the reconciler will
        # send this phase once the broker is back. Nothing is lost, nothing fails.
        logger.warning("broker unavailable, phase=%s step=%s left to the reconciler: %s",
                       phase, step_id, error)


@contextmanager
def inline_dispatch() -> Iterator[deque]:
    """Collect enqueued work in a local queue instead of sending it to the broker."""
    queue: deque = deque()
    token = _inline_queue.set(queue)
    try:
        yield queue
    finally:
        _inline_queue.reset(token)
