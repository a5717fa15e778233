"""Animations of chains: ask for one, render it once per set of options and chain length.

A request is cheap and safe to repeat (a double click, a retried form): it finds the
row for the options and sends the render task only when the row has nothing current
to show. The render follows the loop's discipline: do nothing if the output is
already there, claim the row with a conditional update, write the file to a fixed
key, then mark the row. Without a "rendering" status, the claim is the row's
`step_count`: a pending row whose count already equals the chain's is being rendered.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from functools import partial
from typing import Iterator

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from ..animation import FORMATS, AnimationError, AnimationOptions, animation_key, animation_options, render_animation
from ..images import overwrite_file
from ..models import AnimationFormat, AnimationStatus, Chain, ChainAnimation, Step
from .dispatch import enqueue_animation_render
from .phases import Outcome

logger = logging.getLogger(__name__)

assert tuple(AnimationFormat.values) == FORMATS, "chains.animation and AnimationFormat must agree"

ANIMATION_RENDER_FAILED = "The animation could not be made. Please try again later."


def animation_request(*, chain: Chain, format: str, width: int, frame_ms: int) -> ChainAnimation:
    """The animation for these options, with a render on its way if it has nothing current.

    Raises AnimationError for options outside the allowed ones.
    """
    options = animation_options(format=format, width=width, frame_ms=frame_ms)
    animation, created = ChainAnimation.objects.get_or_create(
        chain=chain, format=options.format, width=options.width, frame_ms=options.frame_ms
    )
    if created or (_needs_render(animation, chain=chain) and _reset(animation)):
        transaction.on_commit(partial(enqueue_animation_render, animation_id=animation.pk))
        animation.refresh_from_db()
    return animation


def _needs_render(animation: ChainAnimation, *, chain: Chain) -> bool:
    """Failed, out of date, or pending so long that its worker must have died."""
    if animation.status == AnimationStatus.FAILED:
        return True
    if animation.status == AnimationStatus.PENDING:
        return animation.updated_at < _claim_expiry()
    return animation.step_count != Step.objects.published().filter(chain=chain).count()


def _reset(animation: ChainAnimation) -> bool:
    """Back to pending, unless a concurrent request or render changed the row first."""
    return bool(
        ChainAnimation.objects.filter(
            pk=animation.pk, status=animation.status, step_count=animation.step_count, updated_at=animation.updated_at
        ).update(status=AnimationStatus.PENDING, step_count=0, error_message="", updated_at=timezone.now())
    )


def _claim_expiry():
    """A render cannot outlive the task time limit; a claim older than this was abandoned."""
    return timezone.now() - timedelta(seconds=settings.TELEPHONE_CLAIM_SECONDS)


def animation_render(*, animation_id: int) -> Outcome:
    """Render the animation if it still needs it; safe to run twice or concurrently."""
    animation = ChainAnimation.objects.filter(pk=animation_id).first()
    if animation is None:
        return Outcome.INACTIVE
    step_count = Step.objects.published().filter(chain_id=animation.chain_id).count()
    if animation.status == AnimationStatus.READY and animation.step_count == step_count:
        return Outcome.ALREADY_DONE
    if not _claim(animation_id=animation_id, step_count=step_count):
        return Outcome.BUSY
    options = AnimationOptions(format=animation.format, width=animation.width, frame_ms=animation.frame_ms)
    try:
        key = _render_to_storage(chain_id=animation.chain_id, step_count=step_count, options=options)
    except AnimationError as error:
        _finish(animation_id, step_count, status=AnimationStatus.FAILED, error_message=error.message)
    except Exception:
        # Anything else (storage down, a time limit) must still end the row, or it stays pending.
        logger.exception("animation=%s render failed", animation_id)
        _finish(animation_id, step_count, status=AnimationStatus.FAILED, error_message=ANIMATION_RENDER_FAILED)
    else:
        _finish(animation_id, step_count, status=AnimationStatus.READY, file=key, error_message="")
    return Outcome.DONE


def _claim(*, animation_id: int, step_count: int) -> bool:
    """Pending and not yet counted (or counted by a render that died): this worker takes it."""
    return bool(
        ChainAnimation.objects.filter(pk=animation_id, status=AnimationStatus.PENDING)
        .filter(~Q(step_count=step_count) | Q(updated_at__lt=_claim_expiry()))
        .update(step_count=step_count, updated_at=timezone.now())
    )


def _render_to_storage(*, chain_id: int, step_count: int, options: AnimationOptions) -> str:
    captions = list(
        Step.objects.filter(chain_id=chain_id, index__lt=step_count).order_by("index").values_list("caption", flat=True)
    )
    data = render_animation(
        pictures=_pictures(chain_id=chain_id, step_count=step_count), options=options, captions=captions
    )
    key = animation_key(chain_id=chain_id, options=options)
    overwrite_file(default_storage, key, data)
    return key


def _pictures(*, chain_id: int, step_count: int) -> Iterator[bytes]:
    """The large thumbnails (already near frame size) of exactly the steps counted at the claim."""
    steps = (
        Step.objects.published()
        .filter(chain_id=chain_id, index__lt=step_count)
        .order_by("index")
        .only("pk", "image", "thumbnail_large")
    )
    for step in steps:
        source = step.thumbnail_large or step.image
        with source.open("rb") as handle:
            yield handle.read()


def _finish(animation_id: int, step_count: int, **fields) -> None:
    """Guarded on the claim, so a render that lost its claim cannot overwrite a newer outcome."""
    ChainAnimation.objects.filter(pk=animation_id, status=AnimationStatus.PENDING, step_count=step_count).update(
        updated_at=timezone.now(), **fields
    )
