"""The three phases of a step: caption it, embed its caption, paint the next step.

Each phase follows the same discipline, which is what lets a message be delivered
twice or a worker be killed at any instant without a duplicate or a gap:

1. do nothing if the chain is not running or the output already exists;
2. claim the chain with a conditional update (one phase of a chain at a time);
3. call the provider outside any transaction;
4. write the output with an update guarded on "still missing", release the claim
   and, only after commit, enqueue whatever the chain lacks next.
"""

from __future__ import annotations

import enum
import logging
import time
import uuid
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Subquery
from django.utils import timezone

from telephone_site.log import bind_log_context

from .. import costs, modes
from ..budget import budget_exhausted
from ..cache import content_changed_on_commit
from ..compiled import CompiledRead, NullOrBefore, instance, update
from ..models import CallOutcome, CallRole, Chain, ProviderCall, Status, Step
from ..models.ledger import OPEN_OUTCOMES
from ..providers import build_role
from ..providers.base import CaptionRequest, ProviderError
from ..selectors.chains import next_work_after
from . import ledger
from .drift import step_similarities
from .lifecycle import chain_enqueue, chain_enqueue_next, chain_pause_for_budget
from .usage import call_record, with_call

logger = logging.getLogger(__name__)

CAPTION_EMPTY = "The captioner returned an empty caption."


class Outcome(enum.Enum):
    DONE = "done"
    ALREADY_DONE = "already done"
    BUSY = "busy"
    INACTIVE = "inactive"
    PAUSED = "paused for budget"


UNREAD = object()


def chain_claim(*, chain_id: int, progressed_at=UNREAD) -> str | None:
    """Take the chain's work claim if it is free or expired; returns the claim token.

    A phase passes the chain's `progressed_at` as it read it with its step. If another
    task moved the chain on since (a duplicate message finishing this very work in the
    moment between that read and this claim), the claim fails: a decision taken on the
    stale read, such as paying for a picture the step already has, is never acted on.
    """
    now = timezone.now()
    token = uuid.uuid4().hex
    where = {"id": chain_id, "status": Status.RUNNING, "claimed_until": NullOrBefore(now)}
    if progressed_at is not UNREAD:
        where["progressed_at"] = progressed_at
    taken = update(
        Chain, where, {"claimed_until": now + timedelta(seconds=settings.TELEPHONE_CLAIM_SECONDS), "claim_token": token}
    )
    return token if taken else None


def chain_release(*, chain_id: int, token: str) -> bool:
    return bool(update(Chain, {"id": chain_id, "claim_token": token}, {"claimed_until": None, "claim_token": ""}))


def _out_of_budget(*, chain: Chain, token: str) -> bool:
    """Billable phases first check the day's budget; at the limit the chain pauses.

    Chains whose models cost nothing (the offline provider) skip the check.
    """
    if not costs.can_spend(chain.provider_settings) or not budget_exhausted():
        return False
    chain_release(chain_id=chain.pk, token=token)
    chain_pause_for_budget(chain_id=chain.pk)
    return True


# What the phases read of a step and its chain: a whole row of each is ~80 columns to
# compile, fetch and convert (JSON, decimals, dates) on every task, for a dozen used.
# Reading one left out costs a query of its own: `tests/chains/test_phase_queries.py`.
LOADED_FIELDS = (
    *("id", "chain_id", "index", "image", "image_screen", "caption", "caption_draft", "embedding", "calls"),
    *(f"chain__{name}" for name in ("id", "status", "target_length", "seed", "mode", "detail", "theme")),
    *(f"chain__{name}" for name in ("provider", "provider_settings", "visibility", "is_hidden", "progressed_at")),
)


@dataclass(frozen=True)
class EarlierCalls:
    """What a new call needs of the step's earlier calls of its role: the attempt number
    to follow, and whether a dead attempt left any open (rarely: after a crash)."""

    last_attempt: int = 0
    any_open: bool = False

    @classmethod
    def of(cls, calls: list[ProviderCall]) -> EarlierCalls:
        return cls(
            last_attempt=max((call.attempt for call in calls), default=0),
            any_open=any(call.outcome in OPEN_OUTCOMES for call in calls),
        )


def step_read(*, role: str, calls_ahead: int = 0, **annotations) -> CompiledRead:
    """A phase's one read: the step, its chain, and its earlier calls of `role` (those of
    step index + `calls_ahead`), compiled once per process (`chains.compiled`).

    The calls are read before the claim is taken: one that was live then belongs to
    whoever held the claim, so this task's claim fails (BUSY) unless it ended meanwhile.
    """

    def build(step_id: int):
        calls = ProviderCall.objects.filter(
            chain_id=OuterRef("chain_id"), role=role, step_index=OuterRef("index") + calls_ahead
        )
        annotated = (
            Step.objects.filter(pk=step_id)
            .order_by()
            .annotate(
                last_attempt=Subquery(calls.order_by("-attempt").values("attempt")[:1]),
                calls_open=Exists(calls.filter(outcome__in=OPEN_OUTCOMES)),
                **annotations,
            )
        )
        return annotated.values_list(*LOADED_FIELDS, "last_attempt", "calls_open", *annotations)

    return CompiledRead(build)


