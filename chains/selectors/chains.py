"""Reads of chains and steps; no writes happen here."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from ..animation import AnimationOptions
from ..models import Chain, ChainAnimation, Screening, Status, Step

SCREEN = "screen"
CAPTION = "caption"
EMBED = "embed"
PAINT = "paint"
COMPLETE = "complete"


@dataclass(frozen=True)
class NextWork:
    """What a chain needs next, derived from its rows alone.

    `step_id` is the step the phase reads: the step to caption or embed, or the
    step whose caption the painter draws from. None when the chain is complete.
    """

    phase: str
    step_id: int | None


# What the state machine reads of the newest step, as plain values: no model instance
# to build, and the chain's length from the same row.
NEXT_WORK_FIELDS = ("id", "index", "image_screen", "caption", "caption_draft", "embedding")


def chain_next_work(*, chain_id: int) -> NextWork | None:
    """The loop's whole state machine: look at the newest step and say what is missing.

    Screening comes before anything is built on what a model made: a picture is
    screened before it is captioned, a caption before it is embedded or painted.
    A flagged step has no next work; its chain is held for staff. None too when the
    chain is not running: one query reads the step and the chain's state together.
    """
    last = (
        Step.objects.filter(chain_id=chain_id, chain__status=Status.RUNNING)
        .order_by("-index")
        .values_list(*NEXT_WORK_FIELDS, "chain__target_length", named=True)
        .first()
    )
    return None if last is None else next_work_after(last=last, target_length=last.chain__target_length)


def next_work_after(*, last, target_length: int) -> NextWork | None:
    """The state machine itself, given the chain's newest step (a Step or its `NEXT_WORK_FIELDS`)."""
    if last.image_screen == Screening.FLAGGED:
        return None
    if last.image_screen == Screening.PENDING or (last.caption_draft and not last.caption):
        return NextWork(SCREEN, last.id)
    if not last.caption:
        return NextWork(CAPTION, last.id)
    if last.embedding is None:
        return NextWork(EMBED, last.id)
    if last.index < target_length:
        return NextWork(PAINT, last.id)
    return NextWork(COMPLETE, None)


def chain_steps(*, chain: Chain) -> QuerySet[Step]:
    """The steps pages and exports show: only pictures that passed screening."""
    return Step.objects.published().filter(chain=chain).order_by("index")


def chains_needing_rescue(*, stalled_before, now) -> QuerySet[Chain]:
    """Running chains with no live claim and no progress since `stalled_before`.

    Their in-flight task vanished (a killed worker, a lost message) and nobody
    will enqueue the next phase unless the reconciler does.
    """
    unclaimed = Chain.objects.filter(status=Status.RUNNING).exclude(claimed_until__gt=now)
    return unclaimed.filter(progressed_at__lt=stalled_before) | unclaimed.filter(
        progressed_at__isnull=True, started_at__lt=stalled_before
    )


def chain_progress(*, chain: Chain) -> tuple[int, int]:
    """(steps fully done, steps expected), counting step 0; for progress bars."""
    done = Step.objects.filter(chain=chain, embedding__isnull=False).count()
    return done, chain.target_length + 1


def _first_step_field(field: str, index_order: str):
    steps = Step.objects.published().filter(chain=OuterRef("pk")).order_by(index_order)
    return Subquery(steps.values(field)[:1])


def chains_with_cards(queryset: QuerySet[Chain]) -> QuerySet[Chain]:
    """Annotate what a chain card shows, in one query whatever the chain's length.

    Correlated subqueries on (chain, index) use the unique index and touch a handful
    of rows per card; a Count() join would group every step of every chain first.
    """
    return queryset.defer("projection", "provider_settings").annotate(**_card_annotations())


@cache
def _card_annotations() -> dict:
    """The card's subqueries, built once per process: building seven querysets cost a
    list page about a fifth of its ORM time. Safe to share, as `annotate()` resolves a
    copy of each expression (and of its query) and never changes the one it is given."""
    return {
        "first_thumbnail": _first_step_field("thumbnail_small", "index"),
        "first_thumbnail_tiny": _first_step_field("thumbnail_tiny", "index"),
        "first_caption": _first_step_field("caption", "index"),
        "latest_thumbnail": _first_step_field("thumbnail_small", "-index"),
        "latest_thumbnail_tiny": _first_step_field("thumbnail_tiny", "-index"),
        "latest_caption": _first_step_field("caption", "-index"),
        "step_count": Coalesce(_first_step_field("index", "-index") + 1, 0),
    }


# What a card (gallery/_chain_card.html) and the home page's hero read of a chain's own
# row; the lists that show nothing else load only these, as a chain row is wide.
CARD_FIELDS = ("slug", "title", "status", "mode", "detail", "target_length", "drift", "drift_curve", "is_featured")


def card_chains() -> QuerySet[Chain]:
    """Chains to list as cards alone: only the fields a card reads (a chain row is wide:
    half the time of making 24 chains went into the rest), with the card annotations.

    A copy of one queryset annotated once per process: resolving the seven subqueries
    anew cost a list page a fifth of its ORM time, and a copy with filters added is
    cheap. The kept one is never evaluated itself (it would keep its rows)."""
    return _card_chains_kept().all()


