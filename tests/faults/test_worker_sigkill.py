"""Fault 2: the worker is SIGKILLed at 10 random moments across 20 running chains.

Each time the whole process group dies at once (no warm shutdown, no acks, its beat
with it), mid-task more often than not: a claim is held, a picture may be stored but
not recorded, a message is gone. Then a new worker starts, and after the tenth kill
one is left to finish. Every chain must complete with exactly steps 0..N.

The moments are random points of the run, drawn from a seeded generator
(FAULT_SEED, recorded in the figures) so a failure can be replayed: ten distinct
step counts between the start and the end, sorted; each worker is killed a random
0 to 0.5 s after the chains reach the next one. Tying the moments to progress
rather than to the clock keeps every kill mid-run on a fast machine or a slow one.
"""

from __future__ import annotations

import os
import random
import time

import pytest

from chains.services import chain_start
from tests.support.worker import QUICK_CLAIMS_ENV, WorkerProcess, chain_loop_queues, offline_chains, wait_until

from .support import LOST_WORKER, Figures, all_ended, check_exact, count_completed, ledger_problems

pytestmark = [pytest.mark.integration, LOST_WORKER, pytest.mark.django_db(transaction=True)]

CHAINS = 20
LENGTH = 5
KILLS = 10
# The offline provider's quick claims (QUICK_CLAIMS_ENV), and a chain counts as stalled
# after 6 s without progress, not 2: twenty chains queue for two processes, so a healthy
# chain often waits over 2 s for its turn, and the reconciler sent each one again (about
# 450 no-op tasks a run, half of all, queued ahead of real work).
QUICK_CLAIMS = {**QUICK_CLAIMS_ENV, "TELEPHONE_STALL_SECONDS": "6"}


def start_worker(log) -> WorkerProcess:
    """A chain worker as production runs one: the share cards of the chains it completes
    wait for a render worker (none here); nothing in this test looks at them."""
    return WorkerProcess(log_path=log, concurrency=2, extra_env=QUICK_CLAIMS, queues=chain_loop_queues()).start()


def steps_made(ids) -> int:
    from chains.models import Step

    return Step.objects.filter(chain_id__in=ids).count()


# A guard against a hang, not a bar: about 110 s on a quiet machine, but eleven worker boots
# took 20-37 s each at a load of 25-36, and 360 s cut a healthy run short there.
@pytest.mark.timeout(900)
@pytest.mark.usefixtures("real_broker")
def test_twenty_chains_survive_ten_sigkills_with_no_duplicate_or_missing_step(tmp_path):
    seed = int(os.environ.get("FAULT_SEED", "20261125"))
    rng = random.Random(seed)
    started = time.monotonic()
    chains = offline_chains(CHAINS, length=LENGTH)
    ids = [chain.pk for chain in chains]
    for chain in chains:
        chain_start(chain=chain)

    total = CHAINS * (LENGTH + 1)
    moments = sorted(rng.sample(range(CHAINS + 2, total - CHAINS), KILLS))
    kills = []
    log = tmp_path / "worker.log"
    for number, moment in enumerate(moments, start=1):
        spawned = time.monotonic() - started
        worker = start_worker(log)
        try:
            worker.wait_ready()
            ready = time.monotonic() - started
            wait_until(
                lambda moment=moment: steps_made(ids) >= moment,
                timeout=90,
                interval=0.05,
                what=f"step count {moment} before kill {number}",
            )
            time.sleep(rng.uniform(0, 0.5))
        except AssertionError:
            raise AssertionError(f"{kills}\n{worker.log()}") from None
        finally:
            worker.kill()
        # When each worker started, was ready and was killed (seconds into the test): booting
        # ten workers is a large share of this test's time.
        kills.append(
            {
                "kill": number,
                "at_steps": moment,
                "steps": steps_made(ids),
                "completed": count_completed(ids),
                "started_s": round(spawned, 1),
                "ready_s": round(ready, 1),
                "killed_s": round(time.monotonic() - started, 1),
            }
        )
    assert kills[-1]["completed"] < CHAINS, f"the kills must land while chains run: {kills}"

    last_started = time.monotonic() - started
    last = start_worker(log)
    try:
        wait_until(lambda: all_ended(ids), timeout=240, interval=0.5, what="every chain to end")
        ended = time.monotonic() - started
    except AssertionError:
        raise AssertionError(f"{kills}\n{last.log()}") from None
    finally:
        last.stop()
    finish = {"started_s": round(last_started, 1), "ended_s": round(ended, 1), "steps_at_start": kills[-1]["steps"]}

    figures = Figures(
        test="worker_sigkill",
        seconds=time.monotonic() - started,
        notes={"seed": seed, "kills": kills, "finish": finish},
    )
    problems = check_exact(ids, figures)
    figures.save()
    assert problems == []
    assert figures.duplicate_steps == 0 and figures.missing_steps == 0
    assert figures.images_painted <= CHAINS * LENGTH, "a picture was paid for twice"
    assert ledger_problems(ids) == []
