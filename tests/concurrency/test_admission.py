"""Twenty requests at once against a quota or a budget: exactly as many as fit get through.

Each request runs in its own thread with its own PostgreSQL connection, released
together by a barrier, so their transactions really overlap: a check-then-create
without the admission lock lets several through (that is how one account made ten
branches against a quota of five).
"""

from __future__ import annotations

import threading

import pytest
from django.contrib.auth import get_user_model
from django.db import connection

from chains.budget import BUDGET_REACHED, estimate_chain_cost
from chains.models import Chain
from chains.providers import current_snapshot
from chains.services import chain_run_inline
from gallery.models import Submission, SubmissionStatus
from gallery.services.submissions import (
    QUOTA_REACHED,
    SubmissionError,
    chain_branch_for_user,
    submission_approve,
    submission_create,
)
from tests.factories import make_chain
from tests.support.providers import solid_png

pytestmark = [pytest.mark.production_stack, pytest.mark.django_db(transaction=True)]

REQUESTS = 20


def stop_the_loop(monkeypatch) -> None:
    """Admission is under test, not the loop: chains started from here on are not worked on."""
    monkeypatch.setattr("chains.services.lifecycle.chain_enqueue_next", lambda **kwargs: None)


def all_at_once(work, count: int = REQUESTS) -> list:
    """Run `work(n)` in `count` threads released together; returns results or refusals."""
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def run(n: int) -> None:
        try:
            barrier.wait(timeout=30)
            results[n] = work(n)
        except SubmissionError as refused:
            results[n] = refused
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def test_twenty_parallel_branches_with_a_quota_of_five_make_five(fake_openai, settings, monkeypatch):
    settings.TELEPHONE_DAILY_CHAIN_QUOTA = 5
    settings.TELEPHONE_DAILY_BUDGET_USD = 0  # only the quota limits here
    step = chain_run_inline(chain=make_chain(target_length=1, provider="openai")).steps.get(index=1)
    stop_the_loop(monkeypatch)
    person = get_user_model().objects.create_user("eager", password="x")

    results = all_at_once(
        lambda n: chain_branch_for_user(user=person, step=step, mode="telephone", detail="very", target_length=50)
    )

    made = [result for result in results if isinstance(result, Chain)]
    refused = [result for result in results if isinstance(result, SubmissionError)]
    assert len(made) == 5 and Chain.objects.filter(owner=person).count() == 5
    assert len(refused) == REQUESTS - 5
    assert {error.message for error in refused} == {QUOTA_REACHED.format(quota=5)}


def test_twenty_parallel_approvals_against_a_budget_that_fits_three_start_three(
    fake_openai, settings, admin_user, monkeypatch
):
    one = estimate_chain_cost(snapshot=current_snapshot().snapshot, target_length=1)
    settings.TELEPHONE_DAILY_BUDGET_USD = float(one * 3 + one / 2)  # three fit, four do not
    settings.TELEPHONE_DAILY_CHAIN_QUOTA = 100
    stop_the_loop(monkeypatch)
    pending = [
        submission_create(
            owner=get_user_model().objects.create_user(f"p{n}", password="x"),
            image=solid_png(),
            title=f"Picture {n}",
            mode="telephone",
            detail="very",
            target_length=1,
        )
        for n in range(REQUESTS)
    ]

    results = all_at_once(lambda n: submission_approve(submission=pending[n], moderator=admin_user, note="ok"))

    started = [result for result in results if isinstance(result, Chain)]
    refused = [result for result in results if isinstance(result, SubmissionError)]
    assert len(started) == 3 and len(refused) == REQUESTS - 3
    assert {error.message for error in refused} == {BUDGET_REACHED}
    assert Submission.objects.filter(status=SubmissionStatus.APPROVED).count() == 3
    assert Submission.objects.filter(status=SubmissionStatus.PENDING).count() == REQUESTS - 3
