"""Stars: a person's bookmark and the gallery's "most starred" signal."""

from __future__ import annotations

from chains.cache import stars_changed_on_commit
from chains.models import Chain

from ..models import Star


def star_toggle(*, user, chain: Chain) -> bool:
    """Star or unstar; returns whether the chain is starred afterwards.

    The chain's own page fetches its star control per person, so the only cached page a
    star changes is the gallery sorted by stars, and only for a listed chain."""
    deleted, _ = Star.objects.filter(user=user, chain=chain).delete()
    if not deleted:
        Star.objects.get_or_create(user=user, chain=chain)
    if chain.is_listed:
        stars_changed_on_commit()
    return not deleted
