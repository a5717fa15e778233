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
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from telephone_site.log import bind_log_context

from .. import costs, images, modes
from ..budget import budget_exhausted
from ..cache import content_changed_on_commit
from ..models import Chain, Status, Step
from ..providers import build_providers
from ..providers.base import CaptionRequest, PaintRequest, PaintResult, ProviderError
from .analysis import step_describe_image
from .drift import step_record_similarities
from .lifecycle import chain_enqueue_next, chain_pause_for_budget
from .screening import step_screen
from .usage import call_record, with_call

logger = logging.getLogger(__name__)

PAINTED_IMAGE_UNREADABLE = "The image model returned a picture that could not be read: {reason}"
CAPTION_EMPTY = "The captioner returned an empty caption."


class Outcome(enum.Enum):
    DONE = "done"
    ALREADY_DONE = "already done"
    BUSY = "busy"
    INACTIVE = "inactive"
    PAUSED = "paused for budget"


def chain_claim(*, chain_id: int) -> str | None:
    """Take the chain's work claim if it is free or expired; returns the claim token."""
    now = timezone.now()
    token = uuid.uuid4().hex
    taken = (
        Chain.objects.filter(pk=chain_id, status=Status.RUNNING)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .update(
            claimed_until=now + timedelta(seconds=settings.TELEPHONE_CLAIM_SECONDS),
            claim_token=token,
        )
    )
    return token if taken else None


def chain_release(*, chain_id: int, token: str) -> bool:
    return bool(
        Chain.objects.filter(pk=chain_id, claim_token=token).update(
            claimed_until=None, claim_token=""
        )
    )


def _record_progress(*, chain: Chain, **usage) -> None:
    """Add a phase's usage to the chain's totals and mark it as alive.

    Only a listed chain's progress touches the lists' cache version, and only
    debounced (`chains.cache`): private and hidden chains can run all day without
    emptying the gallery's cache, and public ones refresh it at most every few seconds.
    """
    increments = {field: F(field) + amount for field, amount in usage.items() if amount}
    Chain.objects.filter(pk=chain.pk).update(progressed_at=timezone.now(), **increments)
    content_changed_on_commit(chain_id=chain.pk, listed=chain.is_listed, progress=True)


def _out_of_budget(*, chain: Chain, token: str) -> bool:
    """Billable phases first check the day's budget; at the limit the chain pauses.

    Chains whose models cost nothing (the offline provider) skip the check.
    """
    if not costs.can_spend(chain.provider_settings) or not budget_exhausted():
        return False
    chain_release(chain_id=chain.pk, token=token)
    chain_pause_for_budget(chain_id=chain.pk)
    return True


def _load_step(step_id: int) -> Step | None:
    step = Step.objects.select_related("chain").filter(pk=step_id).first()
    if step is not None:
        bind_log_context(chain_id=step.chain_id, step_index=step.index)
    return step


def _elapsed_ms(started: float) -> int:
    return int((time.perf_counter() - started) * 1000)


def _finish_phase(*, chain: Chain, token: str, wrote: bool, usage: dict) -> None:
    """Inside the phase's transaction: totals, release, then the next task on commit."""
    if wrote:
        _record_progress(chain=chain, **usage)
    chain_release(chain_id=chain.pk, token=token)
    if wrote:
        transaction.on_commit(lambda: chain_enqueue_next(chain_id=chain.pk))


def _guard(step: Step | None, *, done) -> Outcome | None:
    if step is None or step.chain.status != Status.RUNNING:
        return Outcome.INACTIVE
    if done(step):
        return Outcome.ALREADY_DONE
    return None


