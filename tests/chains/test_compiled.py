"""The engine's statements compiled once (`chains.compiled`) do what the ORM's would.

Each is checked against the ORM reading the rows back, on whichever database the run
uses (SQLite, PostgreSQL): conditions (a tuple, None, a claim free or expired), values
adapted by their fields (JSON, decimals, dates), increments, inserts, and reads run
for several ids from SQL compiled once.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db.models import F
from django.utils import timezone

from chains.compiled import Add, CompiledRead, NullOrBefore, insert, update
from chains.models import CallOutcome, CallRole, Chain, ProviderCall, Status, Step
from chains.models.ledger import OPEN_OUTCOMES
from tests.factories import make_chain

pytestmark = pytest.mark.django_db


def claim(chain: Chain, now) -> int:
    return update(
        Chain,
        {"id": chain.pk, "status": Status.RUNNING, "claimed_until": NullOrBefore(now)},
        {"claimed_until": now + timedelta(minutes=5), "claim_token": "mine"},
    )


def test_a_claim_is_taken_only_when_free_or_expired():
    now = timezone.now()
    chain = make_chain()
    Chain.objects.filter(pk=chain.pk).update(status=Status.RUNNING)

    assert claim(chain, now) == 1, "free"
    assert claim(chain, now) == 0, "held until now + 5 minutes"
    assert claim(chain, now + timedelta(minutes=6)) == 1, "expired"
    Chain.objects.filter(pk=chain.pk).update(status=Status.PAUSED, claimed_until=None)
    assert claim(chain, now) == 0, "not running"


def test_values_are_adapted_by_their_fields_and_increments_add_up():
    chain = make_chain()
    before = Chain.objects.values("estimated_cost", "input_tokens").get(pk=chain.pk)
    moment = timezone.now()

    changed = update(
        Chain,
        {"id": chain.pk, "claim_token": ""},
        {
            "estimated_cost": Add(Decimal("0.0125")),
            "input_tokens": Add(7),
            "drift_curve": [1.0, 0.5],
            "progressed_at": moment,
            "claimed_until": None,
        },
    )

    row = Chain.objects.get(pk=chain.pk)
    assert changed == 1
    assert row.estimated_cost == before["estimated_cost"] + Decimal("0.0125")
    assert row.input_tokens == before["input_tokens"] + 7
    assert row.drift_curve == [1.0, 0.5]
    assert row.progressed_at == moment
    assert update(Chain, {"id": chain.pk, "claim_token": "someone else's"}, {"input_tokens": Add(1)}) == 0


def test_a_condition_on_one_of_several_values_or_on_null():
    chain = make_chain()
    call = insert(ProviderCall(chain=chain, role=CallRole.CAPTION, step_index=0, attempt=1))
    step = Step.objects.get(chain=chain, index=0)

    def settle() -> int:
        return update(ProviderCall, {"id": call.pk, "outcome": OPEN_OUTCOMES}, {"outcome": CallOutcome.OK})

    assert settle() == 1
    assert settle() == 0, "settled once"
    assert update(Step, {"id": step.pk, "embedding": None}, {"embedding": b"\x01\x02"}) == 1
    assert update(Step, {"id": step.pk, "embedding": None}, {"embedding": b"\x03"}) == 0
    assert bytes(Step.objects.get(pk=step.pk).embedding) == b"\x01\x02"


def test_an_insert_returns_the_row_as_save_would():
    chain = make_chain()

    call = insert(
        ProviderCall(chain=chain, role=CallRole.IMAGE, step_index=1, attempt=2, cost=Decimal("0.04"), usage={"a": 1})
    )

    stored = ProviderCall.objects.get(pk=call.pk)
    assert call.pk is not None and not call._state.adding
    assert (stored.token, stored.role, stored.attempt, stored.cost, stored.usage) == (
        call.token,
        CallRole.IMAGE,
        2,
        Decimal("0.04"),
        {"a": 1},
    )
    assert stored.outcome == CallOutcome.PENDING and stored.started_at == call.started_at


def test_a_read_is_compiled_once_and_run_for_any_ids(monkeypatch):
    chains = [make_chain(), make_chain()]
    for number, chain in enumerate(chains):
        Chain.objects.filter(pk=chain.pk).update(drift_curve=[float(number)], input_tokens=F("input_tokens") + number)
    read = CompiledRead(
        lambda chain_id, index: Step.objects.filter(chain_id=chain_id, index=index).values_list(
            "id", "chain__drift_curve", "chain__input_tokens"
        )
    )
    compiles = []
    original = CompiledRead._compile
    monkeypatch.setattr(CompiledRead, "_compile", lambda self, *args: compiles.append(1) or original(self, *args))

    rows = [read.first(chain.pk, 0) for chain in chains]

    assert compiles == [1]
    for number, (chain, row) in enumerate(zip(chains, rows, strict=True)):
        expected = Step.objects.filter(chain=chain, index=0).values_list("id", "chain__input_tokens").get()
        assert (row["id"], row["chain__input_tokens"]) == expected
        assert row["chain__drift_curve"] == [float(number)], "JSON comes back decoded"
    assert read.first(chains[0].pk, 5) is None
