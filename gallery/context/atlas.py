"""What the atlas, attractor, step and chain pages show of the analysis, gathered here
so views stay a form, a selector call and a render."""

from __future__ import annotations

from django.core.cache import cache
from django.urls import reverse
from django.utils.text import Truncator

from chains.cache import public_version
from chains.metrics.drift import calibrate
from chains.models import Atlas, Attractor, Chain, Step
from chains.selectors.atlas import atlas_chain_path, atlas_map_points, atlas_paths, attractor_positions, step_similar
from chains.selectors.research import IMAGE_KIND, baselines, caption_kind

from ..plots.atlas import (
    View,
    atlas_dots_layer,
    atlas_map_svg,
    attractor_colour,
    chain_path_layer,
    fit_view,
    paths_layer,
)

DOTS_CACHE_SECONDS = 3600
GREY_LIMIT = 6000  # background points on attractor and experiment maps: enough to show the shape


def attractor_dicts(attractors: list[Attractor]) -> list[dict]:
    return [
        {"id": a.pk, "number": a.number, "label": a.label, "x": a.x, "y": a.y, "url": a.get_absolute_url()}
        for a in attractors
    ]


def dots_layer(
    *, atlas: Atlas, attractors: list[dict], highlight: int | None = None, grey_limit: int | None = None
) -> str:
    """The map's points, rendered once per atlas version and public content version."""
    key = f"atlas-dots:{atlas.pk}:{atlas.version}:{public_version()}:{highlight}:{grey_limit}"
    layer = cache.get(key)
    if layer is None:
        points = atlas_map_points(atlas=atlas)
        if grey_limit is not None:
            points = _thin_background(points, keep=highlight, limit=grey_limit)
        layer = atlas_dots_layer(points=points, attractors=attractors, highlight=highlight)
        cache.set(key, layer, timeout=DOTS_CACHE_SECONDS)
    return layer


def _thin_background(points, *, keep: int | None, limit: int):
    """Every point of `keep`, and an evenly spread sample of at most `limit` others."""
    others = [point for point in points if keep is None or point[2] != keep]
    step = max(1, -(-len(others) // limit))
    return [point for point in points if keep is not None and point[2] == keep] + others[::step]


def chain_selection(*, atlas: Atlas, chain: Chain) -> tuple[str, list]:
    """The chain's path on the map (safe SVG) and its points, empty if it is not on it."""
    points = atlas_chain_path(atlas=atlas, chain=chain)
    steps = [
        {
            "x": p.x,
            "y": p.y,
            "index": p.index,
            "caption": Truncator(p.step.caption).chars(120),
            "url": reverse("gallery:step_detail", kwargs={"slug": chain.slug, "index": p.index}),
            "thumbnail_url": p.step.thumbnail_small.url,
        }
        for p in points
    ]
    return chain_path_layer(steps=steps, label=chain.slug), points


def map_context(
    *,
    atlas: Atlas,
    attractors: list[Attractor],
    view: View | None,
    chain: Chain | None = None,
    highlight: int | None = None,
    trails: list[Chain] = (),
    grey_limit: int | None = None,
    colour_trails: bool = False,
    plot_id: str = "atlas-map",
) -> dict:
    """The map with, optionally, one chain's path (`chain`) or several chains' trails
    (`trails`; `colour_trails` gives each the colour of its line on the drift chart).
    Without a `view`, the map is framed on the highlighted attractor and the trails."""
    dicts = attractor_dicts(attractors)
    selection, path, framed = ("", [], [])
    if chain is not None:
        selection, path = chain_selection(atlas=atlas, chain=chain)
    if trails:
        positions = atlas_paths(atlas=atlas, chain_ids=[c.pk for c in trails])
        framed = [point for points in positions.values() for point in points]
        selection = (
            paths_layer(
                paths=[
                    {
                        "points": positions.get(c.pk, []),
                        "url": c.get_absolute_url(),
                        "label": str(c),
                        "colour": attractor_colour(n + 1) if colour_trails else None,
                    }
                    for n, c in enumerate(trails)
                ]
            )
            + selection
        )
    if view is None:  # frame what the page is about: the attractor and the trails into it
        if highlight is not None:
            framed += attractor_positions(attractor_id=highlight)
        view = fit_view(framed)
    layer = dots_layer(atlas=atlas, attractors=dicts, highlight=highlight, grey_limit=grey_limit)
    return {
        "map_svg": atlas_map_svg(
            dots_layer=layer,
            point_count=atlas.point_count,
            attractors=dicts,
            view=view,
            selection=selection,
            highlight=highlight,
            plot_id=plot_id,
        ),
        "selected_path": path,
    }


# --- figures beside a chain or a step ------------------------------------------------


def _calibrated(value, baseline) -> float | None:
    if value is None or baseline is None:
        return None
    return float(calibrate(value, baseline.mean))


def step_figures(*, step: Step) -> dict:
    """Similar steps and calibrated similarities for a step's permalink."""
    known = baselines()
    caption_baseline = known.get(caption_kind(step.embedding_model)) if step.embedding_model else None
    return {
        "similar": step_similar(step=step),
        "caption_baseline": caption_baseline,
        "calibrated_to_origin": _calibrated(step.similarity_to_origin, caption_baseline),
        "calibrated_image_to_origin": _calibrated(step.image_similarity_to_origin, known.get(IMAGE_KIND)),
    }