@cache
def _card_chains_kept() -> QuerySet[Chain]:
    return Chain.objects.only(*CARD_FIELDS).annotate(**_card_annotations())


def chains_featured(*, limit: int = 8) -> QuerySet[Chain]:
    return card_chains().listed().filter(is_featured=True).order_by("featured_order", "-created_at")[:limit]


def chains_in_progress(*, limit: int = 8) -> QuerySet[Chain]:
    """What is being painted now; an experiment running shows as its first chain only."""
    return _chains_in_progress_kept().all()[:limit]


@cache
def _chains_in_progress_kept() -> QuerySet[Chain]:
    """Built once per process (the home page and its poll ask every few seconds)."""
    first_of_experiment = Chain.experiments.through.objects.filter(chain_id=OuterRef("pk")).exclude(
        chain_id=Subquery(
            Chain.experiments.through.objects.filter(experiment_id=OuterRef("experiment_id"))
            .order_by("chain_id")
            .values("chain_id")[:1]
        )
    )
    running = card_chains().listed().filter(status=Status.RUNNING).exclude(Exists(first_of_experiment))
    return running.order_by("-started_at")


def chains_recently_finished(*, limit: int = 8) -> QuerySet[Chain]:
    """Finished public chains, newest first; experiments show as one card elsewhere."""
    finished = card_chains().listed().filter(status=Status.COMPLETED).exclude(_in_an_experiment())
    return finished.order_by("-finished_at")[:limit]


EXPERIMENTS_EACH = "each"


def _in_an_experiment() -> Exists:
    return Exists(Chain.experiments.through.objects.filter(chain_id=OuterRef("pk")))


LENGTH_RANGES = {"short": (1, 10), "medium": (11, 50), "long": (51, 200)}
SORT_ORDERS = {
    "newest": ("-created_at", "-pk"),
    "longest": ("-target_length", "-created_at", "-pk"),
    "drift": (F("drift").desc(nulls_last=True), "-created_at", "-pk"),
    "starred": ("-star_count", "-created_at", "-pk"),
}


def chains_for_gallery(
    *,
    mode: str = "",
    detail: str = "",
    status: str = "",
    length: str = "",
    sort: str = "newest",
    query: str = "",
    experiments: str = "",
) -> QuerySet[Chain]:
    """Public chains filtered and sorted for the gallery; unknown values are ignored.

    An experiment's chains are one card of their own (see `experiments_listed`), so
    they are left out unless `experiments="each"` asks for them one by one."""
    chains = card_chains().listed()
    if experiments != EXPERIMENTS_EACH:
        chains = chains.exclude(_in_an_experiment())
    if mode:
        chains = chains.filter(mode=mode)
    if detail:
        chains = chains.filter(detail=detail)
    if status:
        chains = chains.filter(status=status)
    if length in LENGTH_RANGES:
        low, high = LENGTH_RANGES[length]
        chains = chains.filter(target_length__gte=low, target_length__lte=high)
    if query:
        matching = Step.objects.filter(chain=OuterRef("pk"), caption__icontains=query)
        chains = chains.filter(Q(title__icontains=query) | Q(Exists(matching)))
    if sort == "starred":
        chains = chains.annotate(star_count=Count("stars", distinct=True))
    return chains.order_by(*SORT_ORDERS.get(sort, SORT_ORDERS["newest"]))


def chain_by_slug(*, slug: str) -> QuerySet[Chain]:
    """The chain at a link, with its parent and the step it may have branched from (its
    page shows both). Who may open it is `Chain.is_visible_to`'s to say."""
    return Chain.objects.filter(slug=slug).select_related("parent", "fork_step")


def chain_parent_for_viewer(*, chain: Chain, user) -> Chain | None:
    """The chain a branch came from, only for someone who may open it: a parent hidden
    or made private since must not lend its title and link to its branches' pages."""
    parent = chain.parent if chain.parent_id else None
    return parent if parent is not None and parent.is_visible_to(user) else None


def chain_branches(*, chain: Chain) -> QuerySet[Chain]:
    """Branches a visitor may see: listed ones only, with the step they forked from."""
    return Chain.objects.listed().filter(parent=chain).select_related("fork_step").order_by("created_at")


def chain_timeline_steps(*, chain: Chain, after: int = -1) -> QuerySet[Step]:
    """The steps a timeline shows, without the embedding blobs it never needs."""
    return chain_steps(chain=chain).filter(index__gt=after).defer("embedding")


def chain_animation_find(*, chain: Chain, options: AnimationOptions) -> ChainAnimation | None:
    """The animation on record for these options, if any, in one query.

    `current_step_count` is annotated beside it so a page can say that a ready
    animation has gone stale because the chain grew since.
    """
    return (
        ChainAnimation.objects.filter(
            chain=chain, format=options.format, width=options.width, frame_ms=options.frame_ms
        )
        .annotate(current_step_count=Count("chain__steps"))
        .first()
    )
