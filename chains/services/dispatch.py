"""Every Celery task is enqueued here: a phase of the loop, an animation render, an
atlas recompute. Normally a message to the broker; a local queue when inline.

Kept apart so services can enqueue without importing the task module at import
time (tasks import services; the cycle is broken here, lazily). The inline queue
lets `manage.py telephone --sync` and tests run a whole chain in one process as a
flat loop, instead of eager tasks nesting one inside the other 600 deep.

A broker that is down never fails the write that asked for the work: the rows that
say what is next are committed, and each kind of work is picked up again later (the
reconciler re-sends a chain's phase, an animation pending past its claim is rendered
again on the next request, the atlas is marked dirty again once its marker is stale).
"""

from __future__ import annotations

import logging
from collections import deque
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Iterator

from kombu.exceptions import OperationalError

from ..selectors.chains import CAPTION, EMBED, PAINT, SCREEN

logger = logging.getLogger(__name__)
BROKER_ERRORS = (OperationalError, ConnectionError, OSError)

_inline_queue: ContextVar[deque | None] = ContextVar("inline_queue", default=None)


def enqueue_work(*, phase: str, step_id: int) -> None:
    """The task for one phase of one step."""
    queue = _inline_queue.get()
    if queue is not None:
        queue.append((phase, step_id))
        return
    from .. import tasks

    task = {
        CAPTION: tasks.caption_step,
        EMBED: tasks.embed_step,
        PAINT: tasks.paint_next_step,
        SCREEN: tasks.screen_step,
    }[phase]
    _send(task, step_id, what=f"phase={phase} step={step_id}")


def enqueue_animation_render(*, animation_id: int) -> None:
    from .. import tasks

    _send(tasks.render_chain_animation, animation_id, what=f"animation={animation_id}")


def enqueue_atlas_recompute(*, countdown: float) -> None:
    from .. import tasks

    _send(tasks.recompute_atlas, countdown=countdown, what="atlas recompute")


def _send(task, *args, countdown: float | None = None, what: str) -> None:
    try:
        task.apply_async(args=args, countdown=countdown)
    except BROKER_ERRORS as error:
        logger.warning("broker unavailable, %s left for later: %s", what, error)


@contextmanager
def inline_dispatch() -> Iterator[deque]:
    """Collect enqueued work in a local queue instead of sending it to the broker."""
    queue: deque = deque()
    token = _inline_queue.set(queue)
    try:
        yield queue
    finally:
        _inline_queue.reset(token)
