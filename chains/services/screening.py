"""Screening before publishing: a phase of its own, between making and building on.

A painted picture is stored with `image_screen` pending and a caption goes into
`caption_draft`; neither is public (see `StepQuerySet.published` and the caption
fields). This phase asks the moderator about whichever is waiting, and only when it
passes does the picture become public, the caption move into `caption`, and the
next phase get enqueued. A failed screening call is retried by the task layer with
backoff for as long as it fails: the chain waits and nothing is published. A
flagged step holds its chain for review, hides it (and every chain branched from
it) and hands it to staff through TELEPHONE_FLAG_HANDLER (the moderation queue).

`TELEPHONE_MODERATOR=none` is the one way to publish unscreened: the step is then
marked "not screened", which staff see.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import transaction
from django.utils.module_loading import import_string

from ..cache import content_changed_on_commit
from ..compiled import update
from ..models import CallOutcome, CallRole, Chain, Screening, Status, Step
from ..providers import build_role
from ..providers import screening_enabled as providers_screening_enabled
from . import ledger
from .atlas import atlas_mark_dirty
from .phases import Outcome, _finish_phase, _guard, _load_step, chain_claim, chain_release, open_call, step_read

logger = logging.getLogger(__name__)

HELD_FOR_REVIEW = "Held for review: screening flagged {what} of step {index}."


def screening_enabled(chain: Chain | None = None) -> bool:
    """Off only by TELEPHONE_MODERATOR=none, as the chain recorded it (or settings say now)."""
    return providers_screening_enabled(chain.provider_settings if chain is not None else None)


def _waiting(step: Step) -> bool:
    return step.image_screen == Screening.PENDING or bool(step.caption_draft and not step.caption)


SCREEN_READ = step_read(role=CallRole.MODERATION)


def step_screen(*, step_id: int) -> Outcome:
    """Screen what a step has waiting (its picture first, then its caption)."""
    step = _load_step(step_id, SCREEN_READ)
    if skip := _guard(step, done=lambda s: not _waiting(s)):
        return skip
    chain = step.chain
    token = chain_claim(chain_id=chain.pk, progressed_at=chain.progressed_at)
    if token is None:
        return Outcome.BUSY
    what = "picture" if step.image_screen == Screening.PENDING else "caption"
    try:
        verdict, call = _moderate(chain=chain, step=step, what=what) if screening_enabled(chain) else (None, None)
    except BaseException:
        chain_release(chain_id=chain.pk, token=token)
        raise
    with transaction.atomic():
        totals = _settle(call, verdict=verdict, what=what)
        if verdict is not None and verdict.flagged:
            _hold(chain=chain, step=step, what=what, categories=verdict.categories)
            _finish_phase(chain=chain, token=token, wrote=False, totals=totals)
        else:
            wrote = _publish(step=step, what=what, screened=verdict is not None)
            _finish_phase(chain=chain, token=token, wrote=wrote, totals=totals, newest=step)
    logger.info(
        "screened the %s of step %s: %s",
        what,
        step.index,
        "flagged" if verdict is not None and verdict.flagged else "passed" if verdict else "not screened",
    )
    return Outcome.DONE


def _moderate(*, chain: Chain, step: Step, what: str):
    """The verdict and its ledger row, still open: `_settle` closes it with the outcome."""
    call = open_call(chain=chain, role=CallRole.MODERATION, step_index=step.index, earlier=step.earlier_calls)
    moderator = build_role(CallRole.MODERATION, chain.provider, chain.provider_settings)
    with ledger.metered_call(call):
        if what == "picture":
            with step.image.open("rb") as handle:
                verdict = moderator.moderate(image=handle.read())
        else:
            verdict = moderator.moderate(text=step.caption_draft)
    return verdict, call


def _settle(call, *, verdict, what: str) -> dict | None:
    """In the publishing transaction: the verdict is counted in the ledger with what it decided."""
    if call is None:
        return None
    details = {"what": what, "flagged": verdict.flagged, "categories": list(verdict.categories)}
    return ledger.call_complete(call, ledger.answer_of(verdict, details=details), outcome=CallOutcome.OK)


def _publish(*, step: Step, what: str, screened: bool) -> bool:
    """Guarded on "still waiting", so a repeated message publishes nothing twice.

    `step` is left as the row now is, for `_finish_phase` to say what comes next."""
    state = Screening.PASSED if screened else Screening.OFF
    if what == "picture":
        published = update(Step, {"id": step.pk, "image_screen": Screening.PENDING}, {"image_screen": state})
        step.image_screen = state
    else:  # the draft this task screened, still waiting: not one written since
        waiting = {"id": step.pk, "caption": "", "caption_draft": step.caption_draft}
        published = update(Step, waiting, {"caption": step.caption_draft, "caption_draft": ""})
        step.caption, step.caption_draft = step.caption_draft, ""
    return bool(published)  # `_finish_phase` tells the page caches, as progress


def _hold(*, chain: Chain, step: Step, what: str, categories) -> bool:
    if what == "picture":
        Step.objects.filter(pk=step.pk, image_screen=Screening.PENDING).update(image_screen=Screening.FLAGGED)
    held = Chain.objects.filter(pk=chain.pk, status=Status.RUNNING).update(
        status=Status.HELD,
        error_message=HELD_FOR_REVIEW.format(what=f"the {what}", index=step.index),
        error_kind="",
        error_role="",
    )
    if held:
        chain_flag(chain_id=chain.pk, step_id=step.pk, categories=categories)
    return bool(held)


def chain_flag(*, chain_id: int, step_id: int | None, categories) -> None:
    """Hide a chain and its branches, and queue it for staff."""
    chains_hide_with_branches(chain_ids=[chain_id])
    handler = import_string(settings.TELEPHONE_FLAG_HANDLER)
    handler(chain_id=chain_id, step_id=step_id, categories=tuple(categories))


def chains_hide_with_branches(*, chain_ids: list[int]) -> list[int]:
    """Hide chains and every chain branched from them, however deep.

    A hidden chain's steps are all hidden, so a branch that starts from one of them
    would otherwise keep showing its picture (as its step 0) after the parent went.
    """
    hidden, frontier = [], list(chain_ids)
    while frontier:
        hidden.extend(frontier)
        Chain.objects.filter(pk__in=frontier).update(is_hidden=True)
        frontier = list(
            Chain.objects.filter(parent_id__in=frontier, is_hidden=False)
            .exclude(pk__in=hidden)
            .values_list("pk", flat=True)
        )
    for chain_id in hidden:
        content_changed_on_commit(chain_id=chain_id)
    atlas_mark_dirty()  # attractors are fitted again without their captions
    return hidden


def chain_release_hold(*, chain_id: int) -> bool:
    """Staff reviewed a held chain's flagged step and let it go on: publish it as is."""
    last = Step.objects.filter(chain_id=chain_id).order_by("-index").first()
    if last is None:
        return False
    Step.objects.filter(pk=last.pk, image_screen=Screening.FLAGGED).update(image_screen=Screening.PASSED)
    if last.caption_draft and not last.caption:
        Step.objects.filter(pk=last.pk, caption="").update(caption=last.caption_draft, caption_draft="")
    return True
