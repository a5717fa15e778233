"""Running a chain to its end inside the current process, without a worker."""

from __future__ import annotations

import time
from itertools import count
from typing import Callable

from ..models import Chain
from ..providers.base import ProviderError
from ..selectors.chains import CAPTION, EMBED, PAINT, SCREEN
from .dispatch import inline_dispatch
from .lifecycle import chain_start
from .painting import step_paint_next
from .phases import step_caption, step_embed
from .retry import phase_error_handle
from .screening import step_screen

PHASES = {CAPTION: step_caption, EMBED: step_embed, PAINT: step_paint_next, SCREEN: step_screen}


def chain_run_inline(
    *, chain: Chain, on_phase: Callable[[str, int], None] | None = None, sleep: Callable[[float], None] = time.sleep
) -> Chain:
    """Start `chain` and work through its phases here, with the tasks' retry policy."""
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
    for retries in count():
        try:
            PHASES[phase](step_id=step_id)
            return True
        except ProviderError as error:
            delay = phase_error_handle(
                chain_id=chain.pk, step_id=step_id, error=error, retries=retries, phase=PHASES[phase].__name__
            )
            if delay is None:
                return False
            sleep(delay)
    return False  # unreachable: `count()` never ends; the policy above always does
