"""A chain's timeline, scrubber, permalink and presentation, on one chain the module
shares: run once to its end, read by every test (a test's own changes roll back)."""

from __future__ import annotations

import pytest

from chains.services import chain_run_inline
from tests.factories import make_chain
from tests.support.shared_data import committed_for_the_module

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("gallery-timeline")]


@pytest.fixture(scope="module")
def ran_chain(django_db_setup, django_db_blocker, tmp_path_factory):
    with committed_for_the_module(django_db_blocker, tmp_path_factory.mktemp("ran-chain")):
        yield chain_run_inline(chain=make_chain(target_length=4))


def test_timeline_shows_every_step_with_thumbnails_alt_text_and_plots(client, ran_chain):
    page = client.get(ran_chain.get_absolute_url()).content.decode()
    for step in ran_chain.steps.all():
        assert f'id="step-{step.index}"' in page
        assert step.thumbnail_small.url in page
        assert f'alt="{step.caption}' in page
    assert step.image.url not in page, "timelines serve thumbnails, never originals"
    assert 'id="step-slider"' in page and 'max="4"' in page
    assert "<svg" in page


def test_scrubber_selects_a_step_and_swaps_only_the_viewer(client, ran_chain):
    url = ran_chain.get_absolute_url()
    page = client.get(url + "?step=3").content.decode()
    assert 'value="3"' in page and 'rel="prev"' in page
    fragment = client.get(url + "?step=2", headers={"HX-Request": "true", "HX-Target": "viewer"}).content.decode()
    assert fragment.lstrip().startswith('<article id="viewer"')
    assert "Step 2" in fragment


@pytest.mark.parametrize("step", ["abc", "-1", "999", ""])
def test_scrubber_survives_garbage_steps(client, ran_chain, step):
    assert client.get(ran_chain.get_absolute_url() + "?step=" + step).status_code == 200


def test_timeline_shows_lineage_both_ways(client, ran_chain):
    fork = ran_chain.steps.get(index=2)
    branch = make_chain(title="A branch", parent=ran_chain, fork_step=fork)
    parent_page = client.get(ran_chain.get_absolute_url()).content.decode()
    assert "A branch" in parent_page and "from step 2" in parent_page
    branch_page = client.get(branch.get_absolute_url()).content.decode()
    assert "Branched from" in branch_page and "?step=2" in branch_page


def test_step_permalink_has_social_preview_tags(client, ran_chain):
    step = ran_chain.steps.get(index=2)
    page = client.get(step.get_absolute_url()).content.decode()
    assert 'property="og:image"' in page and 'name="twitter:card"' in page
    assert step.caption[:50] in page


def test_presentation_mode_has_every_slide_and_works_without_script(client, ran_chain):
    page = client.get(f"/c/{ran_chain.slug}/present/?step=1").content.decode()
    assert page.count('class="slide"') == 5
    assert 'href="?step=2"' in page and 'href="?step=0"' in page
    assert "js/present.js" in page
