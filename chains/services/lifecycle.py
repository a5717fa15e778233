"""Creating, starting, stopping and resuming chains."""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .. import images
from ..budget import BUDGET_PAUSED, BudgetExceeded, budget_exhausted, budget_reserve, estimate_chain_cost
from ..cache import content_changed_on_commit
from ..errors import UserFacingError
from ..failures import mask_secrets
from ..models import ACTIVE_STATUSES, Chain, Detail, Mode, Screening, Status, Step, Visibility
from ..models.ledger import new_call_token
from ..providers import current_snapshot
from ..providers.problems import first_error, snapshot_problems
from ..selectors.chains import COMPLETE, NextWork, chain_next_work
from .analysis import chain_analyse
from .dispatch import BROKER_ERRORS, enqueue_work

logger = logging.getLogger(__name__)

CHAIN_BAD_LENGTH = "A chain is 1 to {maximum} steps long."
CHAIN_BAD_MODE = "Unknown mode; choose telephone, more or story."
CHAIN_BAD_DETAIL = "Unknown detail level; choose somewhat, very, excessively or obsessively."
CHAIN_NOT_RESUMABLE = "Only paused, failed or cancelled chains can be resumed."
CHAIN_ALREADY_ENDED = "This chain has already ended."
CHAIN_CONFIGURATION_REFUSED = "This chain cannot run with the configured models: {message} {hint}"


class ChainError(UserFacingError):
    """A request about a chain that cannot be honoured; `message` is for people."""


def chain_create(
    *,
    image: bytes,
    target_length: int,
    mode: str = Mode.TELEPHONE,
    detail: str = Detail.VERY,
    theme: str = "",
    title: str = "",
    owner=None,
    visibility: str = Visibility.PUBLIC,
    provider: str | None = None,
    seed: int | None = None,
    parent: Chain | None = None,
    fork_step: Step | None = None,
    origin_screened: bool = False,
    overrides: dict | None = None,
) -> Chain:
    """Store a new chain and its starting image as step 0; it stays queued until started.

    Its estimated cost is reserved against today's budget in the same transaction,
    under the admission lock (`budget.budget_reserve`): concurrent requests cannot
    overshoot, and a refusal (ChainError BUDGET_REACHED) leaves nothing behind.

    The starting image is screened by the loop like any picture, before anything is
    built on it, unless it was screened already: an approved submission's was, on
    upload and by staff. A branch's is not: its step may still have been waiting.
    """
    _validate_settings(mode=mode, detail=detail, target_length=target_length)
    clean = images.clean_image(image)
    providers = current_snapshot(provider)
    snapshot = {**providers.snapshot, **(overrides or {})}
    refuse_unworkable(snapshot=snapshot)
    estimated = estimate_chain_cost(snapshot=snapshot, target_length=target_length)
    fields = dict(
        title=title[:120],
        owner=owner,
        mode=mode,
        detail=detail,
        theme=theme[:200],
        target_length=target_length,
        visibility=visibility,
        provider=providers.name,
        provider_settings=snapshot,
        parent=parent,
        fork_step=fork_step,
        reserved_cost=estimated,
    )
    if seed is not None:
        fields["seed"] = seed
    with transaction.atomic():
        _reserve(estimated)
        chain = Chain.objects.create(**fields)
        _store_origin(chain=chain, clean=clean, screened=origin_screened)
    content_changed_on_commit(chain_id=chain.pk)
    return chain


def chain_reserve_steps(*, chain: Chain, steps: int) -> None:
    """Steps still to make are new spending when the chain holds no reservation for
    them: it ended (an ended chain's reservation stops counting, `outstanding_reservations`)
    or they were deleted to be made again. Reserve them as a new chain's, or refuse.
    Call inside the transaction that reopens the chain."""
    estimated = estimate_chain_cost(snapshot=chain.provider_settings, target_length=max(steps, 0))
    _reserve(estimated)
    Chain.objects.filter(pk=chain.pk).update(reserved_cost=F("estimated_cost") + estimated)


def _steps_painted(chain: Chain) -> int:
    """Pictures made so far (step 0 is the starting image, not painted)."""
    return Step.objects.filter(chain_id=chain.pk, index__gt=0).count()


