"""Public pages. Each view reads through selectors and renders; HTMX requests get a
partial of the same template, so every page also works without JavaScript."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from chains.cache import chain_version, public_version
from chains.selectors.chains import (
    chain_branches,
    chain_timeline_steps,
    chains_featured,
    chains_for_gallery,
    chains_in_progress,
    chains_recently_finished,
)

from ..context.atlas import step_figures
from ..context.timeline import timeline_context
from ..forms.gallery import GalleryFilterForm, parse_index
from ..selectors import collections_published
from ._caching import anonymous_cached
from ._common import chain_or_404

GALLERY_PAGE_SIZE = 24
LIVE_POLL_SECONDS = 2
HOME_COLLECTIONS = 6


@require_safe
def home(request):
    def build():
        return render(request, "gallery/home.html", {
            "featured": chains_featured(), "in_progress": chains_in_progress(),
            "finished": chains_recently_finished(),
            "collections": collections_published()[:HOME_COLLECTIONS],
        })

    return anonymous_cached(request, version_key=f"home:{public_version()}", build=build)


@require_safe
def gallery(request):
    def build():
        # Parsed only on a cache miss: a hit is keyed on the raw query string.
        form = GalleryFilterForm(request.GET)
        filters = form.filters()
        page = parse_index(request.GET.get("page"), default=1, maximum=10_000) or 1
        offset = (page - 1) * GALLERY_PAGE_SIZE
        window = list(chains_for_gallery(**filters)[offset:offset + GALLERY_PAGE_SIZE + 1])
        context = {
            "form": form, "chains": window[:GALLERY_PAGE_SIZE], "page": page,
            "next_url": _page_url(request, page + 1) if len(window) > GALLERY_PAGE_SIZE else "",
            "previous_url": _page_url(request, page - 1) if page > 1 else "",
        }
        template = "gallery/gallery.html"
        if request.htmx and request.htmx.target != "gallery-results":
            template += "#cards"
        elif request.htmx:
            template += "#results"
        return render(request, template, context)

    return anonymous_cached(request, version_key=f"gallery:{public_version()}", build=build)


def _page_url(request, page: int) -> str:
    query = request.GET.copy()
    query["page"] = page
    return f"{reverse('gallery:gallery')}?{query.urlencode()}"


@require_safe
def chain_detail(request, slug: str):
    chain = chain_or_404(request, slug)

    def build():
        context = timeline_context(chain=chain, selected=request.GET.get("step"))
        context["branches"] = chain_branches(chain=chain)
        context["poll_seconds"] = LIVE_POLL_SECONDS
        template = "gallery/chain_detail.html"
        if request.htmx and request.htmx.target == "viewer":
            template += "#viewer"
        return render(request, template, context)

    if not chain.is_ended:
        return build()
    return anonymous_cached(
        request, version_key=f"chain:{chain.pk}:{chain_version(chain_id=chain.pk)}", build=build
    )


@require_safe
def chain_live(request, slug: str):
    """What a running timeline lacks: steps captioned since `after`, and fresh status."""
    chain = chain_or_404(request, slug)
    after = parse_index(request.GET.get("after"), default=-1, minimum=-1, maximum=chain.target_length)
    context = timeline_context(chain=chain, selected=None)
    context["new_steps"] = [step for step in context["steps"] if step.index > after]
    context["poll_seconds"] = LIVE_POLL_SECONDS
    return render(request, "gallery/chain_detail.html#live", context)


@require_safe
def step_detail(request, slug: str, index: int):
    chain = chain_or_404(request, slug)
    step = chain_timeline_steps(chain=chain).filter(index=index).first()
    if step is None:
        raise Http404("No such step.")
    return render(request, "gallery/step_detail.html",
                  {"chain": chain, "step": step, **step_figures(step=step)})


@require_safe
def chain_present(request, slug: str):
    """Full-screen slideshow: every step in order, driven by the keyboard."""
    chain = chain_or_404(request, slug)
    context = timeline_context(chain=chain, selected=request.GET.get("step"))
    return render(request, "gallery/present.html", context)
