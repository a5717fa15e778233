"""Fault 3: the OpenAI API answers 500 to everything for 12 s, then recovers.

Chains run in a real worker through the real OpenAI client against the fake server
on 127.0.0.1. Mid-run the server fails every request for 12 s. The chains must back
off (transient errors are retried with growing, jittered delays, not hammered) and
complete once it recovers, without an extra step and without an image paid twice:
exactly one successful image generation per painted step.
"""

from __future__ import annotations

import re
import time

import pytest

from chains.services import chain_start
from tests.factories import make_chain
from tests.fakes.fixtures import FAKE_API_KEY, FAKE_MODEL_SETTINGS
from tests.fakes.openai_server import CHAT, IMAGES
from tests.support.worker import WorkerProcess, wait_until

from .support import Figures, all_ended, check_exact, ledger_problems

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

CHAINS = 6
LENGTH = 3
OUTAGE_SECONDS = 12  # long enough for several growing retries (below); every second of it is test time
# Retries spaced 0.5 s growing to 4 s (plus the client's own second try): a 12 s
# outage takes several of them, and 40 is far more than it can use up. As in the
# production defaults, a chain waiting for its retry is not "stalled": the stall
# period outlasts the longest retry delay.
RETRIES = {
    "TELEPHONE_RETRY_MAX": "40",
    "TELEPHONE_RETRY_BASE_SECONDS": "0.5",
    "TELEPHONE_RETRY_CAP_SECONDS": "4",
    "TELEPHONE_STALL_SECONDS": "8",
    "OPENAI_RETRY_ATTEMPTS": "2",
}
RETRY_LINE = re.compile(r"transient error, retry \d+ in")


def worker_env(server) -> dict:
    timeouts = {
        name: "2"
        for name in (
            "OPENAI_CAPTION_TIMEOUT",
            "OPENAI_IMAGE_TIMEOUT",
            "OPENAI_EMBEDDING_TIMEOUT",
            "OPENAI_MODERATION_TIMEOUT",
            "OPENAI_DOWNLOAD_TIMEOUT",
        )
    }
    return {
        "OPENAI_API_KEY": FAKE_API_KEY,
        "OPENAI_BASE_URL": server.url + "/v1",
        "TELEPHONE_PROVIDER": "openai",
        **FAKE_MODEL_SETTINGS,
        **timeouts,
        **RETRIES,
    }


@pytest.mark.timeout(300)
@pytest.mark.usefixtures("real_broker")
def test_chains_back_off_through_an_outage_and_complete_exactly(fake_openai, tmp_path):
    started = time.monotonic()
    chains = [make_chain(target_length=LENGTH, provider="openai", seed=n) for n in range(CHAINS)]
    ids = [chain.pk for chain in chains]
    worker = WorkerProcess(log_path=tmp_path / "worker.log", concurrency=4, extra_env=worker_env(fake_openai)).start()
    try:
        worker.wait_ready()
        for chain in chains:
            chain_start(chain=chain)
        wait_until(lambda: len(fake_openai.requests_to(IMAGES)) >= 2, timeout=60, what="the first paintings")
        outage_start = time.time()
        outage_end = outage_start + OUTAGE_SECONDS
        fake_openai.fail_all(500, until=outage_end)
        wait_until(lambda: time.time() > outage_end, timeout=OUTAGE_SECONDS + 5, what="the outage to end")
        assert not all_ended(ids), "the chains must still be running when the outage ends"
        wait_until(lambda: all_ended(ids), timeout=150, interval=0.5, what="every chain to end")
    except AssertionError:
        raise AssertionError(worker.log()) from None
    finally:
        worker.stop()

    def during(path):
        return [r for r in fake_openai.requests_to(path) if outage_start <= r.received_at < outage_end]

    def answered(path):
        return [r for r in fake_openai.requests_to(path) if not outage_start <= r.received_at < outage_end]

    log = worker.log_path.read_text()
    figures = Figures(
        test="provider_outage",
        seconds=time.monotonic() - started,
        notes={
            "outage_seconds": OUTAGE_SECONDS,
            "requests_refused_during_outage": len(fake_openai.requests)
            - sum(len(answered(path)) for path in {r.path for r in fake_openai.requests}),
            "image_requests_refused": len(during(IMAGES)),
            "caption_requests_refused": len(during(CHAT)),
            "successful_image_generations": len(answered(IMAGES)),
            "task_retries_logged": len(RETRY_LINE.findall(log)),
        },
    )
    problems = check_exact(ids, figures)
    figures.save()
    assert problems == []
    assert figures.duplicate_steps == 0 and figures.missing_steps == 0
    assert len(answered(IMAGES)) == CHAINS * LENGTH, "one successful image call per painted step"
    assert figures.images_painted == CHAINS * LENGTH
    assert during(IMAGES) or during(CHAT), "the outage must have been hit"
    assert figures.notes["task_retries_logged"] > 0
    # Backing off: each chain has one call in flight, retried after growing delays
    # (about 2 s once warmed up); retrying at once would be thousands of requests.
    assert figures.notes["requests_refused_during_outage"] < CHAINS * OUTAGE_SECONDS * 2
    assert ledger_problems(ids, fake_openai) == []
