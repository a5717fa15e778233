"""The atlas a recompute fits, over one set of finished chains the module shares
(`finished_chains`, built once with no atlas): every public caption placed and the
attractors named, idempotent refits, hidden chains leaving the map, similar steps.
Each test fits the atlas itself, inside its own transaction, rolled back after it."""

from __future__ import annotations

import pytest

from chains.models import Atlas, AtlasPoint, Attractor, Baseline, Chain, ChainAnalysis
from chains.selectors.atlas import atlas_map_points, step_similar
from chains.selectors.research import IMAGE_KIND, caption_kind
from chains.services import atlas_recompute
from chains.services.atlas import RECOMPUTED, UNCHANGED
from tests.analysis.conftest import FINISHED_LENGTH

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("on_commit_runs"),
    pytest.mark.xdist_group("analysis-finished-chains"),
]
POINTS_PER_CHAIN = FINISHED_LENGTH + 1  # the starting picture's caption and one per step


def snapshot() -> tuple:
    points = sorted(AtlasPoint.objects.values_list("step_id", "x", "y", "attractor_id"))
    attractors = sorted(Attractor.objects.values_list("pk", "label", "size", "chain_count", "median_arrival"))
    return points, attractors


def test_recompute_is_idempotent(finished_chains):
    assert atlas_recompute() == RECOMPUTED
    first = snapshot()
    version = Atlas.objects.get().version
    assert atlas_recompute() == UNCHANGED, "same inputs: the fit is skipped"
    assert snapshot() == first
    assert atlas_recompute(force=True) == RECOMPUTED
    assert snapshot() == first, "refitting the same data gives the same map and the same attractors"
    assert Atlas.objects.get().version == version + 1
    assert AtlasPoint.objects.count() == len(finished_chains) * POINTS_PER_CHAIN


def test_the_atlas_holds_every_public_caption_and_names_attractors(finished_chains):
    chains = finished_chains
    Chain.objects.filter(pk=chains[0].pk).update(visibility="private")
    atlas_recompute()
    atlas = Atlas.objects.get()
    public = len(chains) - 1
    assert atlas.point_count == public * POINTS_PER_CHAIN and atlas.chain_count == public
    assert not AtlasPoint.objects.filter(chain=chains[0]).exists()
    for attractor in Attractor.objects.all():
        assert attractor.label and attractor.size >= 1 and attractor.exemplar_id
    ends = ChainAnalysis.objects.exclude(attractor=None)
    assert sum(Attractor.objects.values_list("chain_count", flat=True)) == ends.count()
    baseline = Baseline.objects.get(kind=caption_kind(atlas.space))
    assert -1 < baseline.mean < 1 and baseline.groups == public
    assert Baseline.objects.filter(kind=IMAGE_KIND).exists()


def test_a_hidden_chain_leaves_the_map_before_the_next_recompute(finished_chains):
    chains = finished_chains
    atlas_recompute()
    atlas = Atlas.objects.get()
    assert len(atlas_map_points(atlas=atlas)) == len(chains) * POINTS_PER_CHAIN
    Chain.objects.filter(pk=chains[1].pk).update(is_hidden=True)
    assert len(atlas_map_points(atlas=atlas)) == (len(chains) - 1) * POINTS_PER_CHAIN


def test_similar_steps_come_from_other_public_chains_best_first(finished_chains):
    chains = finished_chains
    atlas_recompute()
    step = chains[0].steps.get(index=2)
    similar = step_similar(step=step, limit=5)
    assert 0 < len(similar) <= 5
    assert all(item.step.chain_id != chains[0].pk for item in similar)
    values = [item.similarity for item in similar]
    assert values == sorted(values, reverse=True)
    Chain.objects.filter(pk=similar[0].step.chain_id).update(is_hidden=True)
    assert all(item.step.chain_id != similar[0].step.chain_id for item in step_similar(step=step, limit=5))
