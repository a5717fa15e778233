"""Stars: a person's bookmark and the gallery's "most starred" signal."""

from __future__ import annotations

from chains.cache import content_changed_on_commit
from chains.models import Chain

from ..models import Star


def star_toggle(*, user, chain: Chain) -> bool:
    """Star or unstar; returns whether the chain is starred afterwards."""
    deleted, _ = Star.objects.filter(user=user, chain=chain).delete()
    if not deleted:
        Star.objects.get_or_create(user=user, chain=chain)
    content_changed_on_commit(chain_id=chain.pk)
    return not deleted
