"""What the profile page reads: one query per section, whatever a person has made.

Each list is cut at PROFILE_LIST_LIMIT (one extra row is fetched to know whether
there is more), so a prolific account cannot make its own page slow.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery

from chains.models import Chain, listed_q
from chains.selectors.chains import chains_with_cards
from gallery.models import Star, Submission

PROFILE_LIST_LIMIT = 48


def chains_owned_by(*, user) -> QuerySet[Chain]:
    """Every chain the user owns, whatever its visibility: it is their own page."""
    return chains_with_cards(Chain.objects.filter(owner=user)).order_by("-created_at", "-pk")


def submissions_of(*, user) -> QuerySet[Submission]:
    """The user's own submissions only; the chain is joined for the approved ones' links."""
    return Submission.objects.filter(owner=user).select_related("chain").order_by("-created_at", "-pk")


def chains_starred_by(*, user) -> QuerySet[Chain]:
    """Starred chains still listable to this user: public ones and their own.

    A star does not keep a chain visible after staff hid it or its owner made it
    private; newest star first.
    """
    stars = Star.objects.filter(user=user, chain=OuterRef("pk"))
    listable = listed_q() | Q(owner=user)
    chains = (
        Chain.objects.filter(Exists(stars))
        .filter(listable)
        .annotate(starred_at=Subquery(stars.values("created_at")[:1]))
    )
    return chains_with_cards(chains).order_by("-starred_at", "-pk")


def first_rows(queryset: QuerySet, *, limit: int | None = None) -> tuple[list, bool]:
    """Up to `limit` rows (PROFILE_LIST_LIMIT by default) and whether more exist, in one query."""
    limit = limit or PROFILE_LIST_LIMIT
    rows = list(queryset[: limit + 1])
    return rows[:limit], len(rows) > limit
