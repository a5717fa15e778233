"""Painting the next step: every picture paid for once, and a step shows only its own.

The discipline, in the order it happens:

1. A picture this step already paid for (a ledger row "answered") is resumed, not
   painted again: its stored file is adopted, or its URL fetched again.
2. Otherwise a ledger row is written (the intent) and the painter is called under
   the image deadline.
3. A `url` answer is recorded in the ledger before it is downloaded; a download
   that fails is retried later from the same URL, and one that finally fails is
   "lost", with its cost counted.
4. The picture is stored under keys holding the call's token, so no other attempt
   (a late answer, a retry) can overwrite it; then the step is inserted pointing at
   it, guarded by the unique (chain, index). A loser's files are deleted.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef

from .. import images, modes
from ..compiled import insert
from ..models import CallOutcome, CallRole, Chain, ProviderCall, Step
from ..providers import build_role
from ..providers.base import PaintRequest, ProviderError
from . import ledger
from .analysis import step_describe_image
from .phases import (
    Outcome,
    _finish_phase,
    _guard,
    _load_step,
    _out_of_budget,
    chain_claim,
    chain_release,
    open_call,
    step_read,
)
from .usage import call_record

logger = logging.getLogger(__name__)

PAINTED_IMAGE_UNREADABLE = "The image model returned a picture that could not be read: {reason}"
DOWNLOAD_LOST = "Gave up downloading the paid picture after {attempts} tries: {message}"
NO_FETCH = "The painter answered with a link but cannot download it."
ANSWER_GONE = "The paid picture of an interrupted attempt was not stored; painting it again."


@dataclass(frozen=True)
class Painted:
    """A picture in storage under its call's keys, with what the step records of it."""

    call: ProviderCall
    clean: images.CleanImage
    keys: images.StepImageKeys


def step_paint_next(*, step_id: int) -> Outcome:
    """Paint step i+1 from step i's caption; never pays twice for the same picture."""
    source = _load_step(step_id, PAINT_READ)
    if skip := _guard(source, done=lambda step: step.index >= step.chain.target_length or step.next_exists):
        return skip
    if not source.caption:
        return Outcome.INACTIVE  # a stale message from before a re-run: nothing to paint from
    chain = source.chain
    token = chain_claim(chain_id=chain.pk, progressed_at=chain.progressed_at)
    if token is None:
        return Outcome.BUSY
    earlier = _image_calls(chain_id=chain.pk, index=source.index + 1) if source.earlier_calls.last_attempt else []
    paid = _answered(earlier) or _stored_before_a_crash(chain=chain, index=source.index + 1, earlier=earlier)
    if paid is None and _out_of_budget(chain=chain, token=token):
        return Outcome.PAUSED
    try:
        if paid:
            painted = _resume(chain=chain, call=paid, source=source)
        else:
            painted = _paint(chain=chain, source=source)
    except BaseException:
        chain_release(chain_id=chain.pk, token=token)
        raise
    described = step_describe_image(chain_id=chain.pk, index=source.index + 1, clean=painted.clean)
    with transaction.atomic():
        painted_step = _create_painted_step(chain=chain, index=source.index + 1, painted=painted, described=described)
        wrote = painted_step is not None
        totals = ledger.call_settle_answered(painted.call, outcome=CallOutcome.OK if wrote else CallOutcome.LOST)
        _finish_phase(chain=chain, token=token, wrote=wrote, totals=totals, newest=painted_step)
        if not wrote:
            # Another attempt's picture is the step's: this one is never shown.
            transaction.on_commit(lambda: images.delete_images(painted.keys.original))
    logger.info(
        "painted step %s",
        source.index + 1,
        extra={
            "provider_request_id": painted.call.request_id,
            "model": painted.call.model,
            "paint_ms": painted.call.duration_ms,
            "attempt": painted.call.attempt,
            "wrote": wrote,
        },
    )
    return Outcome.DONE


# The source step, with whether the next one exists and the next step's image calls so far.
PAINT_READ = step_read(
    role=CallRole.IMAGE,
    calls_ahead=1,
    next_exists=Exists(Step.objects.filter(chain_id=OuterRef("chain_id"), index=OuterRef("index") + 1)),
)


def _image_calls(*, chain_id: int, index: int) -> list[ProviderCall]:
    """This step's image calls, latest first, read whole only when there are any (after a
    failed or interrupted attempt): for resuming an answer paid for, or adopting its file."""
    return list(
        ProviderCall.objects.for_step(chain_id=chain_id, role=CallRole.IMAGE, step_index=index).order_by("-attempt")
    )


def _answered(earlier: list[ProviderCall]) -> ProviderCall | None:
    """An image answer already paid for this step but not yet stored in a step, if any."""
    return next((call for call in earlier if call.outcome == CallOutcome.ANSWERED), None)


def _paint(*, chain: Chain, source: Step) -> Painted:
    index = source.index + 1
    prompt = modes.paint_prompt(mode=chain.mode, caption=source.caption, theme=chain.theme, step_index=source.index)
    painter = build_role(CallRole.IMAGE, chain.provider, chain.provider_settings)
    prompt, truncated = modes.fit_prompt(prompt, getattr(painter, "prompt_limit", None))
    call = open_call(chain=chain, role=CallRole.IMAGE, step_index=index, earlier=source.earlier_calls)
    with ledger.metered_call(call):
        result = painter.paint(PaintRequest(prompt=prompt, seed=chain.seed + index, step_index=index))
    record = call_record(
        snapshot=chain.provider_settings, call="paint", result=result, model=result.model, request_id=result.request_id
    )
    answer = ledger.answer_of(
        result,
        usage={"images": result.images_generated},
        details={
            "prompt": prompt,
            "prompt_truncated": truncated,
            "revised_prompt": result.revised_prompt,
            "params": result.params,
            "model": result.model,
            "record": record,
        },
    )
    if result.url:
        ledger.call_answered(call, answer, answer_url=result.url)  # a URL before its download
        return _store(chain=chain, call=call, data=_download(chain=chain, call=call))
    # Inline bytes: stored first, under the call's own keys, then recorded in one write;
    # a crash in between leaves a file `_stored_before_a_crash` finds through the row.
    try:
        clean = images.clean_image(result.image)
    except images.ImageRejected as rejected:
        ledger.call_answered(call, answer)
        raise _unreadable(call, rejected) from None
    keys = images.store_step_images(chain_id=chain.pk, index=index, token=call.token, image=clean)
    ledger.call_answered(call, answer, stored_key=keys.original)
    return Painted(call=call, clean=clean, keys=keys)