def _load_step(step_id: int, read: CompiledRead) -> Step | None:
    """The step with its chain (`step.chain`), `step.earlier_calls`, and `read`'s other annotations."""
    row = read.first(step_id)
    if row is None:
        return None
    step = instance(Step, row)
    step.chain = instance(Chain, row, prefix="chain__")
    step.earlier_calls = EarlierCalls(last_attempt=row.pop("last_attempt") or 0, any_open=bool(row.pop("calls_open")))
    for name in row.keys() - LOADED_FIELDS:  # the read's own annotations (`next_exists`)
        setattr(step, name, row[name])
    bind_log_context(chain_id=step.chain_id, step_index=step.index)
    return step


def _elapsed_ms(started: float) -> int:
    return int((time.perf_counter() - started) * 1000)


def _finish_phase(
    *,
    chain: Chain,
    token: str,
    wrote: bool,
    totals: dict | None = None,
    fields: dict | None = None,
    newest: Step | None = None,
) -> None:
    """Inside the phase's transaction, one write to the chain, then the next task on commit.

    That write adds the settled call's `totals` (`ledger.chain_totals`), releases the
    claim and, when the phase wrote its output, marks the chain alive and stores its
    other `fields` (the drift curve). Only a listed chain's progress touches the lists'
    cache version, and only debounced (`chains.cache`): private and hidden chains can
    run all day without emptying the gallery's cache, and public ones refresh it at
    most every few seconds.

    What comes next is derived from `newest`, the chain's newest step as this phase
    left it, when the write found the chain still running under this phase's claim
    (the row is then locked until commit: nothing else moved the chain meanwhile);
    otherwise (a claim that expired, a chain stopped or held meanwhile) it is read
    again after commit, as anyone else would (`chain_enqueue_next`).
    """
    changes = dict(totals or {})
    if wrote:
        changes.update(fields or {}, progressed_at=timezone.now())
    ours = update(
        Chain,
        {"id": chain.pk, "claim_token": token, "status": Status.RUNNING},
        {**changes, "claimed_until": None, "claim_token": ""},
    )
    if not ours:
        _release_late(chain_id=chain.pk, token=token, changes=changes)
    if wrote:
        content_changed_on_commit(chain_id=chain.pk, listed=chain.is_listed, progress=True)
        if ours and newest is not None:
            work = next_work_after(last=newest, target_length=chain.target_length)
            transaction.on_commit(lambda: chain_enqueue(chain_id=chain.pk, work=work))
        else:
            transaction.on_commit(lambda: chain_enqueue_next(chain_id=chain.pk))


def _release_late(*, chain_id: int, token: str, changes: dict) -> None:
    """The chain is no longer running, or the claim expired and was taken: release it if
    it is still ours, and write the phase's changes either way (they still hold)."""
    released = update(
        Chain, {"id": chain_id, "claim_token": token}, {**changes, "claimed_until": None, "claim_token": ""}
    )
    if not released and changes:
        update(Chain, {"id": chain_id}, changes)


def _guard(step: Step | None, *, done) -> Outcome | None:
    if step is None or step.chain.status != Status.RUNNING:
        return Outcome.INACTIVE
    if done(step):
        return Outcome.ALREADY_DONE
    return None


def open_call(*, chain: Chain, role: str, step_index: int, earlier: EarlierCalls):
    """A new ledger row for this step's call; rows a dead attempt left open are closed first."""
    if earlier.any_open:
        ledger.calls_abandon(chain_id=chain.pk, role=role, step_index=step_index)
    return ledger.call_open(chain=chain, role=role, step_index=step_index, attempt=earlier.last_attempt + 1)


CAPTION_READ = step_read(role=CallRole.CAPTION)
EMBED_READ = step_read(role=CallRole.EMBEDDING)


