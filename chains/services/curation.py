"""Staff curation of chains: feature, hide, re-run from a step, branch.

Each of these changes what visitors see, so each bumps the content versions the page
caches key on, after commit (a request racing the write must not cache the old page
under the new version). Branches are created only here, for staff and for people
alike, so every branch starts from a copy of its step's image and links both ways.
"""

from __future__ import annotations

from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Max, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from .. import images
from ..cache import content_changed_on_commit
from ..models import Chain, ChainAnimation, Status, Step, new_seed
from . import ledger
from .atlas import atlas_mark_dirty
from .drift import chain_refresh_drift
from .lifecycle import ChainError, chain_create, chain_reserve_steps, chain_resume, chain_start
from .screening import chains_hide_with_branches

FEATURED_ORDER_MAX = 32767  # PositiveSmallIntegerField

CHAIN_BAD_FEATURED_ORDER = "The featured order is a whole number from 0 to 32767."
CHAIN_RERUN_RUNNING = "Pause or cancel the chain before re-running it."
CHAIN_RERUN_BUSY = "A step of this chain is still being worked on; try again in a moment."
CHAIN_RERUN_BAD_STEP = "Choose a step from 0 to {last}."
CHAIN_RERUN_NO_STEPS = "This chain has no steps to re-run from."
BRANCH_STEP_ELSEWHERE = "That step belongs to another chain."

# What a re-run clears on the step it re-runs from: everything its caption produced.
# The image and how it was painted stay; so does usage, which is money already spent.
CAPTION_FIELDS = (
    "caption",
    "caption_draft",
    "caption_model",
    "caption_request_id",
    "caption_ms",
    "captioned_at",
    "embedding",
    "embedding_model",
    "embedding_dimension",
    "embedding_request_id",
    "embed_ms",
    "embedded_at",
    "similarity_to_origin",
    "similarity_to_previous",
)


# --- featuring and hiding ----------------------------------------------------------------


def chain_feature(*, chain: Chain, order: int | None = None) -> Chain:
    """Feature a chain; without an order it goes after the chains featured already.

    Featuring a chain that is featured keeps its place unless an order is given, so
    the action is safe to repeat.
    """
    if order is not None and not (isinstance(order, int) and 0 <= order <= FEATURED_ORDER_MAX):
        raise ChainError(CHAIN_BAD_FEATURED_ORDER)
    with transaction.atomic():
        current = Chain.objects.filter(pk=chain.pk).values("is_featured", "featured_order").get()
        if order is None:
            order = current["featured_order"] if current["is_featured"] else _next_featured_order()
        Chain.objects.filter(pk=chain.pk).update(is_featured=True, featured_order=order)
        content_changed_on_commit(chain_id=chain.pk)
    chain.refresh_from_db()
    return chain


def _next_featured_order() -> int:
    last = Chain.objects.filter(is_featured=True).aggregate(last=Max("featured_order"))["last"]
    return 0 if last is None else min(last + 1, FEATURED_ORDER_MAX)


def chain_unfeature(*, chain: Chain) -> Chain:
    return _set_flags(chain, is_featured=False, featured_order=0)


def chain_hide(*, chain: Chain) -> Chain:
    """Take a chain off every public list and link; its owner and staff still see it.

    Chains branched from it go too: their starting picture is one of its steps. The
    captions leave the atlas's pages at once (its selectors read through the visibility
    rule), and the atlas is marked dirty so attractors are fitted again without them.
    """
    with transaction.atomic():
        chains_hide_with_branches(chain_ids=[chain.pk])
    chain.refresh_from_db()
    return chain


def chain_unhide(*, chain: Chain) -> Chain:
    chain = _set_flags(chain, is_hidden=False)
    atlas_mark_dirty()
    return chain


def _set_flags(chain: Chain, **flags) -> Chain:
    Chain.objects.filter(pk=chain.pk).update(**flags)
    content_changed_on_commit(chain_id=chain.pk)
    chain.refresh_from_db()
    return chain


# --- re-running from a step --------------------------------------------------------------


def chain_rerun_from(*, chain: Chain, index: int, reseed: bool = True) -> Chain:
    """Keep steps 0..index, make everything after step `index`'s image again.

    Semantics: step `index` keeps its image (and how that image was painted) but
    loses its caption, embedding and similarities; steps after it are deleted, rows
    and files. The chain then resumes, so the loop captions step `index` again and
    paints on from there to the target length. Drift is recomputed from the steps
    kept and the 2-D projection is cleared until the chain completes again.

    Why these details:
    - Running chains are refused (pause or cancel first) and so is a chain whose
      work claim is live: a phase in flight would write into the steps being removed.
    - Step `index` is replaced by a fresh row rather than cleared in place, so a
      stale "paint from step `index`" message still in the broker finds no step and
      does nothing, instead of painting from a caption that no longer exists.
      Reports and branches that pointed at it follow it to the new row; those that
      pointed at deleted steps keep living on the chain (their step becomes empty)
      rather than vanishing with the step, so the moderation trail survives.
    - A new seed is drawn by default: a deterministic provider would otherwise
      paint exactly the same pictures again.
    - Files of the deleted steps go after commit. Paid answers of the old run not
      yet stored in a step are closed as lost first: the painter resumes only open
      ledger rows, so nothing painted from the old captions can come back.
    - Usage and cost totals are kept: that money was spent, and the ledger says so.
    """
    with transaction.atomic():
        _check_rerun(chain=chain, index=index)
        chain_reserve_steps(chain=chain, steps=chain.target_length - index)
        _hold_for_rerun(chain=chain)
        stale = list(Step.objects.filter(chain_id=chain.pk, index__gt=index).values_list("image", flat=True))
        ledger.calls_abandon_after(chain_id=chain.pk, step_index=index)
        _replace_steps_from(chain=chain, index=index)
        animation_files = _drop_animations(chain=chain)
        chain_refresh_drift(chain_id=chain.pk)
        fields = {"projection": [], "error_message": "", "finished_at": None}
        if reseed:
            fields["seed"] = new_seed()
        Chain.objects.filter(pk=chain.pk).update(**fields)
        transaction.on_commit(
            lambda: _purge_and_resume(chain_id=chain.pk, stale=stale, animation_files=animation_files)
        )
    chain.refresh_from_db()
    return chain


