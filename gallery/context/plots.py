"""The plots a timeline shows, built from steps already in memory (no queries), and kept
by a digest of their inputs (gallery.fragments), as an unchanged chain plots the same."""

from __future__ import annotations

from functools import partial

from chains.captions import clip_chars
from chains.models import Chain, Step

from ..fragments import kept_svg

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
    figures = {
        "to_origin": [step.similarity_to_origin for step in embedded],
        "to_previous": [step.similarity_to_previous for step in embedded],
        "step_urls": [step.url for step in embedded],
        "image_to_origin": image,
        "legend": False,
        **DRIFT_SIZE,
    }
    drift = kept_svg("drift", sorted(figures.items()), partial(drift_line_svg, **figures))
    legend = drift_legend(with_image=any(value is not None for value in image))
    return {"drift_svg": drift, "drift_legend": legend, "path_svg": _path(chain, embedded)}


def _path(chain: Chain, steps: list[Step]):
    points = chain.projection
    if len(points) != len(steps):
        return ""
    figures = {
        "points": points,
        "steps": [(step.index, step.url, step.thumbnail_small.name, clip_chars(step.caption, 120)) for step in steps],
    }
    # Thumbnail URLs are made only when the plot is drawn: the key needs the names alone.
    thumbnails = [step.thumbnail_small for step in steps]
    return kept_svg("path", figures, partial(_path_svg, points, figures["steps"], thumbnails))


def _path_svg(points, steps: list[tuple], thumbnails: list):
    from ..plots.path import path_svg

    return path_svg(
        points=points,
        steps=[
            {"index": index, "url": url, "thumbnail_url": thumbnail.url, "caption": caption}
            for (index, url, _, caption), thumbnail in zip(steps, thumbnails, strict=True)
        ],
    )
