"""A chain is completed together with its figures, or not at all.

The analysis runs inside `chain_complete`'s transaction. These tests make it fail
with a real database error (a duplicate row, which PostgreSQL answers by aborting
the transaction) and check that the chain stays running, that nothing half-done is
committed, that the caller's transaction is still usable, and that the reconciler
completes the chain once the analysis works again. bin/test runs them on SQLite and
on PostgreSQL.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from chains.models import Chain, ChainAnalysis, Status
from chains.services import chain_complete, chain_run_inline, chains_reconcile
from tests.factories import make_chain


@pytest.fixture
def analysis_breaks(monkeypatch):
    """The analysis's last write hits a unique constraint: a real database error."""

    def duplicate_row(*, chain_ids):
        for chain_id in chain_ids:
            ChainAnalysis.objects.get_or_create(chain_id=chain_id)
            ChainAnalysis.objects.create(chain_id=chain_id)

    monkeypatch.setattr("chains.services.analysis.chains_refresh_metrics", duplicate_row)
    return monkeypatch


def has_figures(chain: Chain) -> bool:
    return ChainAnalysis.objects.filter(chain=chain).exists() and len(chain.projection) == chain.target_length + 1


@pytest.mark.django_db(transaction=True)
def test_a_chain_whose_analysis_fails_stays_running_until_the_reconciler_completes_it(analysis_breaks, settings):
    chain = chain_run_inline(chain=make_chain(target_length=2))
    assert chain.status == Status.RUNNING, "never completed without its figures"
    assert chain.steps.count() == 3 and chain.finished_at is None
    assert not ChainAnalysis.objects.filter(chain=chain).exists() and chain.projection == []

    analysis_breaks.undo()
    settings.TELEPHONE_STALL_SECONDS = 0
    Chain.objects.filter(pk=chain.pk).update(progressed_at=timezone.now() - timedelta(seconds=5))
    assert chains_reconcile() == [chain.pk]
    chain.refresh_from_db()
    assert chain.status == Status.COMPLETED and chain.finished_at is not None
    assert has_figures(chain)


@pytest.mark.django_db
def test_a_failed_analysis_inside_a_callers_transaction_leaves_it_usable(analysis_breaks):
    """The test runs inside a transaction, as a caller holding one would: the failure is
    rolled back to chain_complete's savepoint and the queries after it still work."""
    chain = make_chain(target_length=1)
    Chain.objects.filter(pk=chain.pk).update(status=Status.RUNNING, started_at=timezone.now())
    assert chain_complete(chain_id=chain.pk) is False
    assert not connection.needs_rollback
    chain.refresh_from_db()  # on PostgreSQL, an aborted transaction would refuse this query
    assert chain.status == Status.RUNNING
    assert not ChainAnalysis.objects.filter(chain=chain).exists()

    analysis_breaks.undo()
    assert chain_complete(chain_id=chain.pk) is True
    assert Chain.objects.get(pk=chain.pk).status == Status.COMPLETED
    assert ChainAnalysis.objects.filter(chain=chain).exists()
    assert chain_complete(chain_id=chain.pk) is False, "completed once"


@pytest.mark.django_db(transaction=True)
def test_a_completed_chain_has_its_figures():
    chain = chain_run_inline(chain=make_chain(target_length=3))
    assert chain.status == Status.COMPLETED
    assert has_figures(chain)
