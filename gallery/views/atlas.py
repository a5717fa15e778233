"""The atlas of attractors, attractor pages and caption search.

Every page works without JavaScript: zooming and panning are links that move the
viewBox on the server, a chain is picked with a plain GET form, and
static/js/atlas.js only makes the same things happen in place (wheel, drag, pinch,
clicking a dot to draw its chain).
"""

from __future__ import annotations

import re
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_safe

from chains.cache import public_version
from chains.selectors.atlas import (
    HIGHLIGHT_START,
    HIGHLIGHT_STOP,
    atlas_attractors,
    atlas_current,
    atlas_nearest_point,
    atlas_spaces,
    attractor_chains,
    attractor_point_count,
    chains_matching,
    steps_search,
)
from chains.selectors.atlas import attractor_detail as attractor_by_pk

from ..context.atlas import GREY_LIMIT, map_context
from ..forms.atlas import AtlasClickForm, AtlasForm, SearchForm
from ..forms.gallery import parse_index
from ..plots.atlas import View
from ._caching import anonymous_cached

CLICK_RADIUS = 0.025  # of the map's width, at zoom 1
ATTRACTOR_TRAILS = 16
ATTRACTOR_PAGE_SIZE = 24
SEARCH_PAGE_SIZE = 20
SNIPPET_CHARS = 260


def _atlas_url(*, view: View, chain: str = "", space: str = "") -> str:
    query = {key: value for key, value in (("space", space), ("chain", chain)) if value}
    if view != View():
        query.update(x=view.x, y=view.y, zoom=view.zoom)
    return reverse("gallery:atlas") + (f"?{urlencode(query)}" if query else "")


