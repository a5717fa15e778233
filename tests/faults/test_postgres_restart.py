"""Fault 4: PostgreSQL restarts while a worker runs chains.

The database is a PostgreSQL cluster of this test's own (tests/support/services.py),
so stopping it takes nothing away from anyone else. Mid-run it is stopped in `fast`
mode (every session killed, as `systemctl restart postgresql` does), kept down for a
few seconds so tasks in flight fail on it, then started again. The same worker
process must carry on (Django's CONN_HEALTH_CHECKS and Celery's per-task connection
check replace the dead connections; the reconciler re-queues the phases that died)
and every chain must complete with exactly steps 0..N.
"""

from __future__ import annotations

import re
import time

import pytest
from django.core.management import call_command
from django.db import OperationalError, connection

from chains.services import chain_start
from tests.support.services import PostgresCluster
from tests.support.worker import QUICK_CLAIMS_ENV, WorkerProcess, chain_loop_queues, offline_chains, wait_until

from .support import LOST_SERVICE, Figures, all_ended, check_exact

pytestmark = [
    pytest.mark.integration,
    LOST_SERVICE,
    pytest.mark.production_stack,
    pytest.mark.django_db(transaction=True),
]

CHAINS = 6
LENGTH = 6
DOWN_SECONDS = 4
DB_ERROR = re.compile(
    r"OperationalError|InterfaceError|terminating connection|server closed the connection"
    r"|connection (?:is|already) closed|Connection refused"
)


@pytest.fixture
def own_postgres(transactional_db):
    """Point this process's database connection at a fresh cluster; put it back after."""
    cluster = PostgresCluster().start()
    saved = dict(connection.settings_dict)
    try:
        cluster.create_database("telephone_faults")
        connection.close()
        connection.settings_dict.update(
            HOST="127.0.0.1", PORT=str(cluster.port), NAME="telephone_faults", USER="postgres", PASSWORD=""
        )
        call_command("migrate", verbosity=0, interactive=False)
        yield cluster
    finally:
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(saved)
        cluster.close()


def steps_made(ids) -> int:
    from chains.models import Step

    return Step.objects.filter(chain_id__in=ids).count()


def tolerant(predicate):
    """Ask the database, treating "it is restarting" as "not yet"."""

    def ask():
        try:
            return predicate()
        except OperationalError:
            connection.close()
            return False

    return ask


@pytest.mark.timeout(300)
@pytest.mark.usefixtures("real_broker")
def test_the_worker_rides_out_a_postgres_restart_and_loses_no_step(own_postgres, tmp_path):
    started = time.monotonic()
    chains = offline_chains(CHAINS, length=LENGTH)
    ids = [chain.pk for chain in chains]
    # A chain worker as production runs one (share cards wait for a render worker); the
    # phases the restart cut off hold their claims for 8 s (QUICK_CLAIMS_ENV), not 12.
    worker = WorkerProcess(
        log_path=tmp_path / "worker.log", concurrency=2, extra_env=QUICK_CLAIMS_ENV, queues=chain_loop_queues()
    ).start()
    try:
        worker.wait_ready()
        for chain in chains:
            chain_start(chain=chain)
        wait_until(lambda: steps_made(ids) >= CHAINS + 8, timeout=90, what="the chains to be under way")
        steps_at_restart = steps_made(ids)
        connection.close()

        own_postgres.stop(mode="fast")
        time.sleep(DOWN_SECONDS)
        own_postgres.start()

        wait_until(tolerant(lambda: all_ended(ids)), timeout=180, interval=0.5, what="every chain to end")
        assert worker.process.poll() is None, "the worker must survive, not be restarted"
    except AssertionError:
        raise AssertionError(worker.log()) from None
    finally:
        worker.stop()

    log = worker.log_path.read_text()
    figures = Figures(
        test="postgres_restart",
        seconds=time.monotonic() - started,
        notes={
            "steps_before_restart": steps_at_restart,
            "down_seconds": DOWN_SECONDS,
            "database_errors_in_worker_log": len(DB_ERROR.findall(log)),
            "reconciler_requeues": log.count("reconciler re-queued"),
        },
    )
    problems = check_exact(ids, figures)
    figures.save()
    assert steps_at_restart < CHAINS * (LENGTH + 1), "the restart must land mid-run"
    assert figures.notes["database_errors_in_worker_log"] > 0, "the outage must have hit the worker"
    assert problems == []
    assert figures.duplicate_steps == 0 and figures.missing_steps == 0
