"""Running a chain to its end inside the current process, without a worker."""

from __future__ import annotations

import time
from typing import Callable

from django.conf import settings

from ..models import Chain
from ..providers.base import ProviderError
from ..providers.retrying import backoff_delay
from ..selectors.chains import CAPTION, EMBED, PAINT
from .dispatch import inline_dispatch
from .lifecycle import chain_fail, chain_start
from .phases import step_caption, step_embed, step_paint_next

PHASES = {CAPTION: step_caption, EMBED: step_embed, PAINT: step_paint_next}


def chain_run_inline(
    *, chain: Chain, on_phase: Callable[[str, int], None] | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> Chain:
    """Start `chain` and work through its phases here, with the same retry policy as tasks."""
    with inline_dispatch() as queue:
        chain_start(chain=chain)
        while queue:
            phase, step_id = queue.popleft()
            if not _run_with_retries(chain=chain, phase=phase, step_id=step_id, sleep=sleep):
                break
            if on_phase:
                on_phase(phase, step_id)
    chain.refresh_from_db()
    return chain


def _run_with_retries(*, chain: Chain, phase: str, step_id: int, sleep) -> bool:
    for attempt in range(settings.TELEPHONE_RETRY_MAX + 1):
        try:
            PHASES[phase](step_id=step_id)
            return True
        except ProviderError as error:
            if error.permanent or attempt == settings.TELEPHONE_RETRY_MAX:
                chain_fail(chain_id=chain.pk, message=error.message)
                return False
            sleep(backoff_delay(attempt, settings.TELEPHONE_RETRY_BASE_SECONDS,
                                settings.TELEPHONE_RETRY_CAP_SECONDS, error.retry_after))
    return False
