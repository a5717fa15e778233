"""Chain cards on list pages: the work per card must not grow with the chain's steps,
and a page miss renders again only the cards whose chain changed (issue 11)."""

from __future__ import annotations

from contextlib import contextmanager

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.signals import template_rendered
from django.test.utils import CaptureQueriesContext

from chains.models import Chain, Step
from chains.services import chain_run_inline
from gallery.fragments import CARD_TEMPLATE, STEP_TEMPLATE, clear_kept
from gallery.views._caching import local_pages
from tests.factories import make_chain

pytestmark = pytest.mark.django_db(transaction=True)


@contextmanager
def card_renders():
    """How many times the card template is rendered inside the block."""
    names: list[str] = []

    def seen(sender, template, **kwargs):
        names.append(template.name)

    template_rendered.connect(seen)
    try:
        yield names
    finally:
        template_rendered.disconnect(seen)


def forget_pages() -> None:
    """Every cached page and card gone: the next request renders from the rows."""
    cache.clear()
    local_pages.clear()
    clear_kept()


def gallery_cost(client) -> tuple[int, int, str]:
    """(queries, card renders, the cards' HTML) of one gallery request, nothing cached."""
    forget_pages()
    with CaptureQueriesContext(connection) as queries, card_renders() as renders:
        page = client.get("/gallery/").content.decode()
    return len(queries), renders.count(CARD_TEMPLATE), page[page.index('id="cards"') :]


def test_the_work_per_card_does_not_grow_with_the_steps_of_each_chain(client):
    short = [chain_run_inline(chain=make_chain(target_length=1, title=f"Short {n}")) for n in range(2)]
    short_queries, short_renders, short_html = gallery_cost(client)
    Chain.objects.filter(pk__in=[chain.pk for chain in short]).delete()
    for n in range(2):
        chain_run_inline(chain=make_chain(target_length=12, title=f"Long {n}"))
    long_queries, long_renders, long_html = gallery_cost(client)
    assert short_html.count('class="chain-card"') == long_html.count('class="chain-card"') == 2
    assert "13 pictures" in long_html and "2 pictures" in short_html
    # The same queries and one render per card, whether chains have 2 steps or 13.
    assert long_queries == short_queries
    assert short_renders == long_renders == 2


def test_a_page_miss_renders_again_only_the_cards_that_changed(client):
    chains = [chain_run_inline(chain=make_chain(target_length=1, title=f"Chain {n}")) for n in range(3)]
    cards = {"HX-Request": "true", "HX-Target": "cards"}
    first = client.get("/gallery/", headers=cards).content.decode()
    Chain.objects.filter(pk=chains[0].pk).update(title="Renamed")
    with card_renders() as renders:  # another URL: the page misses, its cards need not
        again = client.get("/gallery/?page=1", headers=cards).content.decode()
    assert renders.count(CARD_TEMPLATE) == 1
    assert "Renamed" in again and "Renamed" not in first
    assert again.replace("Renamed", "Chain 0") == first
    # Kept cards put together are the very page rendered from scratch.
    forget_pages()
    assert client.get("/gallery/?page=1", headers=cards).content.decode() == again


def test_an_album_miss_renders_again_only_the_beats_that_changed(client):
    chain = chain_run_inline(chain=make_chain(target_length=3))
    with card_renders() as renders:
        first = client.get(f"{chain.get_absolute_url()}?step=1").content.decode()
    assert renders.count(STEP_TEMPLATE) == 4
    Step.objects.filter(chain=chain, index=2).update(caption="A wholly new caption.")
    with card_renders() as renders:  # another URL: the page misses, its beats need not
        again = client.get(f"{chain.get_absolute_url()}?step=1&again=1").content.decode()
    assert renders.count(STEP_TEMPLATE) == 1
    assert "A wholly new caption." in again and "A wholly new caption." not in first
    # The selected beat is part of what a beat shows: another selection renders both.
    with card_renders() as renders:
        client.get(f"{chain.get_absolute_url()}?step=2")
    assert renders.count(STEP_TEMPLATE) == 2
    forget_pages()
    assert client.get(f"{chain.get_absolute_url()}?step=1&again=1").content.decode() == again
