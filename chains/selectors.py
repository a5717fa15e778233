"""Reads of chains and steps; no writes happen here."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from .models import Chain, Status, Step

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


def chain_last_step(*, chain_id: int) -> Step | None:
    return Step.objects.filter(chain_id=chain_id).order_by("-index").first()


def chain_next_work(*, chain: Chain) -> NextWork | None:
    """The loop's whole state machine: look at the newest step and say what is missing."""
    last = chain_last_step(chain_id=chain.pk)
    if last is None:
        return None
    if not last.caption:
        return NextWork(CAPTION, last.pk)
    if last.embedding is None:
        return NextWork(EMBED, last.pk)
    if last.index < chain.target_length:
        return NextWork(PAINT, last.pk)
    return NextWork(COMPLETE, None)


def chain_steps(*, chain: Chain) -> QuerySet[Step]:
    return Step.objects.filter(chain=chain).order_by("index")


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


def _thumbnail_of(index_order: str):
    from django.db.models import OuterRef, Subquery

    steps = Step.objects.filter(chain=OuterRef("pk")).order_by(index_order)
    return Subquery(steps.values("thumbnail_small")[:1])


def chains_with_cards(queryset: QuerySet[Chain]) -> QuerySet[Chain]:
    """Annotate what a chain card shows, in the same query whatever the chain's length."""
    from django.db.models import Count

    return queryset.annotate(
        first_thumbnail=_thumbnail_of("index"),
        latest_thumbnail=_thumbnail_of("-index"),
        step_count=Count("steps"),
    )


def chains_public_recent(*, limit: int = 24) -> QuerySet[Chain]:
    return chains_with_cards(Chain.objects.public()).order_by("-created_at")[:limit]


def chain_for_viewer(*, slug: str, user) -> Chain | None:
    """A chain by its link: public or unlisted, or any of the viewer's own, or any for staff."""
    chain = Chain.objects.filter(slug=slug).select_related("parent", "owner").first()
    if chain is None:
        return None
    if getattr(user, "is_staff", False) or (chain.owner_id and chain.owner_id == getattr(user, "pk", None)):
        return chain
    return chain if Chain.objects.visible_by_link().filter(pk=chain.pk).exists() else None
