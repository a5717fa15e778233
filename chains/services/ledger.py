"""Writing the ledger of provider calls: intent before the call, outcome after.

Every phase that calls a provider goes through `metered_call`: the row exists (with
the estimated cost counted) before the first byte is sent, the network layer counts
the requests and notes a deadline cut-off, and the row is completed with the real
usage and cost. Outcome changes are conditional updates from an open state, so a row
is settled once, and the chain's totals grow by exactly that row at that moment:
the totals are the ledger's sums, kept on the chain so lists can show them cheaply.
"""

from __future__ import annotations

import time
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from typing import Iterator
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.db.models import F, Max, Sum
from django.utils import timezone

from .. import costs
from ..compiled import Add, insert, update
from ..failures import mask_secrets
from ..models import CallOutcome, CallRole, Chain, ProviderCall
from ..models.ledger import OPEN_OUTCOMES
from ..providers.base import ProviderError
from ..providers.http import CallMeter, call_deadline, metering

# The model each role's calls use, as a chain's settings snapshot names it.
ROLE_MODEL_KEYS = {
    CallRole.CAPTION: "caption_model",
    CallRole.IMAGE: "image_model",
    CallRole.EMBEDDING: "embedding_model",
    CallRole.MODERATION: "moderation_model",
}
ROLE_DEADLINE_SETTINGS = {
    CallRole.CAPTION: "OPENAI_CAPTION_TIMEOUT",
    CallRole.IMAGE: "OPENAI_IMAGE_TIMEOUT",
    CallRole.EMBEDDING: "OPENAI_EMBEDDING_TIMEOUT",
    CallRole.MODERATION: "OPENAI_MODERATION_TIMEOUT",
}
# Tokens a caption call is assumed to use before its answer says (an upper estimate).
ESTIMATED_CAPTION_TOKENS = (1000, 400)
ESTIMATED_EMBEDDING_TOKENS = 200
OFFLINE_HOST = "offline"


@dataclass(frozen=True)
class Answer:
    """What a completed call reports, in the ledger's terms."""

    request_id: str = ""
    usage: dict | None = None
    cost: Decimal = Decimal("0")
    price_source: str = ""
    estimated: bool = False
    details: dict | None = None


def answer_of(result, *, usage: dict | None = None, details: dict | None = None) -> Answer:
    """A provider result's billing (usage as reported, cost, price source) as the ledger keeps it.

    `usage` adds the engine's own counters (tokens in and out, pictures) under fixed
    names beside what the server reported, so totals add up whatever the server calls them.
    """
    return Answer(
        request_id=getattr(result, "request_id", "") or "",
        usage={**(getattr(result, "usage", None) or {}), **(usage or {})},
        cost=getattr(result, "cost", Decimal("0")) or Decimal("0"),
        price_source=getattr(result, "price_source", "") or "",
        estimated=bool(getattr(result, "estimated", False)),
        details=details,
    )


# --- who is called ------------------------------------------------------------------------


def role_identity(*, chain: Chain, role: str) -> dict:
    """Backend, server host and model a chain's calls of this role go to (from its snapshot)."""
    snapshot = chain.provider_settings or {}
    base_url = snapshot.get(f"{role}_base_url") or snapshot.get("base_url") or ""
    backend = snapshot.get(f"{role}_backend") or chain.provider
    host = snapshot.get(f"{role}_server") or urlsplit(base_url).netloc
    if not host:
        host = "api.openai.com" if backend == "openai" else OFFLINE_HOST
    return {
        "backend": str(backend)[:100],
        "server_host": str(host)[:255],
        "model": str(snapshot.get(ROLE_MODEL_KEYS[role], "") or "")[:100],
    }


def role_deadline(role: str) -> float:
    """The overall deadline of one logical call of this role (retries included)."""
    return float(getattr(settings, ROLE_DEADLINE_SETTINGS[role]))


# --- costs ---------------------------------------------------------------------------------


def estimated_charge(*, chain: Chain, role: str) -> costs.Charge | None:
    """What the call will cost at most, counted from its intent until its answer."""
    snapshot = chain.provider_settings or {}
    if role == CallRole.IMAGE:
        return costs.estimate_image(snapshot=snapshot)
    if role == CallRole.CAPTION:
        tokens_in, tokens_out = ESTIMATED_CAPTION_TOKENS
        return costs.estimate_caption(snapshot=snapshot, input_tokens=tokens_in, output_tokens=tokens_out)
    if role == CallRole.EMBEDDING:
        return costs.charge_text(
            role="embedding",
            model=snapshot.get("embedding_model", ""),
            endpoint=snapshot.get("embedding_endpoint", costs.OFFLINE),
            input_tokens=ESTIMATED_EMBEDDING_TOKENS,
        )
    return None  # screening is free on every server the catalogue knows