def _reserve(estimated) -> None:
    if estimated <= 0:
        return  # free work needs no reservation and takes no lock
    try:
        budget_reserve(estimated=estimated)
    except BudgetExceeded as refused:
        raise ChainError(refused.message) from None


def _validate_settings(*, mode: str, detail: str, target_length: int) -> None:
    if mode not in Mode.values:
        raise ChainError(CHAIN_BAD_MODE)
    if detail not in Detail.values:
        raise ChainError(CHAIN_BAD_DETAIL)
    maximum = settings.TELEPHONE_MAX_STEPS
    if not isinstance(target_length, int) or not 1 <= target_length <= maximum:
        raise ChainError(CHAIN_BAD_LENGTH.format(maximum=maximum))


def refuse_unworkable(*, snapshot: dict) -> None:
    """No chain is started, and nothing spent, on a configuration that cannot work."""
    problem = first_error(snapshot_problems(snapshot, today=timezone.now().date()))
    if problem is not None:
        raise ChainError(CHAIN_CONFIGURATION_REFUSED.format(message=problem.message, hint=problem.hint).strip())


def _store_origin(*, chain: Chain, clean: images.CleanImage, screened: bool) -> Step:
    """Files first, under keys of their own, then the row; if the row fails the files go."""
    keys = images.store_step_images(chain_id=chain.pk, index=0, token=new_call_token(), image=clean)
    try:
        return Step.objects.create(
            chain=chain,
            index=0,
            image=keys.original,
            **images.thumbnail_fields(keys),
            width=clean.width,
            height=clean.height,
            image_screen=Screening.PASSED if screened else Screening.PENDING,
        )
    except Exception:
        images.delete_images(keys.original)
        raise


def chain_start(*, chain: Chain) -> Chain:
    """Mark the chain running and hand its first phase to the workers after commit."""
    refuse_unworkable(snapshot=chain.provider_settings)
    now = timezone.now()
    updated = Chain.objects.filter(pk=chain.pk, status__in=(Status.QUEUED, Status.PAUSED)).update(
        status=Status.RUNNING, started_at=now, progressed_at=now, error_message=""
    )
    if updated:
        content_changed_on_commit(chain_id=chain.pk)
        transaction.on_commit(lambda: chain_enqueue_next(chain_id=chain.pk))
    chain.refresh_from_db()
    return chain


def chain_enqueue_next(*, chain_id: int) -> str | None:
    """Send the task for whatever the chain lacks, as its rows say; complete it when nothing is left."""
    return chain_enqueue(chain_id=chain_id, work=chain_next_work(chain_id=chain_id))


def chain_enqueue(*, chain_id: int, work: NextWork | None) -> str | None:
    """Send the task for `work`, what the chain lacks next; complete the chain when it is COMPLETE.

    A phase that has just written its step knows that step's state and derives `work`
    in memory (`phases._finish_phase`); everyone else reads it (`chain_enqueue_next`)."""
    if work is None:
        return None
    if work.phase == COMPLETE:
        chain_complete(chain_id=chain_id)
        return COMPLETE
    enqueue_work(phase=work.phase, step_id=work.step_id)
    return work.phase


def chain_complete(*, chain_id: int) -> bool:
    """Mark the chain done together with its figures, once; True if this call did.

    The status and the figures commit together or not at all, so a chain is never
    "completed" without its figures. If the analysis fails (a database error, a bug)
    or the worker dies during it, nothing is committed: the chain stays running and
    the reconciler completes it again after a stall period. The block is a savepoint
    when a caller already holds a transaction, so the failure is rolled back to here
    and that transaction stays usable (on PostgreSQL a caught error would otherwise
    leave it aborted).
    """
    try:
        with transaction.atomic():
            completed = Chain.objects.filter(pk=chain_id, status=Status.RUNNING).update(
                status=Status.COMPLETED, finished_at=timezone.now(), claimed_until=None, claim_token=""
            )
            if completed:
                chain_analyse(chain_id=chain_id)  # 2-D path, drift figures, debounced atlas recompute
                # The loop's own news, like its steps: lists catch up within the debounce.
                content_changed_on_commit(chain_id=chain_id, progress=True)
                transaction.on_commit(lambda: _enqueue_share_cards(chain_id))
    except Exception:  # noqa: BLE001 - whatever broke, the chain must stay running, not fail
        logger.exception("chain=%s: analysis failed; left running for the reconciler", chain_id)
        return False
    return bool(completed)


