"""A star changes only what shows stars (issue 12: any member's star cleared the whole
anonymous page cache, a cheap way to keep every page uncached)."""

from __future__ import annotations

import pytest
from django.test import Client

from chains.cache import chain_version, public_version, public_version_memo, stars_version
from chains.models import Visibility
from tests.factories import make_chain

pytestmark = pytest.mark.django_db


def star(member_client, chain, capture):
    with capture(execute=True):
        assert member_client.post(f"/c/{chain.slug}/star/").status_code == 302


def test_a_star_leaves_every_other_cached_page_alone(member_client, django_capture_on_commit_callbacks):
    chain = make_chain(title="Loved chain")
    visitor = Client()
    visitor.get("/gallery/")
    visitor.get("/gallery/")  # stored (the first read only starts the version counter)
    stars_version(), chain_version(chain_id=chain.pk)  # versions are counted from their first read
    before = (public_version(), chain_version(chain_id=chain.pk), stars_version())
    star(member_client, chain, django_capture_on_commit_callbacks)
    public_version_memo.forget()
    assert public_version() == before[0] and chain_version(chain_id=chain.pk) == before[1]
    assert stars_version() != before[2]
    assert visitor.get("/gallery/")["X-Page-Cache"] == "hit"


def test_the_most_starred_list_follows_stars(member_client, django_capture_on_commit_callbacks):
    loved = make_chain(title="Loved chain")
    make_chain(title="Quiet chain")  # newer: first while neither has a star
    visitor = Client()
    first = visitor.get("/gallery/?sort=starred").content.decode()
    assert first.index("Quiet chain") < first.index("Loved chain")
    star(member_client, loved, django_capture_on_commit_callbacks)
    page = visitor.get("/gallery/?sort=starred").content.decode()
    assert page.index("Loved chain") < page.index("Quiet chain")


def test_starring_a_chain_no_list_shows_bumps_nothing(member, member_client, django_capture_on_commit_callbacks):
    mine = make_chain(owner=member, visibility=Visibility.PRIVATE)
    stars_version()
    before = stars_version()
    star(member_client, mine, django_capture_on_commit_callbacks)
    assert stars_version() == before