def step_caption(*, step_id: int) -> Outcome:
    """Caption a step into `caption_draft`; it becomes `caption` once screening passes."""
    step = _load_step(step_id, CAPTION_READ)
    if skip := _guard(step, done=lambda s: bool(s.caption or s.caption_draft)):
        return skip
    chain = step.chain
    token = chain_claim(chain_id=chain.pk, progressed_at=chain.progressed_at)
    if token is None:
        return Outcome.BUSY
    if _out_of_budget(chain=chain, token=token):
        return Outcome.PAUSED
    try:
        call = open_call(chain=chain, role=CallRole.CAPTION, step_index=step.index, earlier=step.earlier_calls)
        started = time.perf_counter()
        with ledger.metered_call(call):
            result = _caption(chain=chain, step=step)
        elapsed = _elapsed_ms(started)
    except BaseException:
        chain_release(chain_id=chain.pk, token=token)
        raise
    cost = result.cost
    record = call_record(
        snapshot=chain.provider_settings,
        call="caption",
        result=result,
        model=result.model,
        request_id=result.request_id,
    )
    answer = ledger.answer_of(
        result, usage={"input_tokens": result.input_tokens, "output_tokens": result.output_tokens}
    )
    with transaction.atomic():
        wrote = update(
            Step,
            {"id": step.pk, "caption": "", "caption_draft": ""},
            {
                "caption_draft": result.text,
                "caption_model": result.model,
                "caption_request_id": result.request_id,
                "caption_ms": elapsed,
                "captioned_at": timezone.now(),
                "calls": with_call(step.calls, "caption", record),
                **ledger.increments(
                    input_tokens=result.input_tokens, output_tokens=result.output_tokens, estimated_cost=cost
                ),
            },
        )
        totals = ledger.call_complete(call, answer, outcome=CallOutcome.OK if wrote else CallOutcome.LOST)
        step.caption_draft = result.text
        _finish_phase(chain=chain, token=token, wrote=bool(wrote), totals=totals, newest=step)
    logger.info(
        "captioned step %s in %d ms",
        step.index,
        elapsed,
        extra={"provider_request_id": result.request_id, "model": result.model, "wrote": bool(wrote)},
    )
    return Outcome.DONE


def _caption(*, chain: Chain, step: Step):
    captioner = build_role(CallRole.CAPTION, chain.provider, chain.provider_settings)
    with step.image.open("rb") as handle:
        image_bytes = handle.read()
    request = CaptionRequest(
        image=image_bytes,
        instructions=modes.caption_instructions(
            mode=chain.mode, detail=chain.detail, theme=chain.theme, step_index=step.index
        ),
        detail=chain.detail,
        mode=chain.mode,
        theme=chain.theme,
        step_index=step.index,
        seed=chain.seed + step.index,
    )
    result = captioner.caption(request)
    if not result.text.strip():
        raise ProviderError(CAPTION_EMPTY, permanent=True, kind="bad_answer")
    return result


def step_embed(*, step_id: int) -> Outcome:
    step = _load_step(step_id, EMBED_READ)
    if skip := _guard(step, done=lambda s: s.embedding is not None or not s.caption):
        return skip
    chain = step.chain
    token = chain_claim(chain_id=chain.pk, progressed_at=chain.progressed_at)
    if token is None:
        return Outcome.BUSY
    try:
        call = open_call(chain=chain, role=CallRole.EMBEDDING, step_index=step.index, earlier=step.earlier_calls)
        started = time.perf_counter()
        with ledger.metered_call(call):
            embedder = build_role(CallRole.EMBEDDING, chain.provider, chain.provider_settings)
            result = embedder.embed([step.caption])
        elapsed = _elapsed_ms(started)
    except BaseException:
        chain_release(chain_id=chain.pk, token=token)
        raise
    vector = result.vectors[0].astype("float32")
    cost = result.cost
    record = call_record(
        snapshot=chain.provider_settings,
        call="embedding",
        result=result,
        model=result.model,
        request_id=result.request_id,
    )
    answer = ledger.answer_of(result, usage={"tokens": result.tokens})
    similarities, drift = step_similarities(step=step, vector=vector)
    with transaction.atomic():
        wrote = update(
            Step,
            {"id": step.pk, "embedding": None},
            {
                **similarities,
                "embedding": vector.tobytes(),
                "embedding_model": result.model,
                "embedding_dimension": int(vector.shape[0]),
                "embedding_request_id": result.request_id,
                "embed_ms": elapsed,
                "embedded_at": timezone.now(),
                "calls": with_call(step.calls, "embedding", record),
                **ledger.increments(embedding_tokens=result.tokens, estimated_cost=cost),
            },
        )
        totals = ledger.call_complete(call, answer, outcome=CallOutcome.OK if wrote else CallOutcome.LOST)
        step.embedding = vector.tobytes()
        _finish_phase(chain=chain, token=token, wrote=bool(wrote), totals=totals, fields=drift, newest=step)
    logger.info(
        "embedded step %s in %d ms",
        step.index,
        elapsed,
        extra={"provider_request_id": result.request_id, "model": result.model, "wrote": bool(wrote)},
    )
    return Outcome.DONE
