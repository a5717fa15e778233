"""The atlas SVG: compact dots that decode back to the points, a valid document,
escaped text, and the zoom maths."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from gallery.plots import atlas as plots

SVG = "{http://www.w3.org/2000/svg}"


def decode(path: str) -> list[tuple[float, float]]:
    """Read back "M x yh0m dx dyh0…" into absolute points."""
    points, x, y = [], 0.0, 0.0
    for command, a, b in re.findall(r"([Mm])(-?[\d.]+)[ ,]?(-?[\d.]+)h0", path):
        x, y = (float(a), float(b)) if command == "M" else (x + float(a), y + float(b))
        points.append((round(x, 1), round(y, 1)))
    return points


def test_dots_decode_back_to_the_points_at_a_tenth_of_a_unit():
    points = [(0.1234, 0.5678), (0.9, 0.1), (0.1236, 0.5671), (0.0, 1.0), (1.0, 0.0)]
    path = plots.dots_path(points)
    expected = {(round(x * 1000, 1), round((1 - y) * 1000, 1)) for x, y in points}
    assert set(decode(path)) == expected
    assert len(decode(path)) == len(expected)


def test_twenty_thousand_dots_stay_small():
    import random

    rng = random.Random(0)
    points = [(rng.random(), rng.random()) for _ in range(20_000)]
    path = plots.dots_path(points)
    assert len(path) / 20_000 < 14  # bytes per point
    assert len(decode(path)) == len({(round(x * 10000), round(y * 10000)) for x, y in points})


def test_map_is_valid_svg_with_escaped_labels_and_a_selection():
    attractors = [
        {"id": 1, "number": 1, "label": "<b>storm</b> & sea", "x": 0.3, "y": 0.4, "url": "/atlas/attractors/1/"},
        {"id": 2, "number": 2, "label": "cathedral", "x": 0.7, "y": 0.6, "url": "javascript:alert(1)"},
    ]
    points = [(0.3, 0.4, 1), (0.31, 0.41, 1), (0.7, 0.6, 2), (0.5, 0.5, None)]
    layer = plots.atlas_dots_layer(points=points, attractors=attractors)
    selection = plots.chain_path_layer(
        steps=[
            {
                "x": 0.3,
                "y": 0.4,
                "index": 0,
                "url": "/c/abc/0/",
                "thumbnail_url": "/media/a.webp",
                "caption": "a <sea>",
            },
            {"x": 0.7, "y": 0.6, "index": 1, "url": "/c/abc/1/", "thumbnail_url": "/media/b.webp", "caption": "b"},
        ]
    )
    markup = plots.atlas_map_svg(
        dots_layer=layer, point_count=4, attractors=attractors, view=plots.View(zoom=2), selection=selection
    )
    root = ET.fromstring(markup)
    assert root.get("viewBox") == "235 235 530 530"
    assert "&lt;b&gt;storm&lt;/b&gt; &amp; sea" in markup and "javascript:" not in markup
    assert len(root.findall(f".//{SVG}path[@class='atlas-dots']")) == 2
    assert len(root.findall(f".//{SVG}path[@class='atlas-dots atlas-noise']")) == 1
    dots = root.findall(f".//{SVG}a[@class='plot-point plot-start']")
    assert dots and dots[0].get("href") == "/c/abc/0/" and dots[0].get("data-thumb") == "/media/a.webp"


def test_highlight_greys_every_other_attractor():
    attractors = [
        {"id": 1, "number": 1, "label": "a", "x": 0, "y": 0},
        {"id": 2, "number": 2, "label": "b", "x": 1, "y": 1},
    ]
    layer = plots.atlas_dots_layer(points=[(0.1, 0.1, 1), (0.9, 0.9, 2)], attractors=attractors, highlight=2)
    assert 'data-attractor="2"' in layer and 'data-attractor="1"' not in layer and "atlas-noise" in layer


@pytest.mark.parametrize(
    "zoom,x,y,box",
    [
        (1, 0.5, 0.5, (-30, -30, 1060, 1060)),  # the whole map, with its margin
        (4, 0.0, 1.0, (-30, -30, 265, 265)),  # clamped into the map
        (4, 1.0, 0.0, (765, 765, 265, 265)),
        (2, 0.5, 0.75, (235, -15, 530, 530)),
    ],
)
def test_views_stay_inside_the_map(zoom, x, y, box):
    assert plots.View(x=x, y=y, zoom=zoom).box == pytest.approx(box)


def test_moving_a_view_pans_by_screens_and_clamps_the_zoom():
    view = plots.View(zoom=2).moved(dx=0.5)
    assert (view.x, view.zoom) == (0.75, 2)
    assert plots.View().moved(zoom=1000).zoom == plots.ZOOM_LEVELS[-1]


def test_overlay_draws_one_line_per_chain_and_a_placeholder_without_data():
    markup = plots.overlay_drift_svg(
        series=[
            {"label": "first", "values": [1, 0.6, 0.4], "url": "/c/a/"},
            {"label": "second <b>", "values": [1, 0.2, -0.3, None, -0.1], "url": "/c/b/"},
        ]
    )
    root = ET.fromstring(markup)
    assert len(root.findall(f".//{SVG}path[@class='plot-line plot-series']")) == 2
    assert "second &lt;b&gt;" in markup
    assert "-0.4" in markup  # the axis extends below zero for calibrated values
    empty = plots.overlay_drift_svg(series=[{"label": "x", "values": [1.0]}])
    assert "Not enough steps" in empty
