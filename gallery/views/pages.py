"""Public pages. Each view reads through selectors and renders; HTMX requests get a
partial of the same template, so every page also works without JavaScript."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from chains.cache import chain_version, public_version, stars_version
from chains.captions import split_caption
from chains.models import Chain
from chains.selectors.chains import (
    chain_branches,
    chain_parent_for_viewer,
    chain_timeline_steps,
    chains_for_gallery,
    chains_in_progress,
)
from chains.selectors.research import experiments_listed

from ..compiled import compiled_once
from ..context.atlas import step_figures
from ..context.home import home_context
from ..context.timeline import timeline_context
from ..forms.gallery import GalleryFilterForm, parse_index
from ._caching import anonymous_cached
from ._common import chain_or_404

GALLERY_PAGE_SIZE = 24
GALLERY_EXPERIMENTS = 4
LIVE_POLL_SECONDS = 2
HOME_POLL_SECONDS = 6


@require_safe
def home(request):
    def build():
        if request.htmx and request.htmx.target == "painting-now":
            # The live section polls for itself: only what it shows is read.
            return render(
                request,
                "gallery/home.html#painting_now",
                {
                    "in_progress": compiled_once("home:in_progress", chains_in_progress),
                    "poll_seconds": HOME_POLL_SECONDS,
                },
            )
        return render(request, "gallery/home.html", {**home_context(), "poll_seconds": HOME_POLL_SECONDS})

    return anonymous_cached(request, version_key=f"home:{public_version()}", build=build)


@require_safe
def gallery(request):
    def build():
        # Parsed only on a cache miss: a hit is keyed on the raw query string.
        form = GalleryFilterForm(request.GET)
        filters = form.filters()
        page = parse_index(request.GET.get("page"), default=1, maximum=10_000) or 1
        offset = (page - 1) * GALLERY_PAGE_SIZE
        window = compiled_once(
            ("gallery", tuple(sorted(filters.items())), offset),
            lambda: chains_for_gallery(**filters)[offset : offset + GALLERY_PAGE_SIZE + 1],
        )
        template = "gallery/gallery.html"
        if request.htmx and request.htmx.target != "gallery-results":
            template += "#cards"
        elif request.htmx:
            template += "#results"
        # Each experiment as one card, ahead of the chains, on the first page of the plain
        # view; the next page's cards (`#cards`) never show them.
        shows_experiments = page == 1 and form.is_unfiltered() and not template.endswith("#cards")
        context = {
            "form": form,
            "chains": window[:GALLERY_PAGE_SIZE],
            "page": page,
            "next_url": _page_url(request, page + 1) if len(window) > GALLERY_PAGE_SIZE else "",
            "previous_url": _page_url(request, page - 1) if page > 1 else "",
            "experiments": (
                compiled_once("gallery:experiments", lambda: experiments_listed()[:GALLERY_EXPERIMENTS])
                if shows_experiments
                else ()
            ),
        }
        return render(request, template, context)

    return anonymous_cached(request, version_key=_gallery_version_key(request), build=build)


def _gallery_version_key(request) -> str:
    """Sorted by stars, the list also follows the stars' own version (chains.cache).

    The query is parsed only when there is one: most hits are the bare gallery."""
    key = f"gallery:{public_version()}"
    if request.META.get("QUERY_STRING") and request.GET.get("sort") == "starred":
        key += f":stars:{stars_version()}"
    return key


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
        context["parent"] = chain_parent_for_viewer(chain=chain, user=request.user)
        # The card's URL changes as the chain grows, so link previews fetch the new one.
        context["share_image"] = f"{reverse('gallery:chain_share_card', args=[chain.slug])}?v={context['max_index']}"
        context["poll_seconds"] = LIVE_POLL_SECONDS
        return render(request, "gallery/chain_detail.html", context)

    if not chain.is_ended:
        return build()
    return anonymous_cached(request, version_key=_chain_version_key(chain), build=build)


def _chain_version_key(chain) -> str:
    """The chain's page shows its parent's title and link, so the parent's version counts too."""
    key = f"chain:{chain.pk}:{chain_version(chain_id=chain.pk)}"
    if chain.parent_id:
        key += f":{chain_version(chain_id=chain.parent_id)}"
    return key


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
    neighbours = compiled_once("step_neighbours", _steps_between, chain.pk, index - 1, index + 1)
    around = {step.index: step for step in neighbours}  # the step and its neighbours, one query
    for neighbour in around.values():
        neighbour.chain = chain  # their links need its slug: spare a query each
    step = around.get(index)
    if step is None:
        raise Http404("No such step.")
    step.lead, step.more = split_caption(step.caption)
    return render(
        request,
        "gallery/step_detail.html",
        {
            "chain": chain,
            "step": step,
            "previous_step": around.get(index - 1),
            "next_step": around.get(index + 1),
            "share_title": f"Step {index} of {chain}",
            "share_image": reverse("gallery:step_share_card", args=[chain.slug, index]),
            **step_figures(step=step),
        },
    )


def _steps_between(chain_id: int, low: int, high: int):
    return chain_timeline_steps(chain=Chain(pk=chain_id)).filter(index__range=(low, high))


@require_safe
def chain_present(request, slug: str):
    """The reveal: the album played one beat at a time (a picture, then the words it
    became, then the next picture), driven by the keyboard. `?beat=K` shows beats 0..K,
    so it plays without JavaScript too; `?step=N` starts at step N's picture."""
    chain = chain_or_404(request, slug)
    context = timeline_context(chain=chain, selected=request.GET.get("step"), with_plots=False)
    total = 2 * len(context["steps"])
    start = 2 * context["selected"].index if context["selected"] else 0
    beat = parse_index(request.GET.get("beat"), default=start, maximum=max(total - 1, 0))
    context.update(
        beat=beat, total_beats=total, previous_beat=max(beat - 1, 0), next_beat=min(beat + 1, max(total - 1, 0))
    )
    return render(request, "gallery/present.html", context)
