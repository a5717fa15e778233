"""The production worker setup keeps many chains in flight: a small run of the benchmark.

One worker process with the production pool (`--pool threads`, a psycopg pool of a
few connections) runs 16 sleepy chains at once (`bench.sleepy_provider`: every call
waits 0.5 s, paints answer 256 px PNGs). They must all complete, with no database
error, no more connections than the pool allows, and in a wall time not far from one
chain alone: the waiting overlaps. The bound is generous (CI machines are slow and
shared); the figures of record come from `bench/bench_concurrency.py inflight`.
"""

from __future__ import annotations

import time

import pytest

from bench import _resources
from bench.bench_engine_cost import make_chains
from chains.models import Chain, Status
from chains.services import chain_start
from tests.support.worker import WorkerProcess, wait_until

pytestmark = [pytest.mark.integration, pytest.mark.production_stack, pytest.mark.django_db(transaction=True)]

CHAINS = 16
STEPS = 2
DELAY = 0.5
POOL = 4
WORKER_NAME = "concurrency-smoke-worker"  # its connections' application_name (PGAPPNAME)
GENEROUS_RATIO = 4.0  # one after another would be ~16x; CI measured 3.05x at load 9
DB_ERRORS = ("OperationalError", "InterfaceError", "PoolTimeout", "too many clients")


def run_all(chains: list, *, timeout: float) -> float:
    started = time.perf_counter()
    for chain in chains:
        chain_start(chain=chain)
    ids = [chain.pk for chain in chains]
    wait_until(
        lambda: not Chain.objects.filter(pk__in=ids).exclude(status=Status.COMPLETED).exists(),
        timeout=timeout,
        interval=0.05,
        what=f"{len(ids)} chains to complete",
    )
    return time.perf_counter() - started


@pytest.mark.usefixtures("real_broker")
def test_sixteen_chains_at_once_take_about_as_long_as_one(tmp_path):
    from django.db import connection

    worker = WorkerProcess(
        log_path=tmp_path / "worker.log",
        pool="threads",
        concurrency=CHAINS,
        beat=False,
        extra_env={"DATABASE_POOL_SIZE": str(POOL), "PGAPPNAME": WORKER_NAME},
    ).start()
    options = dict(steps=STEPS, side=256, delay=DELAY, dimension=64)
    try:
        worker.wait_ready()
        run_all(make_chains(1, **options), timeout=120)  # warm-up: imports, connections, photos
        alone = run_all(make_chains(1, **options), timeout=120)
        with _resources.Sampler(
            pgids=[worker.process.pid],
            database=connection.settings_dict["NAME"],
            server_url=_server_url(connection),
            application_name=WORKER_NAME,
        ) as sampler:
            together = run_all(make_chains(CHAINS, **options), timeout=300)
    except AssertionError:
        raise AssertionError(worker.log()) from None
    finally:
        worker.stop()

    log = (tmp_path / "worker.log").read_text(errors="replace")
    assert not [line for line in log.splitlines() if any(error in line for error in DB_ERRORS)]
    assert together <= GENEROUS_RATIO * alone, f"{CHAINS} at once {together:.1f} s, one alone {alone:.1f} s"
    assert sampler.samples > 0
    assert 0 < sampler.peak_connections <= POOL  # the worker's, through its pool


def _server_url(connection) -> str:
    settings = connection.settings_dict
    return (
        f"postgres://{settings.get('USER') or 'postgres'}@{settings.get('HOST') or '127.0.0.1'}:"
        f"{settings.get('PORT') or 5432}"
    )
