"""Public pages. Each view: read through a selector, render; no logic of its own."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from chains.selectors import chain_for_viewer, chain_progress, chain_steps, chains_public_recent

LIVE_POLL_SECONDS = 2


@require_GET
def home(request):
    return render(request, "gallery/home.html", {"chains": chains_public_recent(limit=24)})


def _chain_or_404(request, slug: str):
    chain = chain_for_viewer(slug=slug, user=request.user)
    if chain is None:
        raise Http404("No such chain.")
    return chain


@require_GET
def chain_detail(request, slug: str):
    chain = _chain_or_404(request, slug)
    done, expected = chain_progress(chain=chain)
    context = {
        "chain": chain, "steps": chain_steps(chain=chain), "done": done, "expected": expected,
        "poll_seconds": LIVE_POLL_SECONDS,
    }
    template = "gallery/chain_detail.html"
    if request.htmx:
        template += "#timeline"
    return render(request, template, context)


@require_GET
def step_detail(request, slug: str, index: int):
    chain = _chain_or_404(request, slug)
    step = chain_steps(chain=chain).filter(index=index).first()
    if step is None:
        raise Http404("No such step.")
    return render(request, "gallery/step_detail.html", {"chain": chain, "step": step})
