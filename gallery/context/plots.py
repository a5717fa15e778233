"""The plots a timeline shows, built from steps already in memory (no queries)."""

from __future__ import annotations

from chains.captions import clip_chars
from chains.models import Chain, Step

MIN_POINTS_FOR_PLOTS = 2
# Narrow enough that axis labels stay legible when the plot shrinks to a phone's width;
# the key is HTML beside the plot (see drift_legend), so it never shrinks at all.
DRIFT_SIZE = {"width": 420, "height": 250}


def plots_context(*, chain: Chain, steps: list[Step]) -> dict:
    embedded = [step for step in steps if step.similarity_to_origin is not None]
    if len(embedded) < MIN_POINTS_FOR_PLOTS:
        return {"drift_svg": "", "path_svg": ""}
    from ..plots.drift import drift_legend, drift_line_svg

    image = [step.image_similarity_to_origin for step in embedded]
    drift = drift_line_svg(
        to_origin=[step.similarity_to_origin for step in embedded],
        to_previous=[step.similarity_to_previous for step in embedded],
        step_urls=[step.url for step in embedded],
        image_to_origin=image,
        legend=False,
        **DRIFT_SIZE,
    )
    legend = drift_legend(with_image=any(value is not None for value in image))
    return {"drift_svg": drift, "drift_legend": legend, "path_svg": _path(chain, embedded)}


def _path(chain: Chain, steps: list[Step]):
    from ..plots.path import path_svg

    points = chain.projection
    if len(points) != len(steps):
        return ""
    return path_svg(
        points=points,
        steps=[
            {
                "index": step.index,
                "url": step.url,
                "thumbnail_url": step.small_url,
                "caption": clip_chars(step.caption, 120),
            }
            for step in steps
        ],
    )