# --- intent and outcome -----------------------------------------------------------------------


def call_open(*, chain: Chain, role: str, step_index: int | None, attempt: int | None = None) -> ProviderCall:
    """The intent: written (and committed) before anything is sent.

    `attempt` when the caller has just read the step's earlier calls (`phases.open_call`)."""
    identity = role_identity(chain=chain, role=role)
    if attempt is None:
        previous = ProviderCall.objects.filter(chain=chain, role=role, step_index=step_index)
        attempt = (previous.aggregate(last=Max("attempt"))["last"] or 0) + 1
    charge = estimated_charge(chain=chain, role=role)
    call = ProviderCall(
        chain=chain,
        role=role,
        step_index=step_index,
        attempt=attempt,
        cost=charge.cost if charge else Decimal("0"),
        price_source=charge.source[:200] if charge else "",
        **identity,
    )
    return insert(call)


@contextmanager
def metered_call(call: ProviderCall) -> Iterator[CallMeter]:
    """Run a provider call under the role's deadline; a failure is recorded, then raised."""
    started = time.monotonic()
    with metering() as meter, call_deadline(role_deadline(call.role)):
        try:
            yield meter
        except ProviderError as error:
            call_fail(call, error=error, meter=meter, started=started)
            raise
        except Exception as error:
            call_fail(
                call,
                error=ProviderError(f"{type(error).__name__}: {error}", permanent=True, kind="bad_answer"),
                meter=meter,
                started=started,
            )
            raise
    call.duration_ms = int((time.monotonic() - started) * 1000)
    call.requests = meter.requests


def call_answered(call: ProviderCall, answer: Answer, *, answer_url: str = "", stored_key: str = "") -> None:
    """The provider answered (and so billed): record usage and cost before using the answer."""
    fields = _take_answer(call, answer, answer_url=answer_url, stored_key=stored_key)
    update(ProviderCall, {"id": call.pk, "outcome": OPEN_OUTCOMES}, {"outcome": CallOutcome.ANSWERED, **fields})
    call.outcome = CallOutcome.ANSWERED


def call_complete(call: ProviderCall, answer: Answer, *, outcome: str) -> dict | None:
    """Answered and settled in one write, for an answer used in the same transaction.

    For the caption, embedding and moderation calls, whose answer is written with the
    step: recording it first would only add a write inside that same transaction.
    Returns the chain-total increments (`chain_totals`) when this write settled the
    row, None when the row was settled already (it is then counted already).
    """
    fields = _take_answer(call, answer)
    settled = update(
        ProviderCall,
        {"id": call.pk, "outcome": OPEN_OUTCOMES},
        {"outcome": outcome, "finished_at": call.answered_at, **fields},
    )
    call.outcome = outcome
    return chain_totals(call) if settled and call.chain_id else None


def _take_answer(call: ProviderCall, answer: Answer, *, answer_url: str = "", stored_key: str = "") -> dict:
    """Put the answer on the call in memory; returns the fields to write."""
    call.request_id = (answer.request_id or "")[:120]
    call.usage = answer.usage or {}
    call.cost = answer.cost
    call.cost_is_estimate = answer.estimated
    call.price_source = (answer.price_source or call.price_source)[:200]
    call.details = answer.details or {}
    call.answer_url = answer_url
    call.stored_key = stored_key
    call.answered_at = timezone.now()
    return dict(
        request_id=call.request_id,
        usage=call.usage,
        cost=call.cost,
        cost_is_estimate=call.cost_is_estimate,
        price_source=call.price_source,
        details=call.details,
        answer_url=answer_url,
        stored_key=stored_key,
        answered_at=call.answered_at,
        requests=call.requests,
        duration_ms=call.duration_ms,
    )


def call_stored(call: ProviderCall, *, key: str) -> None:
    """An answer's picture is in storage under `key`: a crash from here on adopts it."""
    ProviderCall.objects.filter(pk=call.pk).update(stored_key=key)
    call.stored_key = key


def call_settle(call: ProviderCall, *, outcome: str, error: ProviderError | None = None) -> bool:
    """Close an open call once (ok, lost, failed, timed out) and add it to its chain's totals."""
    fields = {"outcome": outcome, "finished_at": timezone.now()}
    if error is not None:
        fields.update(error_kind=error.kind, error=mask_secrets(error.message)[:4000])
    if call.outcome == CallOutcome.PENDING:
        fields.update(requests=call.requests, duration_ms=call.duration_ms)
    with transaction.atomic():
        settled = ProviderCall.objects.filter(pk=call.pk, outcome__in=OPEN_OUTCOMES).update(**fields)
        if settled and call.chain_id:
            row = ProviderCall.objects.get(pk=call.pk)
            _add_to_chain_totals(row)
    call.outcome = outcome
    return bool(settled)