def _check_rerun(*, chain: Chain, index: int) -> int:
    last_index = Step.objects.filter(chain_id=chain.pk).aggregate(last=Max("index"))["last"]
    if last_index is None:
        raise ChainError(CHAIN_RERUN_NO_STEPS)
    if not isinstance(index, int) or not 0 <= index <= last_index:
        raise ChainError(CHAIN_RERUN_BAD_STEP.format(last=last_index))
    return last_index


def _hold_for_rerun(*, chain: Chain) -> None:
    """Stop the loop with one conditional update: not running, no live claim."""
    now = timezone.now()
    held = (
        Chain.objects.filter(pk=chain.pk)
        .exclude(status=Status.RUNNING)
        .exclude(claimed_until__gt=now)
        .update(status=Status.PAUSED, started_at=Coalesce("started_at", Value(now)), claimed_until=None, claim_token="")
    )
    if held:
        return
    status = Chain.objects.filter(pk=chain.pk).values_list("status", flat=True).first()
    raise ChainError(CHAIN_RERUN_RUNNING if status == Status.RUNNING else CHAIN_RERUN_BUSY)


def _step_references() -> list[tuple[type, str]]:
    """Nullable foreign keys to Step held elsewhere: reports, branches' fork steps."""
    return [
        (relation.related_model, relation.field.name)
        for relation in Step._meta.related_objects
        if relation.one_to_many and relation.field.null
    ]


def _replace_steps_from(*, chain: Chain, index: int) -> Step:
    """Delete steps >= index and put back step `index` without what its caption made."""
    doomed = Step.objects.filter(chain_id=chain.pk, index__gte=index)
    old = doomed.get(index=index)
    references = _step_references()
    followers = {
        (model, name): list(model._base_manager.filter(**{name: old.pk}).values_list("pk", flat=True))
        for model, name in references
    }
    doomed_ids = list(doomed.values_list("pk", flat=True))
    for model, name in references:
        model._base_manager.filter(**{f"{name}__in": doomed_ids}).update(**{name: None})

    kept = [f.attname for f in Step._meta.concrete_fields if f.attname not in CAPTION_FIELDS and f.attname != "id"]
    values = Step.objects.filter(pk=old.pk).values(*kept).get()
    doomed.delete()
    fresh = Step.objects.create(**values)
    # auto_now_add stamps a new time on create; the day's spend is counted by it.
    Step.objects.filter(pk=fresh.pk).update(created_at=values["created_at"])
    for (model, name), pks in followers.items():
        model._base_manager.filter(pk__in=pks).update(**{name: fresh})
    return fresh


def _drop_animations(*, chain: Chain) -> list[str]:
    """Rendered animations show the old steps; a re-run of the same length would reuse them."""
    animations = ChainAnimation.objects.filter(chain_id=chain.pk)
    names = [name for name in animations.values_list("file", flat=True) if name]
    animations.delete()
    return names


def _purge_and_resume(*, chain_id: int, stale: list[str], animation_files: list[str]) -> None:
    for original in stale:
        images.delete_images(original)
    for name in animation_files:
        default_storage.delete(name)
    content_changed_on_commit(chain_id=chain_id)
    chain = Chain.objects.filter(pk=chain_id).first()
    if chain is None:
        return
    try:
        chain_resume(chain=chain)
    except ChainError:
        pass  # someone cancelled it in the meantime: their decision stands


# --- branching ---------------------------------------------------------------------------


def chain_branch(
    *, chain: Chain, step: Step, owner, mode: str, detail: str, target_length: int, theme: str = "", title: str = ""
) -> Chain:
    """A new chain whose starting image is a copy of `step`'s, started at once.

    The branch keeps the parent's provider and visibility (it is an experiment in
    settings, not in models) and records parent and fork step, which is what shows
    lineage on both timelines. The image is copied, not shared, so deleting or
    re-running the parent never takes the branch's origin with it.
    """
    if step.chain_id != chain.pk:
        raise ChainError(BRANCH_STEP_ELSEWHERE)
    with step.image.open("rb") as handle:
        image = handle.read()
    branch = chain_create(
        image=image,
        target_length=target_length,
        mode=mode,
        detail=detail,
        theme=theme,
        title=title or _branch_title(chain=chain, step=step),
        owner=owner,
        visibility=chain.visibility,
        provider=chain.provider,
        parent=chain,
        fork_step=step,
    )
    chain_start(chain=branch)
    content_changed_on_commit(chain_id=chain.pk)
    return branch


def _branch_title(*, chain: Chain, step: Step) -> str:
    suffix = f" · branch from step {step.index}"
    return f"{str(chain)[: 120 - len(suffix)]}{suffix}"
