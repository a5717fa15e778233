"""The site's pages, per kind of visitor, with enough data behind them to render fully.

Shared by the CSP tests: the fast one reads each page's HTML for anything inline,
the browser one (tests/browser/test_csp_browser.py) loads each page in Chromium
and listens for violations.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse

from chains.models import Status
from chains.services import chain_feature, chain_run_inline
from gallery.services import submission_create
from tests.factories import make_chain, make_member, make_moderator
from tests.support import images as sample

PASSWORD = "a-long-test-passphrase"


@dataclass
class Site:
    chain_slug: str
    member: object
    staff: object
    submission_pk: int

    def public_pages(self) -> list[str]:
        slug = self.chain_slug
        pages = [
            "/",
            "/gallery/",
            "/gallery/?mode=telephone&sort=drift",
            f"/c/{slug}/",
            f"/c/{slug}/?step=2",
            f"/c/{slug}/1/",
            f"/c/{slug}/present/",
            f"/c/{slug}/animation/",
            "/accounts/login/",
            "/accounts/signup/",
        ]
        # Pages other parts of the site add (atlas, research, collections), when present.
        for name, query in (
            ("atlas", ""),
            ("attractor_list", ""),
            ("search", "?q=colour"),
            ("compare", ""),
            ("experiment_list", ""),
            ("about", ""),
            ("collection_list", ""),
        ):
            try:
                pages.append(reverse(f"gallery:{name}") + query)
            except NoReverseMatch:
                pass
        return pages

    def member_pages(self) -> list[str]:
        return ["/submit/", "/accounts/me/", f"/c/{self.chain_slug}/2/branch/", f"/c/{self.chain_slug}/report/"]

    def staff_pages(self) -> list[str]:
        return ["/moderation/"]


def build_site() -> Site:
    """Three finished chains (one featured) by the offline provider, and a pending upload."""
    member = make_member("painter", password=PASSWORD)
    staff = make_moderator("moderator", password=PASSWORD)
    chains = []
    for seed in range(3):
        chain = chain_run_inline(
            chain=make_chain(target_length=3, provider="local", seed=seed, title=f"Harbour {seed}")
        )
        assert chain.status == Status.COMPLETED, chain.error_message
        chains.append(chain)
    chain_feature(chain=chains[0])
    submission = submission_create(
        owner=member,
        image=sample.cmyk_jpeg(),
        title="Waiting in line",
        mode="telephone",
        detail="very",
        target_length=2,
    )
    return Site(chain_slug=chains[0].slug, member=member, staff=staff, submission_pk=submission.pk)