def _enqueue_share_cards(chain_id: int) -> None:
    """Cards are a convenience made ahead of time: with the broker down, the first
    visitor who shares the chain gets them made on request instead."""
    from .. import tasks  # tasks import services; resolved lazily like dispatch.enqueue_work

    try:
        tasks.render_share_cards.delay(chain_id)
    except BROKER_ERRORS as error:
        logger.warning("broker unavailable, share cards of chain=%s left to be made on request: %s", chain_id, error)


def chain_fail(*, chain_id: int, message: str, kind: str = "", role: str = "") -> bool:
    """End a chain because of a permanent error.

    Two voices: `message` (keys masked) is for staff; visitors see the fixed
    sentence for `kind` and `role` (`Chain.public_error`).
    """
    failed = Chain.objects.filter(pk=chain_id, status__in=ACTIVE_STATUSES).update(
        status=Status.FAILED,
        error_message=mask_secrets(message)[:2000],
        error_kind=kind[:32],
        error_role=role[:16],
        finished_at=timezone.now(),
        claimed_until=None,
        claim_token="",
    )
    if failed:
        content_changed_on_commit(chain_id=chain_id)
    return bool(failed)


def chain_cancel(*, chain: Chain) -> Chain:
    """Stop a chain; a phase already talking to a provider finishes but starts nothing new."""
    updated = Chain.objects.filter(pk=chain.pk, status__in=(*ACTIVE_STATUSES, Status.PAUSED)).update(
        status=Status.CANCELLED, finished_at=timezone.now()
    )
    if not updated:
        raise ChainError(CHAIN_ALREADY_ENDED)
    content_changed_on_commit(chain_id=chain.pk)
    chain.refresh_from_db()
    return chain


def chain_pause(*, chain: Chain) -> Chain:
    if Chain.objects.filter(pk=chain.pk, status__in=ACTIVE_STATUSES).update(status=Status.PAUSED):
        content_changed_on_commit(chain_id=chain.pk)
    chain.refresh_from_db()
    return chain


def chain_pause_for_budget(*, chain_id: int) -> bool:
    paused = Chain.objects.filter(pk=chain_id, status=Status.RUNNING).update(
        status=Status.PAUSED, error_message=BUDGET_PAUSED
    )
    if paused:
        content_changed_on_commit(chain_id=chain_id)
    return bool(paused)


def chains_resume_after_budget() -> list[int]:
    """Chains the budget paused go on once spending is under the budget again."""
    if budget_exhausted():
        return []
    resumed = []
    for chain in Chain.objects.filter(status=Status.PAUSED, error_message=BUDGET_PAUSED):
        chain_resume(chain=chain)
        resumed.append(chain.pk)
    return resumed


def chain_resume(*, chain: Chain) -> Chain:
    """Pick a stopped chain up exactly where its rows say it stopped.

    Resuming a chain held for review is staff's decision that the flagged step may
    stand: it is published as it is and the chain goes on.
    """
    from .screening import chain_release_hold

    now = timezone.now()
    with transaction.atomic():
        if chain.status in (Status.FAILED, Status.CANCELLED):
            chain_reserve_steps(chain=chain, steps=chain.target_length - _steps_painted(chain))
        updated = Chain.objects.filter(
            pk=chain.pk, status__in=(Status.PAUSED, Status.FAILED, Status.CANCELLED, Status.HELD)
        ).update(
            status=Status.RUNNING,
            error_message="",
            error_kind="",
            error_role="",
            finished_at=None,
            progressed_at=now,
            claimed_until=None,
            claim_token="",
        )
        if updated and chain.status == Status.HELD:
            chain_release_hold(chain_id=chain.pk)
    if not updated:
        raise ChainError(CHAIN_NOT_RESUMABLE)
    content_changed_on_commit(chain_id=chain.pk)
    transaction.on_commit(lambda: chain_enqueue_next(chain_id=chain.pk))
    chain.refresh_from_db()
    return chain
