"""The atlas in a real browser: pick a chain by clicking one of its dots and its path
is drawn; zoom in place; the form draws a chain without any script.

The tests only read: one atlas is built for the module and served by the module's own
live server (tests.browser.conftest.module_server)."""

from __future__ import annotations

import math

import pytest

from chains.models import AtlasPoint
from chains.services import atlas_recompute
from tests.analysis.conftest import local_chain, small_pictures

pytestmark = [pytest.mark.browser, pytest.mark.django_db, pytest.mark.xdist_group("browser-atlas")]


@pytest.fixture(scope="module")
def atlas_world(module_server):
    """Six short chains of small pictures and their atlas: enough dots for one to stand
    alone, and for the map to have somewhere to zoom to (the map shows captions' places,
    not pictures)."""
    with small_pictures():
        chains = [local_chain(seed, length=3) for seed in range(6)]
    atlas_recompute()
    return chains


def loneliest_point() -> AtlasPoint:
    """The dot farthest from any other, so a click on it can only mean its chain."""
    points = list(AtlasPoint.objects.select_related("chain"))

    def room(point):
        return min(math.hypot(point.x - other.x, point.y - other.y) for other in points if other is not point)

    return max(points, key=room)


def click_map_point(page, point: AtlasPoint) -> None:
    position = page.evaluate(
        """([x, y]) => {
            const svg = document.querySelector('svg.atlas-map');
            const p = svg.createSVGPoint(); p.x = x * 1000; p.y = (1 - y) * 1000;
            const screen = p.matrixTransform(svg.getScreenCTM());
            return [screen.x, screen.y];
        }""",
        [point.x, point.y],
    )
    page.mouse.click(*position)


def test_clicking_a_dot_draws_its_chain_across_the_map(page, served, atlas_world):
    point = loneliest_point()
    page.goto(served.url + "/atlas/")
    page.wait_for_function("() => document.querySelector('.atlas-controls.is-live')")
    assert page.locator("#atlas-map-selection .atlas-path").count() == 0
    click_map_point(page, point)
    page.wait_for_selector(f"#atlas-map-selection .atlas-path[data-chain='{point.chain.slug}']")
    steps = point.chain.steps.count()
    assert page.locator("#atlas-map-selection .atlas-path .plot-point").count() == steps
    assert page.locator("#atlas-chain h2").inner_text() == point.chain.title
    page.wait_for_function(f"() => location.search.includes('chain={point.chain.slug}')")
    box = page.locator("#atlas-map-selection .atlas-path-line").bounding_box()
    assert box and box["width"] > 0 and box["height"] > 0, "the path is drawn, not just present"


def test_zoom_buttons_and_wheel_change_the_view_in_place(page, served, atlas_world):
    page.goto(served.url + "/atlas/")
    page.wait_for_function("() => document.querySelector('.atlas-controls.is-live')")
    before = page.get_attribute("svg.atlas-map", "viewBox")
    page.click("[data-atlas-zoom='in']")
    zoomed = page.get_attribute("svg.atlas-map", "viewBox")
    assert zoomed != before and float(zoomed.split()[2]) == pytest.approx(530, abs=1)
    assert page.url.endswith("/atlas/") or "zoom=2" in page.url
    page.hover("svg.atlas-map")
    page.mouse.wheel(0, 400)
    page.wait_for_function(f"() => document.querySelector('svg.atlas-map').getAttribute('viewBox') !== '{zoomed}'")


def test_without_javascript_the_form_draws_a_chain(chromium, served, atlas_world):
    context = chromium.new_context(java_script_enabled=False, viewport={"width": 390, "height": 844})
    page = context.new_page()
    try:
        chain = atlas_world[2]
        page.goto(served.url + "/atlas/")
        page.fill("#atlas-chain-input", chain.slug)
        page.click(".atlas-picker button")
        page.wait_for_selector(f".atlas-path[data-chain='{chain.slug}']")
        page.click("[data-atlas-zoom='in']")
        assert "zoom=2" in page.url
        assert page.get_attribute("svg.atlas-map", "viewBox").split()[2] == "530"
    finally:
        context.close()