def step_caption(*, step_id: int) -> Outcome:
    step = _load_step(step_id)
    if skip := _guard(step, done=lambda s: bool(s.caption)):
        return skip
    chain = step.chain
    token = chain_claim(chain_id=chain.pk)
    if token is None:
        return Outcome.BUSY
    if _out_of_budget(chain=chain, token=token):
        return Outcome.PAUSED
    try:
        started = time.perf_counter()
        result = _caption(chain=chain, step=step)
        elapsed = _elapsed_ms(started)
    except BaseException:
        chain_release(chain_id=chain.pk, token=token)
        raise
    cost = result.cost
    record = call_record(snapshot=chain.provider_settings, call="caption", result=result,
                         model=result.model, request_id=result.request_id)
    with transaction.atomic():
        wrote = Step.objects.filter(pk=step.pk, caption="").update(
            caption=result.text, caption_model=result.model, caption_request_id=result.request_id,
            caption_ms=elapsed, captioned_at=timezone.now(),
            input_tokens=F("input_tokens") + result.input_tokens,
            output_tokens=F("output_tokens") + result.output_tokens,
            estimated_cost=F("estimated_cost") + cost,
            calls=with_call(step.calls, "caption", record),
        )
        _finish_phase(
            chain=chain, token=token, wrote=bool(wrote),
            usage={"input_tokens": result.input_tokens, "output_tokens": result.output_tokens,
                   "estimated_cost": cost},
        )
    logger.info("captioned step %s in %d ms", step.index, elapsed, extra={
        "provider_request_id": result.request_id, "model": result.model, "wrote": bool(wrote)})
    if wrote:
        step_screen(chain=chain, step_id=step.pk, text=result.text)
    return Outcome.DONE


def _caption(*, chain: Chain, step: Step):
    providers = build_providers(chain.provider, chain.provider_settings)
    with step.image.open("rb") as handle:
        image_bytes = handle.read()
    request = CaptionRequest(
        image=image_bytes,
        instructions=modes.caption_instructions(
            mode=chain.mode, detail=chain.detail, theme=chain.theme, step_index=step.index
        ),
        detail=chain.detail, mode=chain.mode, theme=chain.theme,
        step_index=step.index, seed=chain.seed + step.index,
    )
    result = providers.captioner.caption(request)
    if not result.text.strip():
        raise ProviderError(CAPTION_EMPTY, permanent=True)
    return result


def step_embed(*, step_id: int) -> Outcome:
    step = _load_step(step_id)
    if skip := _guard(step, done=lambda s: s.embedding is not None or not s.caption):
        return skip
    chain = step.chain
    token = chain_claim(chain_id=chain.pk)
    if token is None:
        return Outcome.BUSY
    try:
        started = time.perf_counter()
        providers = build_providers(chain.provider, chain.provider_settings)
        result = providers.embedder.embed([step.caption])
        elapsed = _elapsed_ms(started)
    except BaseException:
        chain_release(chain_id=chain.pk, token=token)
        raise
    vector = result.vectors[0].astype("float32")
    cost = result.cost
    record = call_record(snapshot=chain.provider_settings, call="embedding", result=result,
                         model=result.model, request_id=result.request_id)
    with transaction.atomic():
        wrote = Step.objects.filter(pk=step.pk, embedding__isnull=True).update(
            embedding=vector.tobytes(), embedding_model=result.model,
            embedding_dimension=int(vector.shape[0]), embedding_request_id=result.request_id,
            embed_ms=elapsed, embedded_at=timezone.now(),
            embedding_tokens=F("embedding_tokens") + result.tokens,
            estimated_cost=F("estimated_cost") + cost,
            calls=with_call(step.calls, "embedding", record),
        )
        if wrote:
            step_record_similarities(step=step, vector=vector)
        _finish_phase(
            chain=chain, token=token, wrote=bool(wrote),
            usage={"embedding_tokens": result.tokens, "estimated_cost": cost},
        )
    logger.info("embedded step %s in %d ms", step.index, elapsed, extra={
        "provider_request_id": result.request_id, "model": result.model, "wrote": bool(wrote)})
    return Outcome.DONE


