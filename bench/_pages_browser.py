"""Bytes a first-time visitor downloads, measured in real headless Chromium.

A fresh browser context (empty cache) opens the page at 1280x900 and waits for the
network to go idle; every finished request's encoded body plus response headers is
summed, as DevTools' "transferred" column would. Lazy images below the fold are
therefore counted only if Chromium itself decided to fetch them, which is exactly
what "first view" means.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
VIEWPORT = {"width": 1280, "height": 900}
KINDS = {"document": "html", "stylesheet": "css", "script": "js", "image": "images"}

# What the page holds once loaded: how many cards and images, and how many were fetched.
DOM_STATS = """() => ({
  chain_cards: document.querySelectorAll('.chain-card').length,
  step_cards: document.querySelectorAll('.step-card').length,
  img_elements: document.images.length,
  img_loaded: Array.from(document.images).filter(i => i.complete && i.naturalWidth > 0).length,
  img_css_widths: Array.from(new Set(Array.from(document.images)
    .map(i => Math.round(i.getBoundingClientRect().width)))).sort((a, b) => a - b),
})"""


@dataclass
class FirstView:
    """Transferred bytes by kind, with request counts and anything that failed."""

    url: str
    bytes_by_kind: Counter = field(default_factory=Counter)
    count_by_kind: Counter = field(default_factory=Counter)
    failed: list = field(default_factory=list)
    bad_status: list = field(default_factory=list)
    dom: dict = field(default_factory=dict)
    images: list = field(default_factory=list)  # (url, bytes) of every image fetched
    others: list = field(default_factory=list)  # URLs of requests that are none of the four kinds

    @property
    def total(self) -> int:
        return sum(self.bytes_by_kind.values())

    def kb(self, kind: str | None = None) -> float:
        return (self.total if kind is None else self.bytes_by_kind[kind]) / 1000


def first_view(url: str, *, settle_ms: int = 500) -> FirstView:
    """Load `url` in a fresh context until network idle; sum what came over the wire."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport=VIEWPORT)
            page = context.new_page()
            finished, failed = [], []
            # Playwright needs real functions here (it tags them), not bound builtins.
            page.on("requestfinished", lambda request: finished.append(request))
            page.on("requestfailed", lambda request: failed.append(request))
            page.goto(url, wait_until="networkidle", timeout=120_000)
            page.wait_for_timeout(settle_ms)  # a late lazy image or htmx trigger still counts
            view = FirstView(url=url, dom=page.evaluate(DOM_STATS))
            for request in finished:
                _count(view, request)
            view.failed = [f"{r.url} {r.failure}" for r in failed]
            context.close()
            return view
        finally:
            browser.close()


def _count(view: FirstView, request) -> None:
    """Encoded body + headers of one response, filed under html/css/js/images/other."""
    sizes = request.sizes()
    kind = KINDS.get(request.resource_type, "other")
    view.bytes_by_kind[kind] += sizes["responseBodySize"] + sizes["responseHeadersSize"]
    view.count_by_kind[kind] += 1
    if kind == "other":
        view.others.append(f"{request.resource_type} {request.url}")
    if kind == "images":
        view.images.append((request.url, sizes["responseBodySize"] + sizes["responseHeadersSize"]))
    response = request.response()
    if response is not None and response.status >= 400:
        view.bad_status.append(f"{response.status} {request.url}")
