"""The analysis pages against one world of twelve chains, shared by the module: these
tests only read it (or change it inside their own transaction, rolled back after)."""

from __future__ import annotations

import pytest

from chains.models import Attractor, Chain
from tests.analysis.pages import check_every_page, page, word_of

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("analysis-shared-world")]


def test_every_page_renders_with_many_chains(client, shared_world):
    check_every_page(client, shared_world)


@pytest.mark.parametrize(
    "url,status",
    [
        ("/atlas/?zoom=abc&x=nan&y=-3&chain=%00", 200),
        ("/atlas/?zoom=7&x=2&space=nope", 200),
        ("/atlas/?chain=no-such-chain", 200),
        ("/atlas/at/?x=abc", 302),
        ("/atlas/at/?x=0.5&y=0.5", 302),
        ("/atlas/at/?x=0.5&y=0.5&fragment=1", 200),
        ("/atlas/attractors/999999/", 404),
        ("/atlas/attractors/?space=" + "x" * 300, 200),
        ("/experiments/no-such-thing/", 404),
        ("/search/?q=" + "a" * 500, 200),
        ("/search/?q=sky&page=abc", 200),
        ("/search/?q=%22unclosed", 200),
        ("/search/?q=-", 200),
        ("/compare/?chain=../../etc&metric=bogus&scale=zzz", 200),
    ],
)
def test_bad_parameters_give_a_clean_page_or_a_404(client, shared_world, url, status):
    page(client, url, status)


def test_hidden_and_private_chains_appear_nowhere(client, shared_world):
    chains = shared_world
    Chain.objects.filter(pk=chains[0].pk).update(is_hidden=True)
    Chain.objects.filter(pk=chains[1].pk).update(visibility="private")
    secret = chains[0].steps.get(index=1).caption
    word = word_of(secret)
    for chain in chains[:2]:
        assert chain.title not in page(client, f"/atlas/?chain={chain.slug}")
        assert chain.slug not in page(client, f"/search/?q={word}")
        assert chain.slug not in page(client, "/research/steps.csv")
        for attractor in Attractor.objects.all():
            assert chain.slug not in page(client, attractor.get_absolute_url())


def test_clicking_a_dot_draws_its_chain(client, shared_world):
    chains = shared_world
    point = chains[1].steps.get(index=1).atlas_point
    fragment = page(client, f"/atlas/at/?x={point.x}&y={point.y}&fragment=1")
    assert 'id="atlas-map-selection"' in fragment and f'data-chain="{chains[1].slug}"' in fragment
    response = client.get(f"/atlas/at/?x={point.x}&y={point.y}&zoom=4")
    assert response.status_code == 302 and f"chain={chains[1].slug}" in response["Location"]
    assert "zoom=4" in response["Location"]
    empty = page(client, "/atlas/at/?x=1.4&y=1.4&fragment=1")
    assert "No caption there" in empty


def test_search_answers_htmx_with_the_results_fragment(client, shared_world):
    chains = shared_world
    word = word_of(chains[0].steps.get(index=0).caption)
    fragment = client.get(f"/search/?q={word}", headers={"HX-Request": "true"}).content.decode()
    assert fragment.lstrip().startswith('<section id="search-results"')
    assert "<mark>" in fragment


def test_atlas_page_queries_do_not_grow_with_chains(client, shared_world, django_assert_max_num_queries):
    chains = shared_world
    with django_assert_max_num_queries(14):
        client.get(f"/atlas/?chain={chains[0].slug}")
