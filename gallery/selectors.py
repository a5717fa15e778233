"""Reads of the gallery app: the moderation queue and stars, and curated collections.

A collection only ever shows visitors its public chains: a chain staff hid, or
whose owner made it private or unlisted, drops out of every collection at once,
without anyone editing the collection. Each read is a fixed number of queries
whatever the number of collections or chains.
"""

from __future__ import annotations

from functools import cache

from django.db.models import Case, Count, IntegerField, OuterRef, Prefetch, QuerySet, Subquery, Value, When

from chains.models import Chain, Step, listed_q
from chains.selectors.chains import chains_with_cards

from .models import Collection, CollectionEntry, Report, ReportEvent, ReportStatus, Star, Submission

_PUBLIC_ENTRY = listed_q("entries__chain")


def _public_entries() -> QuerySet[CollectionEntry]:
    return CollectionEntry.objects.filter(listed_q("chain"))


COVER_TILES = 4


def collections_published() -> QuerySet[Collection]:
    """Published collections with something to show, each with its size and a cover.

    The cover is the origin of the collection's first public chain (`cover_thumbnail`)
    and a mosaic of where its first four public chains ended (`cover_0` … `cover_3`,
    small thumbnails), all in the one query. A copy of the one built per process: it
    takes no arguments, and building it cost the home page 6 ms with no collection.
    """
    return _collections_published_kept().all()


@cache
def _collections_published_kept() -> QuerySet[Collection]:
    origin = Step.objects.published().filter(chain=OuterRef("chain_id"), index=0).values("thumbnail_small")[:1]
    latest = Step.objects.published().filter(chain=OuterRef("chain_id")).order_by("-index").values("thumbnail_tiny")[:1]
    entries = _public_entries().filter(collection=OuterRef("pk")).order_by("position", "pk")
    tiles = {
        f"cover_{n}": Subquery(entries.annotate(thumbnail=Subquery(latest)).values("thumbnail")[n : n + 1])
        for n in range(COVER_TILES)
    }
    return (
        Collection.objects.filter(is_published=True)
        .annotate(
            chain_count=Count("entries", filter=_PUBLIC_ENTRY),
            cover_thumbnail=Subquery(entries.annotate(thumbnail=Subquery(origin)).values("thumbnail")[:1]),
            **tiles,
        )
        .filter(chain_count__gt=0)
        .order_by("order", "title")
    )


def collection_for_viewer(*, slug: str, user) -> Collection | None:
    """A published collection by slug; staff may also preview unpublished ones."""
    collection = Collection.objects.filter(slug=slug).first()
    if collection is None:
        return None
    if collection.is_published or getattr(user, "is_staff", False):
        return collection
    return None


def collection_chains(*, collection: Collection) -> QuerySet[Chain]:
    """The collection's public chains as cards, in the order staff gave them."""
    position = _public_entries().filter(collection=collection, chain=OuterRef("pk"))
    chains = Chain.objects.listed().filter(pk__in=_public_entries().filter(collection=collection).values("chain_id"))
    return (
        chains_with_cards(chains)
        .annotate(
            entry_position=Subquery(position.values("position")[:1]), entry_id=Subquery(position.values("pk")[:1])
        )
        .order_by("entry_position", "entry_id")
    )


# --- people: moderation and stars ----------------------------------------------------


def moderation_queue_items() -> dict:
    """Pending submissions (flagged first, then oldest) and pending reports, each one query."""
    submissions = (
        Submission.objects.pending()
        .select_related("owner")
        .annotate(priority=Case(When(flagged=True, then=Value(0)), default=Value(1), output_field=IntegerField()))
        .order_by("priority", "created_at")
    )
    reports = (
        Report.objects.filter(status=ReportStatus.PENDING)
        .select_related("chain", "step", "reporter")
        .prefetch_related(Prefetch("events", queryset=ReportEvent.objects.select_related("actor")))
        .order_by("created_at")
    )
    return {"submissions": submissions, "reports": reports}


def user_has_starred(*, user, chain) -> bool:
    return Star.objects.filter(user=user, chain=chain).exists()
