"""Curation services: feature, hide, re-run from a step, branch."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.files.storage import default_storage
from django.utils import timezone
from PIL import Image, ImageStat

from chains.cache import chain_version, public_version
from chains.images import step_image_keys
from chains.models import Chain, ChainAnimation, Status, Step
from chains.selectors.chains import chain_branches
from chains.services import (
    BRANCH_STEP_ELSEWHERE,
    CHAIN_BAD_FEATURED_ORDER,
    CHAIN_RERUN_BAD_STEP,
    CHAIN_RERUN_BUSY,
    CHAIN_RERUN_RUNNING,
    ChainError,
    Outcome,
    chain_branch,
    chain_feature,
    chain_hide,
    chain_rerun_from,
    chain_run_inline,
    chain_unfeature,
    chain_unhide,
    step_paint_next,
)
from gallery.models import Report
from tests.factories import make_chain
from tests.support import providers as scripted
from tests.support.providers import solid_png


def completed(target_length: int = 4, **fields) -> Chain:
    chain = chain_run_inline(chain=make_chain(target_length=target_length, **fields))
    assert chain.status == Status.COMPLETED
    scripted.reset()
    return chain


def assert_complete_without_gaps(chain: Chain) -> None:
    chain.refresh_from_db()
    assert chain.status == Status.COMPLETED
    steps = list(chain.steps.order_by("index"))
    assert [step.index for step in steps] == list(range(chain.target_length + 1))
    for step in steps:
        assert step.caption and step.embedding is not None
        assert default_storage.exists(step.image.name)


# --- feature and hide ---------------------------------------------------------------------


@pytest.mark.django_db
def test_featuring_appends_at_the_end_and_repeating_keeps_the_place(django_capture_on_commit_callbacks):
    first, second, third = make_chain(), make_chain(), make_chain()
    with django_capture_on_commit_callbacks(execute=True):
        assert chain_feature(chain=first).featured_order == 0
        assert chain_feature(chain=second).featured_order == 1
        assert chain_feature(chain=first).featured_order == 0
        assert chain_feature(chain=third, order=7).featured_order == 7
    assert chain_feature(chain=make_chain()).featured_order == 8
    with pytest.raises(ChainError, match=CHAIN_BAD_FEATURED_ORDER):
        chain_feature(chain=first, order=-1)


@pytest.mark.django_db
def test_unfeature_hide_and_unhide_change_what_visitors_see(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # the versions exist once the chain is made
        chain = chain_feature(chain=make_chain())
    before_public, before_chain = public_version(), chain_version(chain_id=chain.pk)
    with django_capture_on_commit_callbacks(execute=True):
        chain_unfeature(chain=chain)
        chain_hide(chain=chain)
    assert not chain.is_featured and chain.is_hidden and chain.featured_order == 0
    assert not Chain.objects.listed().filter(pk=chain.pk).exists()
    assert public_version() > before_public and chain_version(chain_id=chain.pk) > before_chain
    with django_capture_on_commit_callbacks(execute=True):
        chain_unhide(chain=chain)
    assert Chain.objects.listed().filter(pk=chain.pk).exists()


# --- re-run from step k -------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.usefixtures("on_commit_runs")
def test_rerun_keeps_steps_up_to_k_and_the_loop_completes_the_chain_again():
    chain = completed(target_length=4)
    kept = dict(chain.steps.filter(index__lt=2).values_list("index", "pk"))
    old_step_2 = chain.steps.get(index=2)
    old_seed, spent = chain.seed, chain.estimated_cost

    chain = chain_rerun_from(chain=chain, index=2)

    assert_complete_without_gaps(chain)
    assert dict(chain.steps.filter(index__lt=2).values_list("index", "pk")) == kept
    new_step_2 = chain.steps.get(index=2)
    assert new_step_2.pk != old_step_2.pk
    assert new_step_2.image.name == old_step_2.image.name
    assert new_step_2.paint_prompt == old_step_2.paint_prompt
    # Step 2 is captioned again; steps 3 and 4 are painted again: no more, no less.
    assert {role: scripted.calls[role] for role in ("caption", "embed", "paint")} == {
        "caption": 3,
        "embed": 3,
        "paint": 2,
    }
    assert chain.seed != old_seed
    assert chain.estimated_cost >= spent
    assert len(chain.drift_curve) == 5 and len(chain.projection) == 5


@pytest.mark.django_db
def test_rerun_state_before_the_loop_resumes(django_capture_on_commit_callbacks):
    chain = make_chain(target_length=3)
    for index in (1, 2, 3):  # steps painted earlier, with files at their keys
        step = Step.objects.create(
            chain=chain, index=index, image=step_image_keys(chain_id=chain.pk, index=index).original
        )
        default_storage.save(step.image.name, default_storage.open(chain.steps.get(index=0).image.name))
    Chain.objects.filter(pk=chain.pk).update(
        status=Status.COMPLETED, finished_at=timezone.now(), projection=[[0, 0]] * 4, drift_curve=[1, 0.9, 0.8, 0.7]
    )
    Step.objects.filter(chain=chain).update(caption="seen", embedding=b"\0" * 32, similarity_to_origin=0.5)
    animation = ChainAnimation.objects.create(
        chain=chain, format="gif", width=320, frame_ms=500, file="animations/old.gif"
    )
    default_storage.save("animations/old.gif", default_storage.open(chain.steps.get(index=0).image.name))

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        chain_rerun_from(chain=chain, index=1)

    assert list(chain.steps.values_list("index", flat=True)) == [0, 1]
    step_1 = chain.steps.get(index=1)
    assert step_1.caption == "" and step_1.embedding is None and step_1.similarity_to_origin is None
    assert chain.status == Status.PAUSED and chain.finished_at is None
    assert chain.projection == [] and chain.drift_curve == [0.5]
    assert not ChainAnimation.objects.filter(pk=animation.pk).exists()
    assert default_storage.exists(step_image_keys(chain_id=chain.pk, index=3).original)

    for callback in callbacks:
        callback()
    for index in (2, 3):
        keys = step_image_keys(chain_id=chain.pk, index=index)
        assert not default_storage.exists(keys.original)
        assert not any(default_storage.exists(key) for key in keys.thumbnails.values())
    assert default_storage.exists(step_1.image.name)
    assert not default_storage.exists("animations/old.gif")
    chain.refresh_from_db()
    assert chain.status == Status.RUNNING


@pytest.mark.django_db
def test_a_stale_paint_message_for_the_replaced_step_does_nothing(django_capture_on_commit_callbacks):
    chain = make_chain(target_length=2)
    old_origin = chain.steps.get(index=0)
    Step.objects.filter(pk=old_origin.pk).update(caption="old caption", embedding=b"\0" * 32)
    Chain.objects.filter(pk=chain.pk).update(status=Status.PAUSED)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        chain_rerun_from(chain=chain, index=0)
    for callback in callbacks:
        callback()
    assert Chain.objects.get(pk=chain.pk).status == Status.RUNNING
    assert step_paint_next(step_id=old_origin.pk) == Outcome.INACTIVE
    assert scripted.calls["paint"] == 0 and chain.steps.count() == 1


@pytest.mark.django_db
def test_reports_and_branches_survive_a_rerun(django_capture_on_commit_callbacks):
    chain = make_chain(target_length=3)
    for index in (1, 2):
        Step.objects.create(chain=chain, index=index, image=f"chains/{chain.pk}/{index:03d}.webp")
    Chain.objects.filter(pk=chain.pk).update(status=Status.FAILED)
    step_1, step_2 = chain.steps.get(index=1), chain.steps.get(index=2)
    on_kept = Report.objects.create(chain=chain, step=step_1, reason="kept step")
    on_deleted = Report.objects.create(chain=chain, step=step_2, reason="deleted step")
    branch = make_chain(parent=chain, fork_step=step_1)

    with django_capture_on_commit_callbacks(execute=False):
        chain_rerun_from(chain=chain, index=1)

    new_step_1 = chain.steps.get(index=1)
    on_kept.refresh_from_db()
    on_deleted.refresh_from_db()
    branch.refresh_from_db()
    assert on_kept.step_id == new_step_1.pk
    assert on_deleted.step_id is None and on_deleted.chain_id == chain.pk
    assert branch.fork_step_id == new_step_1.pk


@pytest.mark.django_db
def test_rerun_refuses_running_busy_chains_and_steps_that_do_not_exist():
    chain = make_chain(target_length=3)
    Chain.objects.filter(pk=chain.pk).update(status=Status.RUNNING)
    with pytest.raises(ChainError, match=CHAIN_RERUN_RUNNING):
        chain_rerun_from(chain=chain, index=0)
    Chain.objects.filter(pk=chain.pk).update(
        status=Status.PAUSED, claimed_until=timezone.now() + timedelta(minutes=1), claim_token="x"
    )
    with pytest.raises(ChainError, match=CHAIN_RERUN_BUSY):
        chain_rerun_from(chain=chain, index=0)
    with pytest.raises(ChainError, match=CHAIN_RERUN_BAD_STEP.format(last=0)):
        chain_rerun_from(chain=chain, index=1)
    chain.refresh_from_db()
    assert chain.status == Status.PAUSED and chain.claim_token == "x"
    assert chain.steps.count() == 1


# --- branch -------------------------------------------------------------------------------


def mean_colour(name: str) -> tuple[float, ...]:
    with default_storage.open(name, "rb") as handle:
        picture = Image.open(handle).convert("RGB")
    return ImageStat.Stat(picture).mean


@pytest.mark.django_db
@pytest.mark.usefixtures("on_commit_runs")
def test_branch_copies_the_step_image_links_lineage_both_ways_and_runs():
    parent = completed(target_length=3, image=solid_png((20, 160, 60)))
    fork = parent.steps.get(index=2)
    owner = get_user_model().objects.create_user("brancher")

    branch = chain_branch(
        chain=parent, step=fork, owner=owner, mode="story", detail="somewhat", target_length=2, theme="a quiet heist"
    )

    branch.refresh_from_db()
    assert branch.parent == parent and branch.fork_step == fork and branch.owner == owner
    assert (branch.mode, branch.detail, branch.target_length, branch.theme) == ("story", "somewhat", 2, "a quiet heist")
    assert branch.provider == parent.provider and branch.visibility == parent.visibility
    assert list(chain_branches(chain=parent)) == [branch]
    origin = branch.steps.get(index=0)
    assert origin.image.name != fork.image.name  # a copy, not a shared file
    pairs = zip(mean_colour(origin.image.name), mean_colour(fork.image.name), strict=True)
    assert all(abs(a - b) < 4 for a, b in pairs)
    assert_complete_without_gaps(branch)
    assert "branch from step 2" in branch.title


@pytest.mark.django_db
def test_branching_needs_a_step_of_the_same_chain():
    parent, other = make_chain(), make_chain()
    with pytest.raises(ChainError, match=BRANCH_STEP_ELSEWHERE):
        chain_branch(
            chain=parent, step=other.steps.get(index=0), owner=None, mode="telephone", detail="very", target_length=2
        )
    assert Chain.objects.count() == 2
