"""Headless Chromium through Playwright, against pytest-django's live server.

Chromium comes from Debian; Playwright never downloads a browser. Every test leaves
a screenshot in artifacts/screenshots/ to look at.

A module whose tests only read builds its world once (`module_server`): committed
for real and served by a live server thread of its own, as pytest-django's
`live_server` would flush the database after every test.
"""

from __future__ import annotations

import base64
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

# Debian's headless shell (apt-get install chromium-headless-shell; .ci/run installs it)
# is the build Playwright itself runs headless: the same Blink, rendering the same pages,
# without the full browser's windows and its own top-chrome pages around each one, at
# half the CPU per page. The full browser where the shell is missing.
HEADLESS_SHELL = "/usr/bin/chromium-headless-shell"
CHROMIUM = os.environ.get("CHROMIUM_PATH") or (HEADLESS_SHELL if Path(HEADLESS_SHELL).exists() else "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# Git-ignored; CI keeps the folder as an artefact. TELEPHONE_SCREENSHOTS_DIR moves it.
SCREENSHOTS = Path(
    os.environ.get("TELEPHONE_SCREENSHOTS_DIR") or Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
)

# The page has loaded, htmx has no request in flight nor content settling in, and every
# picture has arrived (or failed), for two rendering frames running.
SETTLED = """
() => {
  const busy = document.readyState !== "complete"
    || document.querySelector(".htmx-request, .htmx-swapping, .htmx-settling, .htmx-added")
    || Array.from(document.images).some((image) => !image.complete);
  window.__settledFrames = busy ? 0 : (window.__settledFrames || 0) + 1;
  return window.__settledFrames >= 2;
}
"""
# Lazy pictures are asked for when the browser sees fit, in a frame after the load event
# or later; a full-page screenshot shows every one, whatever the timing.
EVERY_PICTURE_NOW = """
() => document.querySelectorAll("img[loading=lazy]").forEach((image) => { image.loading = "eager"; })
"""

# Playwright's sync API keeps an event loop on the main thread; the ORM calls the
# tests make around it are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    if shutil.which(CHROMIUM) or Path(CHROMIUM).exists():
        return
    if os.environ.get("CI") == "true":
        raise pytest.UsageError(f"Browser tests need Chromium at {CHROMIUM}; .ci/run installs it.")
    skip = pytest.mark.skip(reason=f"no Chromium at {CHROMIUM} (apt-get install chromium-headless-shell)")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


def wait_until_settled(page) -> None:
    """Load every picture and wait until the page is done (SETTLED), for a screenshot
    of the whole page.

    Rather than Playwright's "networkidle", which waits for half a second without any
    request after every page, whatever the page does (four of the nine seconds of each
    test of the page matrix), and still caught only the lazy pictures the browser had
    asked for by then. After the load event a page asks for nothing but pictures and
    htmx's requests (its `load` triggers, started by then), which SETTLED waits for."""
    page.evaluate(EVERY_PICTURE_NOW)
    page.wait_for_function(SETTLED, polling="raf")


def save_screenshot(page, name: str, *, full_page: bool = True) -> None:
    """SCREENSHOTS/<name>.png: the whole page, or what the viewport shows.

    Playwright's page.screenshot has Chromium compress its PNGs as hard as it can, half
    the browser's CPU in the page matrix; asked through the DevTools protocol Playwright
    itself speaks, Chromium encodes the same pixels for speed (files a quarter larger)."""
    session = page.context.new_cdp_session(page)
    try:
        options = {"format": "png", "optimizeForSpeed": True}
        if full_page:
            size = session.send("Page.getLayoutMetrics")["cssContentSize"]
            clip = {"x": 0, "y": 0, "width": size["width"], "height": size["height"], "scale": 1}
            options.update(captureBeyondViewport=True, clip=clip)
        shot = session.send("Page.captureScreenshot", options)
    finally:
        session.detach()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    (SCREENSHOTS / f"{name}.png").write_bytes(base64.b64decode(shot["data"]))


@pytest.fixture(scope="session")
def chromium():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(chromium, settings, request):
    settings.ROOT_URLCONF = "tests.browser.urls"
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    save_screenshot(page, request.node.name, full_page=False)
    context.close()


@dataclass(frozen=True)
class ModuleServer:
    """A live server thread for one module, and the folder its committed world's files sit in."""

    url: str
    folder: Path


@pytest.fixture(scope="module")
def module_server(django_db_setup, django_db_blocker, tmp_path_factory):
    """A live server for the module, inside `committed_for_the_module`: the module's own
    fixture builds its world on top of this one, once, and every test reads it.

    Mark the module `django_db` (without it pytest-django sets up no test database, and
    the world would be built in, and deleted from, the real one) and give it an
    `xdist_group` (its tests stay in one process, which builds the world once). The
    world's finishing chains neither refit the atlas later nor draw share cards: the
    module fixture fits the atlas itself if it wants one, and no page loads a card (they
    are only named in meta tags)."""
    from django.db import connection
    from django.test import override_settings
    from pytest_django.live_server_helper import LiveServer

    from tests.support.shared_data import background_work_held_back, committed_for_the_module, storages_in

    name = str(connection.settings_dict["NAME"]).rsplit("/", 1)[-1]
    assert name.startswith("test"), f"refusing to build a world (and delete it) in {name}, not a test database"
    folder = tmp_path_factory.mktemp("module-server")
    with (
        committed_for_the_module(django_db_blocker, folder),
        override_settings(ROOT_URLCONF="tests.browser.urls", STORAGES=storages_in(folder)),
        background_work_held_back(),
    ):
        live = LiveServer("localhost")
        try:
            yield ModuleServer(url=live.url, folder=folder)
        finally:
            live.stop()


@pytest.fixture
def served(module_server, settings):
    """The module's server, with this test's settings pointed at its world's files
    (`isolated_media` gave the test folders of its own)."""
    from tests.support.shared_data import storages_in

    settings.ROOT_URLCONF = "tests.browser.urls"
    settings.MEDIA_ROOT, settings.STORAGES = module_server.folder / "media", storages_in(module_server.folder)
    return module_server
