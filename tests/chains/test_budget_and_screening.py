"""The daily budget pauses and resumes running chains; screening hides flagged content."""

from __future__ import annotations

import pytest

from chains.budget import BUDGET_PAUSED, estimate_chain_cost, spent_today
from chains.models import Chain, Status
from chains.services import ChainError, chain_cancel, chain_resume, chain_run_inline, chains_reconcile
from gallery.models import Report
from tests.factories import make_chain
from tests.support import providers as scripted

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("on_commit_runs")]

PRICED = "tests.support.priced_providers"


def test_a_running_chain_pauses_at_the_budget_and_resumes_when_it_returns(settings):
    settings.TELEPHONE_DAILY_BUDGET_USD = 10
    chain = make_chain(target_length=4, provider=PRICED)  # admitted with its reservation
    settings.TELEPHONE_DAILY_BUDGET_USD = 0.05  # then the budget drops: one dall-e-3 image is 0.04
    chain = chain_run_inline(chain=chain)
    assert chain.status == Status.PAUSED and chain.error_message == BUDGET_PAUSED
    assert chain.steps.count() == 3, "the paint that crossed the budget was the last"
    assert spent_today() >= 0.05

    settings.TELEPHONE_DAILY_BUDGET_USD = 10
    chains_reconcile()
    chain.refresh_from_db()
    assert chain.status == Status.COMPLETED and chain.steps.count() == 5


def test_free_models_never_touch_the_budget(settings):
    settings.TELEPHONE_DAILY_BUDGET_USD = 0.0001
    chain = chain_run_inline(chain=make_chain(target_length=2))
    assert chain.status == Status.COMPLETED


@pytest.mark.parametrize("what", ["text", "image"])
def test_flagged_generated_content_hides_the_chain_and_queues_it_for_staff(what):
    scripted.flagging.add(what)
    chain = chain_run_inline(chain=make_chain(target_length=1))
    chain.refresh_from_db()
    assert chain.is_hidden
    report = Report.objects.filter(chain=chain).first()
    assert report is not None and report.reporter is None and "violence" in report.reason
    assert report.events.get().action == "flagged automatically"
    assert not Chain.objects.listed().filter(pk=chain.pk).exists()


def test_resuming_an_ended_chain_reserves_its_remaining_steps_or_is_refused(settings):
    """An ended chain's reservation stops counting; resuming it is new spending."""
    settings.TELEPHONE_DAILY_BUDGET_USD = 10
    chain = chain_cancel(chain=make_chain(target_length=4, provider=PRICED))
    remaining = estimate_chain_cost(snapshot=chain.provider_settings, target_length=4)
    settings.TELEPHONE_DAILY_BUDGET_USD = float(remaining) / 2  # the rest no longer fits
    with pytest.raises(ChainError):
        chain_resume(chain=chain)
    chain.refresh_from_db()
    assert chain.status == Status.CANCELLED

    settings.TELEPHONE_DAILY_BUDGET_USD = 10
    spent_before = chain.estimated_cost
    chain_resume(chain=chain)  # the workers run eagerly here: it goes on to the end
    chain.refresh_from_db()
    assert chain.status == Status.COMPLETED
    assert chain.reserved_cost == spent_before + remaining
