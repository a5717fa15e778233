"""Crash recovery through a real broker and real worker processes.

A worker is SIGKILLed in the middle of several chains; a new worker (with its beat
running the reconciler) must finish every chain with exactly steps 0..N: no
duplicate, no gap, every step captioned and embedded.
"""

from __future__ import annotations

import pytest

from chains.models import Chain, Status, Step
from chains.services import chain_start
from tests.support.worker import QUICK_CLAIMS_ENV, WorkerProcess, chain_loop_queues, offline_chains, wait_until

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

CHAINS = 3
LENGTH = 8


def start_worker(log_path) -> WorkerProcess:
    """A chain worker as production runs one (share cards wait for a render worker), with
    the offline provider's quick claims: the killed phase's chain is free again in 8 s."""
    return WorkerProcess(log_path=log_path, extra_env=QUICK_CLAIMS_ENV, queues=chain_loop_queues()).start()


def steps_made() -> int:
    return Step.objects.count()


@pytest.mark.usefixtures("real_broker")
def test_chains_complete_exactly_after_the_worker_is_killed_mid_chain(tmp_path):
    chains = offline_chains(CHAINS, length=LENGTH)
    for chain in chains:
        chain_start(chain=chain)
    expected_steps = CHAINS * (LENGTH + 1)

    first = start_worker(tmp_path / "worker-1.log")
    try:
        wait_until(lambda: steps_made() >= CHAINS + 4, timeout=90, what="the first steps")
    except AssertionError:
        raise AssertionError(first.log()) from None
    finally:
        first.kill()
    assert steps_made() < expected_steps, "the kill should land mid-chain"

    second = start_worker(tmp_path / "worker-2.log")
    try:
        wait_until(
            lambda: Chain.objects.filter(status=Status.COMPLETED).count() == CHAINS,
            timeout=180,
            what="every chain to complete",
        )
    except AssertionError:
        raise AssertionError(second.log()) from None
    finally:
        second.stop()

    for chain in chains:
        chain.refresh_from_db()
        indexes = list(chain.steps.order_by("index").values_list("index", flat=True))
        assert indexes == list(range(LENGTH + 1)), f"gap or duplicate in {chain.slug}: {indexes}"
        assert not chain.steps.filter(caption="").exists()
        assert not chain.steps.filter(embedding__isnull=True).exists()
        assert chain.images_generated == LENGTH
