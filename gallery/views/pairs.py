"""The public page of (captioner, painter) pairs ranked by how well they keep the meaning."""

from __future__ import annotations

import math

from django.shortcuts import render
from django.views.decorators.http import require_safe

from chains.cache import public_version
from chains.selectors.pairs import MIN_CHAINS_TO_RANK, model_pairs

from ..plots.pairs import interval_svg
from ._caching import anonymous_cached


@require_safe
def pair_list(request):
    def build():
        pairs = model_pairs()
        longest = max(
            (
                pair.half_life.high
                for pair in pairs
                if pair.half_life is not None and math.isfinite(pair.half_life.high)
            ),
            default=1.0,
        )
        rows = [
            {
                "pair": pair,
                "drift": drift_text(pair.drift),
                "half_life": half_life_text(pair.half_life),
                "cost": cost_text(pair.cost_per_step),
                "drift_svg": _interval(pair.drift, scale_max=1.0),
                "half_life_svg": _interval(pair.half_life, scale_max=max(longest, 1.0)),
            }
            for pair in pairs
        ]
        return render(
            request,
            "gallery/pairs.html",
            {
                "rows": rows,
                "ranked": sum(1 for pair in pairs if not pair.few),
                "min_chains": MIN_CHAINS_TO_RANK,
                "here": "model_pairs",
            },
        )

    return anonymous_cached(request, version_key=f"pairs:{public_version()}", build=build)


def drift_text(estimate) -> dict | None:
    if estimate is None:
        return None
    return {"median": f"{estimate.median:.2f}", "range": f"{estimate.low:.2f}–{estimate.high:.2f}"}


def half_life_text(estimate) -> dict | None:
    """Steps, or "never" when the median chain never lost half its meaning."""
    if estimate is None:
        return None

    def steps(value: float) -> str:
        return "never" if math.isinf(value) else f"{value:g}"

    median = "never" if math.isinf(estimate.median) else f"step {estimate.median:g}"
    return {"median": median, "range": f"{steps(estimate.low)}–{steps(estimate.high)}"}


def cost_text(cost) -> str:
    if cost is None:
        return "—"
    return "free" if cost == 0 else f"${cost:.4f}"


def _interval(estimate, *, scale_max: float):
    if estimate is None:
        return ""
    return interval_svg(median=estimate.median, low=estimate.low, high=estimate.high, scale_max=scale_max)