def _stored_before_a_crash(*, chain: Chain, index: int, earlier: list[ProviderCall]) -> ProviderCall | None:
    """The latest attempt's picture when its worker died after storing it, before recording it.

    Found through the ledger row (its token names the keys), never by a path alone. Its
    usage died with the worker: it counts at the estimate its intent recorded.
    """
    call = next((call for call in earlier if call.outcome == CallOutcome.PENDING), None)
    if call is None:
        return None
    key = images.step_image_keys(chain_id=chain.pk, index=index, token=call.token).original
    if images.load_stored(key) is None:
        # Killed while writing: a half-written file is removed, so the picture painted
        # in its place is the only one this step has in storage.
        images.delete_images(key)
        return None
    ledger.call_answered(
        call,
        ledger.Answer(
            cost=call.cost,
            estimated=True,
            price_source=call.price_source,
            usage={"images": 1},
            details={"adopted": True},
        ),
        stored_key=key,
    )
    return call


def _resume(*, chain: Chain, call: ProviderCall, source: Step) -> Painted:
    """An answer paid for by an earlier attempt: adopt its file or fetch its URL again."""
    if not (call.details or {}).get("prompt"):
        prompt = modes.paint_prompt(mode=chain.mode, caption=source.caption, theme=chain.theme, step_index=source.index)
        call.details = {**(call.details or {}), "prompt": prompt}
    data = images.load_stored(call.stored_key)
    if data is not None:
        clean, keys = images.clean_image(data), images.keys_for_original(call.stored_key)
        images.store_thumbnails(keys, clean)  # the crash may have come while writing them
        return Painted(call=call, clean=clean, keys=keys)
    if call.answer_url:
        return _store(chain=chain, call=call, data=_download(chain=chain, call=call))
    ledger.call_settle(call, outcome=CallOutcome.LOST, error=ProviderError(ANSWER_GONE, permanent=False, kind="lost"))
    raise ProviderError(ANSWER_GONE, permanent=False, kind="lost")


def _download(*, chain: Chain, call: ProviderCall) -> bytes:
    """Fetch the answer's URL; transient failures come back later for the same URL."""
    painter = build_role(CallRole.IMAGE, chain.provider, chain.provider_settings)
    fetch = getattr(painter, "fetch", None)
    try:
        if fetch is None:
            raise ProviderError(NO_FETCH, permanent=True, kind="bad_answer")
        return fetch(call.answer_url)
    except ProviderError as error:
        failures = ledger.call_download_failed(call, error=error)
        if error.permanent or failures >= settings.TELEPHONE_DOWNLOAD_ATTEMPTS:
            lost = ProviderError(
                DOWNLOAD_LOST.format(attempts=failures, message=error.message),
                permanent=True,
                kind=error.kind if error.permanent else "lost",
            )
            ledger.call_settle(call, outcome=CallOutcome.LOST, error=lost)
            raise lost from error
        raise


def _store(*, chain: Chain, call: ProviderCall, data: bytes) -> Painted:
    clean = _cleaned(call, data)
    keys = images.store_step_images(chain_id=chain.pk, index=call.step_index, token=call.token, image=clean)
    ledger.call_stored(call, key=keys.original)
    return Painted(call=call, clean=clean, keys=keys)


def _cleaned(call: ProviderCall, data: bytes) -> images.CleanImage:
    try:
        return images.clean_image(data)
    except images.ImageRejected as rejected:
        raise _unreadable(call, rejected) from None


def _unreadable(call: ProviderCall, rejected: images.ImageRejected) -> ProviderError:
    """A picture that cannot be read was still paid for: its call is lost, the step fails."""
    error = ProviderError(PAINTED_IMAGE_UNREADABLE.format(reason=rejected.message), permanent=True, kind="bad_answer")
    ledger.call_settle(call, outcome=CallOutcome.LOST, error=error)
    return error


def _create_painted_step(*, chain: Chain, index: int, painted: Painted, described: dict) -> Step | None:
    """The guarded insert: the only place a step comes to point at a picture (None: another attempt's did)."""
    call, details = painted.call, painted.call.details or {}
    try:
        with transaction.atomic():
            return insert(
                Step(
                    chain=chain,
                    index=index,
                    image=painted.keys.original,
                    **images.thumbnail_fields(painted.keys),
                    width=painted.clean.width,
                    height=painted.clean.height,
                    paint_prompt=details.get("prompt", ""),
                    prompt_truncated=bool(details.get("prompt_truncated")),
                    revised_prompt=details.get("revised_prompt", ""),
                    calls={"paint": details.get("record", {})},
                    image_model=details.get("model", call.model),
                    image_request_id=call.request_id,
                    image_params=details.get("params", {}),
                    paint_ms=call.duration_ms,
                    images_generated=int((call.usage or {}).get("images", 1)),
                    estimated_cost=call.cost,
                    image_call=call,
                    **described,
                )
            )
    except IntegrityError:
        return None
