"""A chain's album, its active step, permalink and play-back, on one chain the module
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
    assert 'id="album-rail"' in page and 'href="#step-4"' in page
    assert "<svg" in page


def test_a_step_link_marks_that_beat_of_the_album_as_the_active_one(client, ran_chain):
    page = client.get(ran_chain.get_absolute_url() + "?step=3").content.decode()
    assert '<li class="beat is-active" id="step-3" data-index="3" aria-current="step"' in page
    assert page.count("is-active") == 1 and 'data-selected="3"' in page
    plain = client.get(ran_chain.get_absolute_url()).content.decode()
    assert "is-active" not in plain, "an album opens at its start with nothing marked"


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


def test_play_it_back_reveals_beats_one_by_one_and_works_without_script(client, ran_chain):
    page = client.get(f"/c/{ran_chain.slug}/present/?beat=3").content.decode()
    assert page.count('class="reveal-beat ') == 10, "a picture and its words for each of 5 steps"
    shown = [f'id="beat-{beat}" data-beat="{beat}"' for beat in range(4)]
    for beat in range(10):
        marker = f'data-beat="{beat}" data-step="{beat // 2}"'
        assert (marker + ">" in page) == (beat <= 3), f"beat {beat} shown only up to ?beat=3"
    assert all(piece in page for piece in shown)
    assert 'href="?beat=2#beat-2"' in page and 'href="?beat=4#beat-4"' in page
    assert "js/present.js" in page
    from_step = client.get(f"/c/{ran_chain.slug}/present/?step=2").content.decode()
    assert 'data-beat="4" data-step="2">' in from_step and 'data-beat="5" data-step="2" hidden' in from_step