def _controls(*, view: View, chain: str, space: str) -> dict:
    """Real links for every zoom and pan step, so the map works with no script at all."""

    def link(**move):
        return _atlas_url(view=view.moved(**move), chain=chain, space=space)

    return {
        "zoom_in": link(zoom=min(view.zoom * 2, 32)),
        "zoom_out": link(zoom=max(view.zoom // 2, 1)),
        "reset": _atlas_url(view=View(), chain=chain, space=space),
        "pan": [
            ("left", "←", link(dx=-0.5)),
            ("up", "↑", link(dy=0.5)),
            ("down", "↓", link(dy=-0.5)),
            ("right", "→", link(dx=0.5)),
        ],
    }


@require_safe
def atlas(request):
    form = AtlasForm(request.GET)
    values = form.values()

    def build():
        current = atlas_current(space=values["space"]) or atlas_current()
        context = {
            "form": form,
            "atlas": current,
            "spaces": atlas_spaces(),
            "view": values["view"],
            "chain_query": values["chain"],
        }
        if current is not None:
            attractors = list(atlas_attractors(atlas=current))
            matches = chains_matching(text=values["chain"])
            chain = matches[0] if len(matches) == 1 else None
            context.update(
                attractors=attractors,
                matches=matches if len(matches) > 1 else [],
                chain=chain,
                chain_missing=bool(values["chain"]) and not matches,
                controls=_controls(view=values["view"], chain=values["chain"], space=values["space"]),
                **map_context(atlas=current, attractors=attractors, view=values["view"], chain=chain),
            )
        return render(request, "gallery/atlas.html", context)

    return anonymous_cached(request, version_key=f"atlas:{public_version()}", build=build)


@require_safe
def atlas_at(request):
    """The chain under a click on the map: a fragment for atlas.js, else a redirect."""
    form = AtlasClickForm(request.GET)
    if not form.is_valid():
        return redirect("gallery:atlas")
    current = atlas_current(space=form.cleaned_data.get("space") or "") or atlas_current()
    zoom = form.cleaned_data.get("zoom") or 1
    point = None
    if current is not None:
        point = atlas_nearest_point(
            atlas=current, x=form.cleaned_data["x"], y=form.cleaned_data["y"], radius=CLICK_RADIUS / zoom
        )
    if request.GET.get("fragment") != "1":
        view = View(
            x=min(max(form.cleaned_data["x"], 0), 1), y=min(max(form.cleaned_data["y"], 0), 1), zoom=zoom
        ).moved()
        return redirect(_atlas_url(view=view, chain=point.chain.slug if point else ""))
    context = {"atlas": current, "chain": point.chain if point else None, "clicked": True}
    if point is not None:
        from ..context.atlas import chain_selection

        context["selection_svg"], context["selected_path"] = chain_selection(atlas=current, chain=point.chain)
    return render(request, "gallery/_atlas_selection.html", context)


@require_safe
def attractor_list(request):
    def build():
        current = atlas_current(space=(request.GET.get("space") or "")[:100]) or atlas_current()
        attractors = list(atlas_attractors(atlas=current)) if current else []
        return render(
            request,
            "gallery/attractor_list.html",
            {"atlas": current, "attractors": attractors, "spaces": atlas_spaces()},
        )

    return anonymous_cached(request, version_key=f"attractors:{public_version()}", build=build)


@require_safe
def attractor_detail(request, pk: int):
    attractor = attractor_by_pk(pk=pk)
    if attractor is None:
        raise Http404("No such attractor.")

    def build():
        chains = attractor_chains(attractor=attractor)
        paginator = Paginator(chains, ATTRACTOR_PAGE_SIZE)
        page = paginator.get_page(parse_index(request.GET.get("page"), default=1, minimum=1, maximum=10_000))
        attractors = list(atlas_attractors(atlas=attractor.atlas))
        trails = list(page.object_list[:ATTRACTOR_TRAILS])
        context = {
            "attractor": attractor,
            "page": page,
            "chains": page.object_list,
            "public_points": attractor_point_count(attractor=attractor),
            "trail_count": len(trails),
            **map_context(
                atlas=attractor.atlas,
                attractors=attractors,
                view=None,
                highlight=attractor.pk,
                trails=trails,
                grey_limit=GREY_LIMIT,
                plot_id="attractor-map",
            ),
        }
        return render(request, "gallery/attractor_detail.html", context)

    return anonymous_cached(request, version_key=f"attractor:{public_version()}", build=build)


@require_safe
def search(request):
    form = SearchForm(request.GET)
    query = form.query()
    number = parse_index(request.GET.get("page"), default=1, minimum=1, maximum=10_000)

    def build():
        page = Paginator(steps_search(query=query), SEARCH_PAGE_SIZE).get_page(number)
        results = [{"step": step, "snippet": snippet(step, query)} for step in page.object_list]
        context = {"form": form, "query": query, "page": page, "results": results}
        template = "gallery/search.html#results" if request.htmx else "gallery/search.html"
        return render(request, template, context)

    return anonymous_cached(request, version_key=f"search:{public_version()}", build=build)


def snippet(step, query: str) -> str:
    """A fragment of the caption with the matched words marked, escaped before marking.

    PostgreSQL marks them itself (ts_headline, stemmed); elsewhere the query's words are
    found case-insensitively."""
    fragment = getattr(step, "fragment", None)
    if fragment:
        marked = escape(fragment).replace(HIGHLIGHT_START, "<mark>").replace(HIGHLIGHT_STOP, "</mark>")
        return mark_safe(marked)
    caption = step.caption
    words = sorted({word.strip('"-').lower() for word in query.split() if word.strip('"-')}, key=len, reverse=True)
    lowered = caption.lower()
    first = min((lowered.find(word) for word in words if word in lowered), default=0)
    start = max(0, first - SNIPPET_CHARS // 3)
    text = caption[start : start + SNIPPET_CHARS]
    pieces, position = ["…" if start else ""], 0
    if words:
        for match in re.finditer("|".join(re.escape(word) for word in words), text, flags=re.IGNORECASE):
            pieces += [escape(text[position : match.start()]), "<mark>", escape(match.group()), "</mark>"]
            position = match.end()
    pieces += [escape(text[position:]), "…" if start + SNIPPET_CHARS < len(caption) else ""]
    return mark_safe("".join(pieces))
