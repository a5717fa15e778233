"""Attractor pages read through the visibility rule (issue 12).

After a chain was hidden, /atlas/attractors/<n>/ and the attractor list still showed
its caption, title, slug and og:image as the attractor's exemplar until the next
recompute. The attractor here is laid out by hand, so the test does not depend on
where a fit happens to put the clusters.
"""

from __future__ import annotations

import pytest
from django.utils import timezone
from django.utils.html import escape

from chains.models import Atlas, AtlasJob, AtlasPoint, Attractor
from chains.selectors.atlas import attractor_detail
from chains.services import chain_hide
from tests.factories import make_chain

pytestmark = pytest.mark.django_db


@pytest.fixture
def attractor():
    """An attractor whose exemplar is step 0 of "Hidden soon"; "Still public" sits in it too."""
    hidden = make_chain(title="Hidden soon", target_length=1)
    public = make_chain(title="Still public", target_length=1)
    hidden.steps.filter(index=0).update(caption="A secret tea set on a velvet cloth")
    public.steps.filter(index=0).update(caption="A tea set on a wooden table")
    atlas = Atlas.objects.create(space="scripted-embedder", computed_at=timezone.now(), point_count=2)
    exemplar = hidden.steps.get(index=0)
    found = Attractor.objects.create(atlas=atlas, number=1, label="tea set", exemplar=exemplar, x=0.5, y=0.5)
    for chain, x in ((hidden, 0.5), (public, 0.6)):
        AtlasPoint.objects.create(
            atlas=atlas, step=chain.steps.get(index=0), chain=chain, index=0, x=x, y=0.5, attractor=found
        )
    return found


def test_an_exemplar_whose_chain_is_hidden_is_never_shown(client, attractor, django_capture_on_commit_callbacks):
    exemplar = attractor.exemplar
    hidden = exemplar.chain
    # The premise: while the chain is public, both pages show the exemplar.
    assert exemplar.thumbnail_small.name in client.get("/atlas/attractors/").content.decode()
    detail = client.get(attractor.get_absolute_url()).content.decode()
    assert hidden.slug in detail and exemplar.thumbnail_large.name in detail
    with django_capture_on_commit_callbacks(execute=True):  # the cached pages' versions move on commit
        chain_hide(chain=hidden)
    for url in ("/atlas/attractors/", attractor.get_absolute_url()):
        body = client.get(url).content.decode()
        assert hidden.slug not in body and escape(hidden.title) not in body, url
        assert "secret tea set" not in body and exemplar.thumbnail_small.name not in body, url
        assert exemplar.thumbnail_large.name not in body, url  # og:image and the picture


def test_a_listed_caption_of_the_attractor_stands_in(attractor):
    chain_hide(chain=attractor.exemplar.chain)
    shown = attractor_detail(pk=attractor.pk).exemplar
    assert shown.chain.title == "Still public" and shown.chain.is_listed


def test_hiding_a_chain_marks_the_atlas_for_a_recompute(
    attractor, recompute_requests, django_capture_on_commit_callbacks
):
    AtlasJob.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        chain_hide(chain=attractor.exemplar.chain)
    assert AtlasJob.objects.get().dirty_since is not None
    assert len(recompute_requests) == 1, "one delayed recompute asked for"
