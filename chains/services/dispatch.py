"""Turning a phase name into a Celery message.

Kept apart so services can enqueue without importing the task module at import
time (tasks import services; the cycle is broken here, lazily).
"""

from __future__ import annotations

from ..selectors import CAPTION, EMBED, PAINT


def enqueue_work(*, phase: str, step_id: int) -> None:
    from .. import tasks

    task = {CAPTION: tasks.caption_step, EMBED: tasks.embed_step, PAINT: tasks.paint_next_step}[phase]
    task.delay(step_id)
