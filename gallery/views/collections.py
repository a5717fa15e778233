"""Curated collections: a list of them, and one collection's chains in curated order."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_safe

from chains.cache import public_version

from ..selectors import collection_chains, collection_for_viewer, collections_published
from ._caching import anonymous_cached


@require_safe
def collection_list(request):
    def build():
        return render(request, "gallery/collection_list.html", {"collections": collections_published()})

    return anonymous_cached(request, version_key=f"collections:{public_version()}", build=build)


@require_safe
def collection_detail(request, slug: str):
    collection = collection_for_viewer(slug=slug, user=request.user)
    if collection is None:
        raise Http404("No such collection.")

    def build():
        return render(
            request,
            "gallery/collection_detail.html",
            {"collection": collection, "chains": collection_chains(collection=collection)},
        )

    return anonymous_cached(request, version_key=f"collection:{public_version()}", build=build)
