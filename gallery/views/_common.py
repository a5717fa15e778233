"""Helpers every view module shares, so sibling view modules never import each other."""

from __future__ import annotations

from django.http import Http404

from chains.selectors.chains import chain_for_viewer


def chain_or_404(request, slug: str):
    """The chain this visitor may see, or a 404 that does not say whether it exists."""
    chain = chain_for_viewer(slug=slug, user=request.user)
    if chain is None:
        raise Http404("No such chain.")
    return chain