def call_settle_answered(call: ProviderCall, *, outcome: str) -> dict | None:
    """Settle an answered call whose row this process holds whole, without reading it back.

    The paint phase's: its call was answered (`call_answered`) or loaded whole by this
    task, so the row's usage and cost are the ones in memory. Returns the chain-total
    increments to write with the chain's other changes, None if it was settled already.
    """
    fields = {"outcome": outcome, "finished_at": timezone.now()}
    if call.outcome == CallOutcome.PENDING:
        fields.update(requests=call.requests, duration_ms=call.duration_ms)
    settled = update(ProviderCall, {"id": call.pk, "outcome": OPEN_OUTCOMES}, fields)
    call.outcome = outcome
    return chain_totals(call) if settled and call.chain_id else None


def call_fail(call: ProviderCall, *, error: ProviderError, meter: CallMeter, started: float) -> None:
    """A call that raised: timed out (maybe billed: its estimate stays) or failed (costs 0)."""
    call.requests = meter.requests
    call.duration_ms = int((time.monotonic() - started) * 1000)
    if meter.timed_out or error.kind == "timed_out":
        call_settle(call, outcome=CallOutcome.TIMED_OUT, error=error)
        return
    ProviderCall.objects.filter(pk=call.pk, outcome=CallOutcome.PENDING).update(cost=Decimal("0"))
    call_settle(call, outcome=CallOutcome.FAILED, error=error)


def call_download_failed(call: ProviderCall, *, error: ProviderError) -> int:
    """One more failed download of an answered call's URL; returns how many failed so far."""
    ProviderCall.objects.filter(pk=call.pk).update(
        downloads=F("downloads") + 1, error_kind=error.kind, error=mask_secrets(error.message)[:4000]
    )
    call.refresh_from_db(fields=["downloads"])
    return call.downloads


def _add_to_chain_totals(row: ProviderCall) -> None:
    if totals := chain_totals(row):
        update(Chain, {"id": row.chain_id}, totals)


def chain_totals(row: ProviderCall) -> dict:
    """What a settled call adds to its chain's totals, as increments for one `update`."""
    usage = row.usage or {}
    amounts = {
        "estimated_cost": row.cost,
        "input_tokens": int(usage.get("input_tokens", 0) or 0),
        "output_tokens": int(usage.get("output_tokens", 0) or 0),
        "embedding_tokens": int(usage.get("tokens", 0) or 0),
    }
    if row.role == CallRole.IMAGE and row.outcome in (CallOutcome.OK, CallOutcome.LOST) and row.answered_at:
        amounts["images_generated"] = int(usage.get("images", 1) or 1)
    return increments(**amounts)


def increments(**amounts) -> dict:
    """`field = field + amount` (`chains.compiled.update`) for each amount that is not
    zero: adding nothing would only make one more shape of statement."""
    return {field: Add(amount) for field, amount in amounts.items() if amount}


# --- calls left open ------------------------------------------------------------------------


CALL_ABANDONED = "The worker making this call stopped before it finished (a crash or a kill)."
CALL_SUPERSEDED = "The chain was re-run from an earlier step before this answer was used."


def calls_abandon(*, chain_id: int, role: str, step_index: int | None) -> int:
    """Calls of this step still open when a new attempt starts were cut short by a crash.

    The caller holds the chain's claim, which outlives any live call's deadline, so
    whoever made them is gone. Their estimated cost stays counted: the server may
    have done the work. An answered image call is not abandoned but resumed.
    """
    open_calls = ProviderCall.objects.for_step(chain_id=chain_id, role=role, step_index=step_index)
    abandoned = 0
    for call in open_calls.filter(outcome__in=OPEN_OUTCOMES):
        abandoned += call_settle(
            call, outcome=CallOutcome.LOST, error=ProviderError(CALL_ABANDONED, permanent=False, kind="lost")
        )
    return abandoned


def calls_abandon_after(*, chain_id: int, step_index: int) -> int:
    """A re-run from `step_index`: open calls for later steps will never be used."""
    later = ProviderCall.objects.filter(chain_id=chain_id, step_index__gt=step_index, outcome__in=OPEN_OUTCOMES)
    error = ProviderError(CALL_SUPERSEDED, permanent=False, kind="lost")
    return sum(call_settle(call, outcome=CallOutcome.LOST, error=error) for call in later)


# --- sums ----------------------------------------------------------------------------------------


def spent_since(moment) -> Decimal:
    """Money spent or committed by calls started since `moment`: the ledger's sum."""
    return ProviderCall.objects.since(moment).aggregate(total=Sum("cost"))["total"] or Decimal("0")
