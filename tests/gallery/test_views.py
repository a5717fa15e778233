"""The pages that exist so far: home, chain timeline (live), step permalink."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from chains.models import Chain, Status, Visibility
from chains.services import chain_run_inline
from tests.factories import make_chain

pytestmark = pytest.mark.django_db


def test_home_lists_public_chains_only(client):
    shown = make_chain(title="Shown")
    make_chain(title="Unlisted one", visibility=Visibility.UNLISTED)
    hidden = make_chain(title="Hidden one")
    Chain.objects.filter(pk=hidden.pk).update(is_hidden=True)
    page = client.get("/").content.decode()
    assert shown.title in page
    assert "Unlisted one" not in page and "Hidden one" not in page


def test_home_query_count_does_not_grow_with_chains(client, django_assert_max_num_queries):
    for _ in range(6):
        make_chain()
    with django_assert_max_num_queries(3):
        client.get("/")


def test_empty_home_explains_how_to_start(client):
    assert b"No chains yet" in client.get("/").content


def test_a_running_chain_polls_and_an_ended_one_stops(client):
    chain = make_chain()
    Chain.objects.filter(pk=chain.pk).update(status=Status.RUNNING)
    assert b'hx-trigger="every' in client.get(chain.get_absolute_url()).content
    Chain.objects.filter(pk=chain.pk).update(status=Status.COMPLETED)
    assert b'hx-trigger="every' not in client.get(chain.get_absolute_url()).content


def test_htmx_requests_get_only_the_timeline_fragment(client):
    chain = make_chain()
    fragment = client.get(chain.get_absolute_url(), headers={"HX-Request": "true"}).content
    assert fragment.lstrip().startswith(b'<section id="timeline"')
    assert b"<html" not in fragment


@pytest.mark.django_db(transaction=True)
def test_a_finished_chain_shows_every_step_with_thumbnails_and_captions(client):
    chain = chain_run_inline(chain=make_chain(target_length=2))
    page = client.get(chain.get_absolute_url()).content.decode()
    for step in chain.steps.all():
        assert step.thumbnail_small.url in page
        assert f'alt="{step.caption}' in page
    step = chain.steps.get(index=2)
    permalink = client.get(step.get_absolute_url()).content.decode()
    assert 'property="og:image"' in permalink and step.caption in permalink


@pytest.mark.parametrize("visibility, hidden", [(Visibility.PRIVATE, False), (Visibility.PUBLIC, True)])
def test_private_and_hidden_chains_are_404_for_visitors_but_not_for_staff(client, visibility, hidden):
    chain = make_chain(visibility=visibility)
    Chain.objects.filter(pk=chain.pk).update(is_hidden=hidden)
    assert client.get(chain.get_absolute_url()).status_code == 404
    assert client.get(f"{chain.get_absolute_url()}0/").status_code == 404
    staff = get_user_model().objects.create_user("mod", password="x", is_staff=True)
    client.force_login(staff)
    assert client.get(chain.get_absolute_url()).status_code == 200


def test_unlisted_chains_open_by_link(client):
    chain = make_chain(visibility=Visibility.UNLISTED)
    assert client.get(chain.get_absolute_url()).status_code == 200


def test_unknown_chain_and_step_are_404(client):
    chain = make_chain()
    assert client.get("/c/nosuchchain/").status_code == 404
    assert client.get(f"{chain.get_absolute_url()}99/").status_code == 404


def test_pages_refuse_post(client):
    assert client.post("/").status_code == 405
