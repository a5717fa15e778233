"""What happens after a phase raises a provider error: one policy for the Celery
tasks and for chains run inline (`manage.py telephone --sync`, tests, benchmarks).

A permanent error, or a transient one after TELEPHONE_RETRY_MAX retries, fails the
chain: staff read the provider's message (keys masked), visitors a fixed sentence
for the failure's kind and the role that failed. Screening never gives up on a
transient error: while the moderator is down the step stays unpublished and the
chain waits, retried at the capped backoff, rather than failing or going public.
Any other transient error is tried again after a jittered, growing delay (honouring
the provider's Retry-After), and the reconciler is kept off the chain until then, so
a retry is never doubled by a rescue.
"""

from __future__ import annotations

import logging

from django.conf import settings

from ..providers.base import ProviderError
from ..providers.retrying import backoff_delay
from .lifecycle import chain_fail
from .rescue import chain_defer_rescue

logger = logging.getLogger(__name__)

RETRIES_EXHAUSTED = "Gave up after {retries} retries: {message}"


# The role whose provider each phase (by its function's name) calls.
PHASE_ROLES = {
    "step_caption": "caption",
    "step_embed": "embedding",
    "step_paint_next": "image",
    "step_screen": "moderation",
}
PATIENT_PHASES = frozenset({"step_screen"})


def phase_error_handle(
    *, chain_id: int | None, step_id: int, error: ProviderError, retries: int, phase: str = ""
) -> float | None:
    """Fail the chain (returns None) or say in how many seconds to try again.

    `retries` is how many retries of this phase have already run.
    """
    gives_up = retries >= settings.TELEPHONE_RETRY_MAX and phase not in PATIENT_PHASES
    if error.permanent or gives_up:
        message = error.message if error.permanent else RETRIES_EXHAUSTED.format(retries=retries, message=error.message)
        logger.warning(
            "chain=%s step=%s failed: %s",
            chain_id,
            step_id,
            message,
            extra={"chain_id": chain_id, "permanent": error.permanent},
        )
        if chain_id is not None:
            chain_fail(chain_id=chain_id, message=message, kind=error.kind, role=PHASE_ROLES.get(phase, ""))
        return None
    countdown = backoff_delay(
        retries, settings.TELEPHONE_RETRY_BASE_SECONDS, settings.TELEPHONE_RETRY_CAP_SECONDS, error.retry_after
    )
    logger.warning(
        "chain=%s step=%s transient error, retry %d in %.1fs: %s",
        chain_id,
        step_id,
        retries + 1,
        countdown,
        error.message,
        extra={"chain_id": chain_id, "retry": retries + 1, "countdown_s": round(countdown, 2)},
    )
    if chain_id is not None:
        chain_defer_rescue(chain_id=chain_id, seconds=countdown)
    return countdown
