"""Storing the analysis: figures at completion, debounced atlas recomputes, lineages,
projections recomputed only on change, experiments. (The atlas a recompute fits, over
the world the module shares: test_atlas_pages.py.)"""

from __future__ import annotations

import numpy as np
import pytest
from django.core.management import call_command
from django.utils import timezone

from chains.metrics import descriptors
from chains.models import Atlas, AtlasJob, Chain, ChainAnalysis, Experiment, Status, Step
from chains.services import (
    EXPERIMENT_EMPTY_GRID,
    EXPERIMENT_TOO_LARGE,
    EXPERIMENT_UNKNOWN_MODEL,
    ChainError,
    atlas_mark_dirty,
    atlas_recompute_if_dirty,
    chain_run_inline,
    experiment_create,
)
from chains.services.analysis import chain_refresh_projection_if_changed
from chains.services.atlas import BUSY, CLEAN, RECOMPUTED, atlas_claim
from tests.analysis.conftest import local_chain, painted_start

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("on_commit_runs")]


def test_a_finished_chain_has_its_figures_and_pictures_measured():
    chain = local_chain(1, length=5)
    steps = list(chain.steps.order_by("index"))
    assert all(descriptors.descriptor_from_bytes(step.image_descriptor) is not None for step in steps)
    assert steps[0].image_similarity_to_origin == pytest.approx(1.0)
    assert all(step.image_similarity_to_origin is not None for step in steps)
    assert steps[2].image_similarity_to_previous is not None
    analysis = ChainAnalysis.objects.get(chain=chain)
    assert analysis.image_drift is not None and analysis.half_life is not None
    assert analysis.projection_signature and len(Chain.objects.get(pk=chain.pk).projection) == 6


def test_many_finishing_chains_cause_one_recompute(recompute_requests):
    for seed in range(6):
        local_chain(seed, length=2)
    assert len(recompute_requests) == 1, "only the first finishing chain enqueues"
    assert AtlasJob.objects.get().dirty_since is not None
    assert atlas_recompute_if_dirty() == RECOMPUTED
    assert atlas_recompute_if_dirty() == CLEAN, "the marker was cleared by the claim"
    assert AtlasJob.objects.get().runs == 1
    local_chain(99, length=2)
    assert len(recompute_requests) == 2, "a chain finishing after the recompute asks again"


def test_a_chain_finishing_during_a_recompute_causes_exactly_one_more(recompute_requests):
    local_chain(1, length=2)
    token = atlas_claim()  # a recompute is running
    assert token
    local_chain(2, length=2)
    local_chain(3, length=2)
    assert len(recompute_requests) == 2
    assert atlas_recompute_if_dirty() == BUSY, "the task comes back later instead of dropping the marker"
    AtlasJob.objects.update(claimed_until=None, claim_token="")
    assert atlas_recompute_if_dirty() == RECOMPUTED
    assert atlas_recompute_if_dirty() == CLEAN


def test_a_lost_marker_is_rearmed_by_the_next_chain(recompute_requests):
    local_chain(1, length=2)
    AtlasJob.objects.update(dirty_since=timezone.now() - timezone.timedelta(days=1))
    assert atlas_mark_dirty()


def test_branches_and_experiments_are_one_lineage_for_the_baseline():
    parent = local_chain(1, length=2)
    branch = local_chain(2, length=2, parent=parent)
    other = local_chain(3, length=2)
    from chains.services.analysis import chain_lineages

    groups = chain_lineages(chain_ids=[parent.pk, branch.pk, other.pk])
    assert groups[parent.pk] == groups[branch.pk] != groups[other.pk]


def test_a_chain_projection_is_recomputed_only_when_the_chain_changes():
    chain = local_chain(4, length=5)
    before = Chain.objects.get(pk=chain.pk).projection
    assert not chain_refresh_projection_if_changed(chain_id=chain.pk)
    last = chain.steps.get(index=5)
    Step.objects.filter(pk=last.pk).update(embedding=np.ones(256, dtype=np.float32).tobytes())
    assert chain_refresh_projection_if_changed(chain_id=chain.pk)
    assert Chain.objects.get(pk=chain.pk).projection != before
    assert not chain_refresh_projection_if_changed(chain_id=chain.pk)


def test_recompute_analysis_command_fills_what_is_missing():
    chain = local_chain(5, length=3)
    Step.objects.filter(chain=chain).update(
        image_descriptor=None, image_similarity_to_origin=None, image_similarity_to_previous=None
    )
    ChainAnalysis.objects.filter(chain=chain).update(image_drift=None)
    call_command("recompute_analysis", stdout=__import__("io").StringIO())
    assert not Step.objects.filter(chain=chain, image_descriptor=None).exists()
    assert ChainAnalysis.objects.get(chain=chain).image_drift is not None
    assert Atlas.objects.exists()


def test_an_experiment_runs_one_picture_through_a_grid_of_settings():
    experiment = experiment_create(
        image=painted_start(7),
        details=["somewhat", "obsessively"],
        modes=["telephone", "story"],
        models=["local"],
        target_length=2,
        title="Grid",
        theme="a journey",
        start=False,
    )
    chains = list(experiment.chains.order_by("pk"))
    assert len(chains) == 4
    assert {(c.detail, c.mode) for c in chains} == {
        ("somewhat", "telephone"),
        ("somewhat", "story"),
        ("obsessively", "telephone"),
        ("obsessively", "story"),
    }
    assert len({c.seed for c in chains}) == 1
    assert {c.theme for c in chains if c.mode == "telephone"} == {""}
    for chain in chains:
        assert chain_run_inline(chain=chain).status == Status.COMPLETED
    assert Experiment.objects.get().settings["details"] == ["somewhat", "obsessively"]


@pytest.mark.parametrize(
    "grid,message",
    [
        (dict(details=[], modes=["telephone"], models=["local"]), EXPERIMENT_EMPTY_GRID),
        (dict(details=["very"], modes=["telephone"], models=["gpt-9"]), EXPERIMENT_UNKNOWN_MODEL.format(name="gpt-9")),
    ],
)
def test_experiment_settings_are_checked(grid, message):
    with pytest.raises(ChainError) as error:
        experiment_create(image=painted_start(1), target_length=2, start=False, **grid)
    assert error.value.message == message
    assert not Experiment.objects.exists()


def test_an_experiment_has_a_size_limit(settings):
    settings.TELEPHONE_EXPERIMENT_MAX_CHAINS = 3
    with pytest.raises(ChainError) as error:
        experiment_create(
            image=painted_start(1),
            details=["somewhat", "very"],
            modes=["telephone", "more"],
            models=["local"],
            target_length=2,
            start=False,
        )
    assert error.value.message == EXPERIMENT_TOO_LARGE.format(maximum=3)
