"""Re-queueing chains whose in-flight work vanished."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from ..models import Chain, Status
from ..selectors.chains import chains_needing_rescue
from .lifecycle import chain_enqueue_next, chains_resume_after_budget

logger = logging.getLogger(__name__)


def chains_reconcile() -> list[int]:
    """Enqueue the next phase of every stalled running chain; returns their ids.

    A worker killed mid-task holds its claim until the claim expires; after that,
    and once nothing has progressed for TELEPHONE_STALL_SECONDS, the chain is
    assumed orphaned. Re-queueing is safe even when it was not: every phase is
    idempotent, so a spurious rescue costs one no-op task.
    """
    now = timezone.now()
    stalled_before = now - timedelta(seconds=settings.TELEPHONE_STALL_SECONDS)
    rescued = []
    for chain_id in chains_needing_rescue(stalled_before=stalled_before, now=now).values_list("pk", flat=True):
        # Touch first, so the next pass waits a full stall period before trying again.
        Chain.objects.filter(pk=chain_id).update(progressed_at=now)
        phase = chain_enqueue_next(chain_id=chain_id)
        logger.warning("reconciler re-queued chain=%s phase=%s", chain_id, phase)
        rescued.append(chain_id)
    chains_resume_after_budget()
    return rescued


def chain_defer_rescue(*, chain_id: int, seconds: float) -> None:
    """A chain waiting for a retry is not stalled: keep the reconciler off it until then.

    The failed phase released its claim, and nothing progresses during a provider
    outage, so without this every stall period would re-queue the chain again and
    the retries would multiply. Marking it alive until the retry is due means the
    reconciler only steps in if that retry itself goes missing.
    """
    Chain.objects.filter(pk=chain_id, status=Status.RUNNING).update(
        progressed_at=timezone.now() + timedelta(seconds=seconds)
    )
