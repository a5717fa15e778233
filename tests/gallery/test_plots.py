"""Server-rendered SVG plots: well-formed at every size, escaped, linked, small."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import numpy as np
import pytest
from django.template import Context, Template
from django.template.loader import render_to_string

from chains.metrics.drift import project_2d
from chains.models import Chain
from gallery.plots.drift import drift_line_svg, drift_sparkline_svg
from gallery.plots.path import path_colour, path_svg
from gallery.plots.svg import NOT_ENOUGH_STEPS

SVG = "{http://www.w3.org/2000/svg}"
NASTY = '<script>alert("x")</script> & \'quotes\' "here"'


def parse(markup: str) -> ET.Element:
    return ET.fromstring(str(markup))


def curve(count: int) -> list[float]:
    if count == 0:
        return []
    rng = np.random.default_rng(count)
    values = 0.4 + 0.6 * np.exp(-np.arange(count) / max(count / 4, 1)) + rng.normal(0, 0.03, count)
    values[0] = 1.0
    return [round(float(v), 4) for v in np.clip(values, 0, 1)]


def urls(count: int) -> list[str]:
    return [f"/c/abc/s/{i}/" for i in range(count)]


def steps(count: int, caption: str = "A red boat") -> list[dict]:
    return [
        {"index": i, "url": f"/c/abc/s/{i}/", "thumbnail_url": f"/media/chains/t{i}.webp", "caption": f"{caption} {i}"}
        for i in range(count)
    ]


def points(count: int) -> list[list[float]]:
    vectors = np.random.default_rng(0).normal(size=(count, 16)) if count else np.zeros((0, 16))
    return project_2d(vectors).tolist()


# --- drift line --------------------------------------------------------------------------


@pytest.mark.parametrize("count", [0, 1, 2, 150])
def test_drift_line_is_well_formed_svg(count):
    root = parse(drift_line_svg(to_origin=curve(count), to_previous=curve(count), step_urls=urls(count)))
    assert root.tag == f"{SVG}svg"
    assert root.get("viewBox") == "0 0 640 240" or count < 2
    assert root.find(f"{SVG}title") is not None and root.find(f"{SVG}desc") is not None
    labelled_by = root.get("aria-labelledby").split()
    ids = {element.get("id") for element in root.iter() if element.get("id")}
    assert set(labelled_by) <= ids


@pytest.mark.parametrize("count", [0, 1])
def test_too_few_steps_say_so(count):
    markup = drift_line_svg(to_origin=curve(count), to_previous=curve(count))
    assert NOT_ENOUGH_STEPS in markup and "<path" not in markup
    assert NOT_ENOUGH_STEPS in path_svg(points=points(count), steps=steps(count))


def test_drift_points_link_to_their_steps_with_a_tooltip():
    root = parse(drift_line_svg(to_origin=[1.0, 0.8, 0.43], to_previous=[1.0, 0.8, 0.6], step_urls=urls(3)))
    links = root.findall(f".//{SVG}a")
    assert [a.get("href") for a in links] == urls(3)
    assert links[2].find(f"{SVG}title").text == "Step 2: 0.43 to origin, 0.60 to previous step"
    assert len(links[2].findall(f"{SVG}circle")) == 2
    assert root.get("role") == "group"  # role="img" would hide the links from screen readers


def test_drift_without_urls_is_an_image_without_links():
    root = parse(drift_line_svg(to_origin=[1.0, 0.7], to_previous=[1.0, 0.7]))
    assert root.get("role") == "img"
    assert root.find(f".//{SVG}a") is None
    assert len(root.findall(f".//{SVG}circle")) == 4


def test_missing_values_are_skipped_not_drawn_at_zero():
    to_origin = [1.0, 0.8, None, 0.6, None]
    root = parse(drift_line_svg(to_origin=to_origin, to_previous=[1.0, 0.9, None, 0.7, None], step_urls=urls(5)))
    assert [a.get("href") for a in root.findall(f".//{SVG}a")] == ["/c/abc/s/0/", "/c/abc/s/1/", "/c/abc/s/3/"]
    origin_line = root.find(f".//{SVG}path[@class='plot-line plot-origin']")
    assert origin_line.get("d").count("M") == 2  # the gap at step 2 breaks the line
    assert "None" not in ET.tostring(root, encoding="unicode")


def test_step_labels_thin_out_for_long_chains():
    root = parse(drift_line_svg(to_origin=curve(200), to_previous=curve(200)))
    axis = root.find(f".//{SVG}g[@class='plot-axis']")
    labels = [t.text for t in axis.findall(f"{SVG}text") if t.text != "Step"]
    assert 5 <= len(labels) <= 15 and labels[0] == "0"
    assert len(root.findall(f".//{SVG}g[@class='plot-step']")) == 200


def test_a_short_chain_labels_every_step():
    root = parse(drift_line_svg(to_origin=curve(12), to_previous=curve(12)))
    axis = root.find(f".//{SVG}g[@class='plot-axis']")
    assert [t.text for t in axis.findall(f"{SVG}text")][:-1] == [str(i) for i in range(12)]


def test_unsafe_urls_are_dropped():
    markup = drift_line_svg(
        to_origin=[1.0, 0.5], to_previous=[1.0, 0.5], step_urls=["javascript:alert(1)", '/ok/"><script>']
    )
    root = parse(markup)
    assert [a.get("href") for a in root.findall(f".//{SVG}a")] == ['/ok/"><script>']
    assert "javascript:" not in markup and "<script>" not in markup


def test_colours_come_from_css_classes_not_hard_coded():
    markup = drift_line_svg(to_origin=curve(12), to_previous=curve(12), step_urls=urls(12))
    assert 'class="plot-line plot-origin"' in markup and 'class="plot-line plot-previous"' in markup
    assert not re.search(r"#[0-9a-f]{3,6}\b", markup)


# --- sparkline ---------------------------------------------------------------------------


def test_sparkline_is_one_small_decorative_polyline():
    markup = drift_sparkline_svg(curve=curve(150))
    root = parse(markup)
    assert root.get("aria-hidden") == "true"
    assert [child.tag for child in root] == [f"{SVG}polyline"]
    assert len(markup.encode()) < 2500
    coordinates = re.findall(r"-?\d+(?:\.\d+)?", root[0].get("points"))
    assert len(coordinates) == 300 and all(len(c.partition(".")[2]) <= 1 for c in coordinates)


def test_sparkline_is_empty_below_two_points():
    assert drift_sparkline_svg(curve=[]) == "" and drift_sparkline_svg(curve=[1.0]) == ""


# --- path --------------------------------------------------------------------------------


@pytest.mark.parametrize("count", [0, 1, 2, 150])
def test_path_is_well_formed_with_one_point_per_step(count):
    root = parse(path_svg(points=points(count), steps=steps(count)))
    assert root.tag == f"{SVG}svg"
    if count >= 2:
        links = root.findall(f".//{SVG}a")
        assert len(links) == len(root.findall(f".//{SVG}circle")) == count
        assert [a.get("href") for a in links] == [s["url"] for s in steps(count)]
        assert links[0].get("data-thumb") == "/media/chains/t0.webp"


def test_path_never_embeds_images_that_would_load_eagerly():
    markup = path_svg(points=points(12), steps=steps(12))
    assert "<image" not in markup and "foreignObject" not in markup


def test_path_colours_run_from_first_to_last():
    root = parse(path_svg(points=points(12), steps=steps(12)))
    fills = [c.get("fill") for c in root.iter(f"{SVG}circle")]
    assert fills[0] == path_colour(0.0) and fills[-1] == path_colour(1.0)
    assert len(set(fills)) == 12
    labels = [t.text for t in root.iter(f"{SVG}text")]
    assert labels == [str(i) for i in range(12)] + ["Start", "End"], "every step numbered, the ends named"
    segments = [p.get("stroke") for p in root.iter(f"{SVG}path") if p.get("class") != "plot-path-halo"]
    assert len(segments) == 11 and segments[0] != segments[-1], "one smooth segment per step, coloured along"
    assert all(" C" in p.get("d") or "C" in p.get("d") for p in root.iter(f"{SVG}path")), "curves, not polylines"


def test_long_paths_number_every_kth_step_and_the_last():
    root = parse(path_svg(points=points(150), steps=steps(150)))
    numbers = [t.text for t in root.find(f".//{SVG}g[@class='plot-step-numbers']")]
    assert numbers[0] == "0" and numbers[-1] == "149" and len(numbers) <= 32


def test_captions_are_escaped():
    markup = path_svg(points=points(3), steps=steps(3, caption=NASTY))
    assert "<script>" not in markup
    root = parse(markup)  # would fail on a stray quote or angle bracket
    title = root.find(f".//{SVG}a/{SVG}title").text
    assert title == f"Step 0: {NASTY} 0"


def test_path_ignores_points_without_steps_and_steps_without_points():
    root = parse(path_svg(points=points(6), steps=steps(4)))
    assert len(root.findall(f".//{SVG}a")) == 4


# --- template tag and fragments ------------------------------------------------------------


@pytest.mark.django_db
def test_sparkline_tag_renders_without_queries(django_assert_num_queries):
    chain = Chain(drift_curve=curve(20))
    with django_assert_num_queries(0):
        html = Template("{% load plots %}{% drift_sparkline chain %}").render(Context({"chain": chain}))
    assert html.startswith("<svg") and "<polyline" in html


@pytest.mark.django_db
def test_sparkline_tag_with_no_curve_renders_nothing(django_assert_num_queries):
    with django_assert_num_queries(0):
        html = Template("{% load plots %}{% drift_sparkline chain %}").render(Context({"chain": Chain()}))
    assert html == ""


def test_fragments_embed_the_svg_unescaped_with_an_explanation():
    drift = render_to_string(
        "gallery/_drift_plot.html", {"drift_svg": drift_line_svg(to_origin=curve(5), to_previous=curve(5))}
    )
    assert "<svg" in drift and "<figcaption>" in drift and "1 = same meaning" in drift
    path = render_to_string("gallery/_path_plot.html", {"path_svg": path_svg(points=points(5), steps=steps(5))})
    assert "<svg" in path and "<figcaption>" in path and "js/plots.js" in path
