"""Every main page in headless Chromium at 360, 390, 768 and 1280 px, light and dark.

Each page must fit its viewport (no element wider than the screen, nothing to scroll
sideways), log no Content-Security-Policy violation and no console error. A screenshot
of each is kept (tests.browser.conftest.SCREENSHOTS, git-ignored) for people and CI
to look at.

One world of chains is built for the whole module, served by one live server thread
(tests.browser.conftest.module_server: committed, so the server thread sees it) and
visited by one browser; each viewport and theme is a context of its own.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.browser.conftest import save_screenshot, wait_until_settled
from tests.browser.test_csp_browser import ViolationLog

# django_db: without a test that asks for the database, pytest-django sets up no test
# database, and the module's world would be built in (and flushed from) the real one.
pytestmark = [pytest.mark.browser, pytest.mark.django_db, pytest.mark.xdist_group("browser-matrix")]

WIDTHS = (360, 390, 768, 1280)
SCHEMES = ("light", "dark")

# Elements wider than the viewport, unless something around them clips or scrolls them
# (a table inside its scroller is fine), or they are meant to sit off screen.
OVERFLOWING = """
() => {
  const width = document.documentElement.clientWidth;
  const clipped = (element) => {
    for (let node = element.parentElement; node && node !== document.body; node = node.parentElement) {
      const overflow = getComputedStyle(node).overflowX;
      if (overflow !== "visible") return true;
    }
    return false;
  };
  const found = [];
  for (const element of document.body.querySelectorAll("*")) {
    if (element.closest(".skip-link, [hidden]")) continue;
    const box = element.getBoundingClientRect();
    if (box.width === 0 || box.height === 0) continue;
    if ((box.right > width + 1 || box.left < -1) && !clipped(element)) {
      const name = `${element.tagName.toLowerCase()}.${element.className}`;
      found.push(`${name} ${Math.round(box.left)}..${Math.round(box.right)}`);
    }
  }
  if (!found.length && document.documentElement.scrollWidth > width) {
    // Something clipped still widens the page: name the widest elements to look at.
    const widest = Array.from(document.body.querySelectorAll("*"))
      .map((element) => [element, element.getBoundingClientRect().right])
      .filter(([, right]) => right > width + 1).sort((a, b) => b[1] - a[1]).slice(0, 5);
    for (const [element, right] of widest) {
      found.push(`${element.tagName.toLowerCase()}.${element.className} ..${Math.round(right)} (clipped)`);
    }
  }
  return {scrollWidth: document.documentElement.scrollWidth, width, found: found.slice(0, 8)};
}
"""


def build_world():
    """Finished chains by the offline provider (one featured, one in a collection), an
    experiment, the atlas, and a member with a submission: every page has content."""
    from chains.services import atlas_recompute, chain_feature, chain_run_inline
    from chains.services.experiments import experiment_create
    from gallery.models import Collection, CollectionEntry
    from gallery.services import submission_create
    from tests.analysis.conftest import local_chain, painted_start
    from tests.factories import make_member
    from tests.support.providers import solid_png

    chains = [local_chain(seed, length=4, title=f"Harbour at dusk, told again {seed}") for seed in range(3)]
    chain_feature(chain=chains[0])
    experiment = experiment_create(
        image=painted_start(7),
        details=["somewhat", "obsessively"],
        modes=["telephone"],
        models=["local"],
        target_length=3,
        title="One harbour, two ways",
        start=False,
    )
    for chain in experiment.chains.all():
        chain_run_inline(chain=chain)
    atlas_recompute()
    collection = Collection.objects.create(slug="harbours", title="Harbours")
    for position, chain in enumerate(chains):
        CollectionEntry.objects.create(collection=collection, chain=chain, position=position)
    member = make_member("ada")
    submission_create(
        owner=member, image=solid_png(), title="My harbour", mode="telephone", detail="very", target_length=2
    )
    client = Client()
    client.force_login(member)
    slug, other = chains[0].slug, chains[1].slug
    pages = {
        "home": "/",
        "gallery": "/gallery/",
        "timeline": f"/c/{slug}/",
        "step": f"/c/{slug}/2/",
        "atlas": "/atlas/",
        "compare": f"/compare/?chain={slug}&chain={other}",
        "experiment": experiment.get_absolute_url(),
        "submit": "/submit/",
        "profile": reverse("accounts:profile"),
    }
    return pages, client.cookies["sessionid"].value


@pytest.fixture(scope="module")
def site(module_server):
    """The world, built once on the module's live server (tests.browser.conftest)."""
    return build_world()


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("width", WIDTHS)
def test_every_page_fits_the_screen_under_the_policy_without_errors(chromium, served, site, width, scheme):
    base, (pages, session) = served.url, site
    context = chromium.new_context(
        viewport={"width": width, "height": 800}, color_scheme=scheme, reduced_motion="reduce"
    )
    context.add_cookies([{"name": "sessionid", "value": session, "url": base}])
    violations = ViolationLog(context)
    page = context.new_page()
    page.set_default_timeout(20_000)
    violations.watch(page)
    errors: list[str] = []
    page.on(
        "console",
        lambda message: (
            errors.append(f"{page.url}: {message.text} {message.location.get('url', '')}")
            if message.type == "error"
            else None
        ),
    )
    problems = []
    try:
        for name, path in pages.items():
            response = page.goto(base + path)
            assert response.status == 200, f"{name}: {response.status}"
            wait_until_settled(page)
            fit = page.evaluate(OVERFLOWING)
            if fit["scrollWidth"] > fit["width"] or fit["found"]:
                problems.append(f"{name} at {width}px {scheme}: scrollWidth {fit['scrollWidth']}, {fit['found']}")
            violations.collect(page)
            save_screenshot(page, f"matrix-{name}-{width}-{scheme}")
    finally:
        context.close()
    assert problems == [], "\n".join(problems)
    assert violations.found == []
    assert errors == []