def step_paint_next(*, step_id: int) -> Outcome:
    """Paint step i+1 from step i's caption; never pays twice for the same image."""
    source = _load_step(step_id)

    def next_exists(step: Step) -> bool:
        return step.index >= step.chain.target_length or Step.objects.filter(
            chain_id=step.chain_id, index=step.index + 1
        ).exists()

    if skip := _guard(source, done=next_exists):
        return skip
    if not source.caption:
        return Outcome.INACTIVE  # a stale message from before a re-run: nothing to paint from
    chain = source.chain
    token = chain_claim(chain_id=chain.pk)
    if token is None:
        return Outcome.BUSY
    if _out_of_budget(chain=chain, token=token):
        return Outcome.PAUSED
    try:
        painted = _paint_or_recover(chain=chain, source=source)
    except BaseException:
        chain_release(chain_id=chain.pk, token=token)
        raise
    with transaction.atomic():
        wrote = _create_painted_step(chain=chain, index=source.index + 1, painted=painted)
        _finish_phase(
            chain=chain, token=token, wrote=wrote,
            usage={"images_generated": painted.images_generated, "estimated_cost": painted.cost},
        )
    logger.info("painted step %s", source.index + 1, extra={
        "provider_request_id": painted.result.request_id, "model": painted.result.model,
        "paint_ms": painted.elapsed_ms, "recovered": painted.elapsed_ms is None, "wrote": wrote})
    if wrote:
        new_step_id = Step.objects.filter(chain=chain, index=source.index + 1).values_list("pk", flat=True).first()
        step_screen(chain=chain, step_id=new_step_id, image=painted.clean.original)
    return Outcome.DONE


class _Painted:
    """A painted (or recovered) image, cleaned and already in storage."""

    def __init__(self, *, prompt: str, truncated: bool, result: PaintResult, clean: images.CleanImage,
                 keys: images.StepImageKeys, elapsed_ms: int | None):
        self.prompt = prompt
        self.truncated = truncated
        self.result = result
        self.clean = clean
        self.keys = keys
        self.elapsed_ms = elapsed_ms
        self.images_generated = result.images_generated
        self.cost = result.cost


def _paint_or_recover(*, chain: Chain, source: Step) -> _Painted:
    index = source.index + 1
    prompt = modes.paint_prompt(
        mode=chain.mode, caption=source.caption, theme=chain.theme, step_index=source.index
    )
    providers = build_providers(chain.provider, chain.provider_settings)
    prompt, truncated = modes.fit_prompt(prompt, getattr(providers.painter, "prompt_limit", None))
    recovered = images.load_stored_original(chain_id=chain.pk, index=index)
    started = time.perf_counter()
    if recovered is not None:
        # A worker died after storing this image but before recording it: adopt it
        # rather than paying for a second picture.
        # The killed attempt paid for it: count it once, so totals stay true.
        result = _recovered_result(chain=chain, image=recovered)
        elapsed = None
    else:
        result = providers.painter.paint(
            PaintRequest(prompt=prompt, seed=chain.seed + index, step_index=index)
        )
        elapsed = _elapsed_ms(started)
    try:
        clean = images.clean_image(result.image)
    except images.ImageRejected as rejected:
        raise ProviderError(
            PAINTED_IMAGE_UNREADABLE.format(reason=rejected.message), permanent=True
        ) from None
    keys = images.store_step_images(chain_id=chain.pk, index=index, image=clean)
    return _Painted(prompt=prompt, truncated=truncated, result=result, clean=clean, keys=keys,
                    elapsed_ms=elapsed)


def _recovered_result(*, chain: Chain, image: bytes) -> PaintResult:
    """An adopted picture counts at the model's typical price: its real usage died with the worker."""
    charge = costs.estimate_image(snapshot=chain.provider_settings)
    return PaintResult(image=image, model=chain.provider_settings.get("image_model", ""), images_generated=1,
                       cost=charge.cost, price_source=charge.source, estimated=charge.estimated)


def _create_painted_step(*, chain: Chain, index: int, painted: _Painted) -> bool:
    result = painted.result
    try:
        with transaction.atomic():
            Step.objects.create(
                chain=chain, index=index, image=painted.keys.original,
                **images.thumbnail_fields(painted.keys),
                width=painted.clean.width, height=painted.clean.height,
                paint_prompt=painted.prompt, prompt_truncated=painted.truncated,
                revised_prompt=result.revised_prompt,
                image_model=result.model, image_request_id=result.request_id,
                image_params=result.params, paint_ms=painted.elapsed_ms,
                images_generated=result.images_generated, estimated_cost=painted.cost,
                calls={"paint": call_record(snapshot=chain.provider_settings, call="paint", result=result,
                                            model=result.model, request_id=result.request_id)},
                **step_describe_image(chain_id=chain.pk, index=index, clean=painted.clean),
            )
    except IntegrityError:
        return False
    return True
