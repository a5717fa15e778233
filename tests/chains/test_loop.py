"""The generation loop, run eagerly: phases, idempotency, retries, cancel and resume."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone
from PIL import Image

from chains import tasks
from chains.images import clean_image, step_image_keys, store_step_images
from chains.models import CallOutcome, CallRole, Chain, ProviderCall, Status, Step
from chains.providers.base import ProviderError
from chains.services import (
    CHAIN_NOT_RESUMABLE,
    ChainError,
    Outcome,
    chain_cancel,
    chain_claim,
    chain_resume,
    chain_start,
    chains_reconcile,
    painting,
    step_caption,
    step_paint_next,
)
from tests.factories import make_chain
from tests.support import providers as scripted
from tests.support.providers import solid_png


def running(chain: Chain) -> Chain:
    Chain.objects.filter(pk=chain.pk).update(status=Status.RUNNING, started_at=timezone.now())
    chain.refresh_from_db()
    return chain


def running_with_a_captioned_origin(**chain_fields) -> tuple[Chain, Step]:
    """A running chain whose step 0 is captioned: the next thing to do is to paint step 1."""
    chain = running(make_chain(**chain_fields))
    origin = chain.steps.get(index=0)
    Step.objects.filter(pk=origin.pk).update(caption="a red square")
    return chain, origin


def assert_complete_without_gaps(chain: Chain) -> None:
    chain.refresh_from_db()
    indexes = list(chain.steps.order_by("index").values_list("index", flat=True))
    assert indexes == list(range(chain.target_length + 1))
    assert chain.status == Status.COMPLETED
    for step in chain.steps.all():
        assert step.caption and step.embedding is not None


@pytest.mark.django_db
@pytest.mark.usefixtures("on_commit_runs")
def test_started_chain_runs_to_completion_with_every_step_stored():
    chain = chain_start(chain=make_chain(target_length=3))
    assert_complete_without_gaps(chain)
    # Screened: the 3 painted pictures and 4 captions (the starting image was screened on upload).
    assert scripted.calls == {"caption": 4, "paint": 3, "embed": 4, "moderate": 7}
    last = chain.steps.get(index=3)
    assert last.paint_prompt == "caption of step 2"
    assert last.revised_prompt == "revised: caption of step 2"
    assert last.image.name == step_image_keys(chain_id=chain.pk, index=3, token=last.image_call.token).original
    assert default_storage.exists(last.thumbnail_small.name)
    assert last.vector.shape == (8,)
    assert chain.input_tokens == 40 and chain.images_generated == 3
    assert chain.finished_at is not None


@pytest.mark.django_db
def test_a_paint_task_delivered_twice_makes_one_step_and_one_call():
    chain, origin = running_with_a_captioned_origin(target_length=3)
    tasks.paint_next_step.apply(args=[origin.pk])
    tasks.paint_next_step.apply(args=[origin.pk])
    assert scripted.calls["paint"] == 1
    assert chain.steps.count() == 2


@pytest.mark.django_db
def test_a_caption_task_delivered_twice_calls_the_captioner_once():
    chain = running(make_chain())
    origin = chain.steps.get(index=0)
    assert step_caption(step_id=origin.pk) == Outcome.DONE
    assert step_caption(step_id=origin.pk) == Outcome.ALREADY_DONE
    assert scripted.calls["caption"] == 1


@pytest.mark.django_db
def test_a_claimed_chain_is_left_to_its_claimant():
    chain = running(make_chain())
    assert chain_claim(chain_id=chain.pk)
    assert step_caption(step_id=chain.steps.get(index=0).pk) == Outcome.BUSY
    assert scripted.calls["caption"] == 0


@pytest.mark.django_db
def test_an_expired_claim_can_be_taken_over():
    chain = running(make_chain())
    assert chain_claim(chain_id=chain.pk)
    Chain.objects.filter(pk=chain.pk).update(claimed_until=timezone.now() - timedelta(seconds=1))
    assert step_caption(step_id=chain.steps.get(index=0).pk) == Outcome.DONE


@pytest.mark.django_db
def test_an_answer_stored_before_a_crash_is_adopted_through_its_ledger_row():
    chain, origin = running_with_a_captioned_origin()
    call = ProviderCall.objects.create(
        chain=chain,
        role=CallRole.IMAGE,
        step_index=1,
        cost=Decimal("0.04"),
        outcome=CallOutcome.ANSWERED,
        request_id="req-killed",
        answered_at=timezone.now(),
        usage={"images": 1},
    )
    keys = store_step_images(chain_id=chain.pk, index=1, token=call.token, image=clean_image(solid_png((1, 2, 3))))
    ProviderCall.objects.filter(pk=call.pk).update(stored_key=keys.original)

    assert step_paint_next(step_id=origin.pk) == Outcome.DONE

    assert scripted.calls["paint"] == 0
    step = chain.steps.get(index=1)
    assert step.image.name == keys.original and step.image_request_id == "req-killed"
    assert step.image_call_id == call.pk
    call.refresh_from_db()
    assert call.outcome == CallOutcome.OK
    chain.refresh_from_db()
    assert chain.images_generated == 1, "paid once, by the killed attempt"


@pytest.mark.django_db
def test_a_picture_stored_just_before_a_crash_is_adopted_through_its_pending_row():
    """Killed after storing the answer under its call's keys, before recording it."""
    chain, origin = running_with_a_captioned_origin()
    call = ProviderCall.objects.create(chain=chain, role=CallRole.IMAGE, step_index=1, cost=Decimal("0.04"))
    keys = store_step_images(chain_id=chain.pk, index=1, token=call.token, image=clean_image(solid_png((4, 5, 6))))

    assert step_paint_next(step_id=origin.pk) == Outcome.DONE

    assert scripted.calls["paint"] == 0
    assert chain.steps.get(index=1).image.name == keys.original
    call.refresh_from_db()
    assert call.outcome == CallOutcome.OK and call.cost == Decimal("0.04") and call.cost_is_estimate


@pytest.mark.django_db
def test_a_picture_half_written_when_its_worker_died_is_removed_and_painted_again():
    """Killed while writing the original: the torn file is not adopted and does not stay behind."""
    chain, origin = running_with_a_captioned_origin()
    call = ProviderCall.objects.create(chain=chain, role=CallRole.IMAGE, step_index=1, cost=Decimal("0.04"))
    torn = step_image_keys(chain_id=chain.pk, index=1, token=call.token).original
    whole = clean_image(solid_png((4, 5, 6))).original
    default_storage.save(torn, ContentFile(whole[: len(whole) // 3]))

    assert step_paint_next(step_id=origin.pk) == Outcome.DONE

    assert scripted.calls["paint"] == 1
    assert not default_storage.exists(torn)
    _, files = default_storage.listdir(f"chains/{chain.pk}")
    step = chain.steps.get(index=1)
    assert sorted(name for name in files if name.startswith("001")) == sorted(
        name.rsplit("/", 1)[1]
        for name in (step.image.name, step.thumbnail_tiny.name, step.thumbnail_small.name, step.thumbnail_large.name)
    )


@pytest.mark.django_db
def test_an_adopted_picture_gets_its_thumbnails_written_again():
    """Killed while writing the thumbnails: the adopted original's thumbnails are whole again."""
    chain, origin = running_with_a_captioned_origin()
    call = ProviderCall.objects.create(chain=chain, role=CallRole.IMAGE, step_index=1, cost=Decimal("0.04"))
    keys = store_step_images(chain_id=chain.pk, index=1, token=call.token, image=clean_image(solid_png((4, 5, 6))))
    torn_thumbnail = next(iter(keys.thumbnails.values()))
    default_storage.delete(torn_thumbnail)
    default_storage.save(torn_thumbnail, ContentFile(b"RIFF"))

    assert step_paint_next(step_id=origin.pk) == Outcome.DONE

    assert scripted.calls["paint"] == 0
    with default_storage.open(torn_thumbnail, "rb") as handle:
        assert Image.open(handle).size[0] > 0


@pytest.mark.django_db
def test_a_duplicate_paint_that_read_before_the_first_finished_pays_nothing(monkeypatch):
    """Two deliveries of one paint task: the second reads the step, then the first runs
    start to end (paints, writes the step, releases the claim) before the second claims."""
    chain, origin = running_with_a_captioned_origin()
    claim = painting.chain_claim

    def first_delivery_finishes_meanwhile(**kwargs):
        monkeypatch.setattr(painting, "chain_claim", claim)
        assert step_paint_next(step_id=origin.pk) == Outcome.DONE
        return claim(**kwargs)

    monkeypatch.setattr(painting, "chain_claim", first_delivery_finishes_meanwhile)

    assert step_paint_next(step_id=origin.pk) == Outcome.BUSY
    assert scripted.calls["paint"] == 1
    assert ProviderCall.objects.filter(chain=chain, role=CallRole.IMAGE).count() == 1


@pytest.mark.django_db
def test_a_claim_on_a_stale_read_of_the_chain_is_refused():
    chain = running(make_chain())
    read = chain.progressed_at
    Chain.objects.filter(pk=chain.pk).update(progressed_at=timezone.now() + timedelta(seconds=1))

    assert chain_claim(chain_id=chain.pk, progressed_at=read) is None
    assert chain_claim(chain_id=chain.pk, progressed_at=Chain.objects.get(pk=chain.pk).progressed_at)


@pytest.mark.django_db
def test_a_file_found_by_path_alone_is_never_adopted():
    """Another database's chain with the same id left its pictures in the media folder."""
    chain, origin = running_with_a_captioned_origin()
    old = store_step_images(chain_id=chain.pk, index=1, token="", image=clean_image(solid_png((1, 2, 3))))

    assert step_paint_next(step_id=origin.pk) == Outcome.DONE

    assert scripted.calls["paint"] == 1
    step = chain.steps.get(index=1)
    assert step.image.name != old.original and step.image_call.token in step.image.name


@pytest.mark.django_db
def test_a_stopped_chain_runs_no_phase():
    chain = make_chain()
    assert step_caption(step_id=chain.steps.get(index=0).pk) == Outcome.INACTIVE
    assert scripted.calls["caption"] == 0


@pytest.mark.django_db
def test_a_permanent_error_fails_the_chain_with_its_message():
    chain = running(make_chain())
    scripted.fail_next("caption", ProviderError("401: bad key", permanent=True))
    assert tasks.caption_step.apply(args=[chain.steps.get(index=0).pk]).get() == "failed"
    chain.refresh_from_db()
    assert chain.status == Status.FAILED
    assert chain.error_message == "401: bad key"
    assert chain.claimed_until is None


@pytest.fixture
def eager_retries():
    """Eagerly, Celery re-runs a retried task in place unless propagation re-raises it."""
    from telephone_site.celery import app

    app.conf.task_eager_propagates = False
    yield
    app.conf.task_eager_propagates = True


@pytest.mark.django_db
@pytest.mark.usefixtures("on_commit_runs")
@pytest.mark.usefixtures("eager_retries")
def test_transient_errors_are_retried_and_the_chain_completes(settings):
    settings.TELEPHONE_RETRY_BASE_SECONDS = 0
    scripted.fail_next("paint", ProviderError("503", permanent=False), times=2)
    chain = chain_start(chain=make_chain(target_length=2))
    assert_complete_without_gaps(chain)
    assert scripted.calls["paint"] == 4


@pytest.mark.django_db
@pytest.mark.usefixtures("on_commit_runs")
@pytest.mark.usefixtures("eager_retries")
def test_retries_give_up_after_the_limit(settings):
    settings.TELEPHONE_RETRY_BASE_SECONDS = 0
    settings.TELEPHONE_RETRY_MAX = 2
    scripted.fail_next("caption", ProviderError("503 busy", permanent=False), times=5)
    chain = chain_start(chain=make_chain(target_length=2))
    chain.refresh_from_db()
    assert chain.status == Status.FAILED
    assert "503 busy" in chain.error_message
    assert scripted.calls["caption"] == 3


@pytest.mark.django_db
@pytest.mark.usefixtures("on_commit_runs")
def test_a_cancelled_chain_resumes_where_it_stopped():
    scripted.fail_next("paint", ProviderError("content policy", permanent=True))
    chain = chain_start(chain=make_chain(target_length=3))
    chain.refresh_from_db()
    assert chain.status == Status.FAILED and chain.steps.count() == 1
    chain_resume(chain=chain)
    assert_complete_without_gaps(chain)
    assert scripted.calls["caption"] == 4


@pytest.mark.django_db
def test_only_stopped_chains_resume_and_only_live_ones_cancel():
    chain = running(make_chain())
    with pytest.raises(ChainError, match=CHAIN_NOT_RESUMABLE):
        chain_resume(chain=chain)
    chain_cancel(chain=chain)
    assert chain.status == Status.CANCELLED
    with pytest.raises(ChainError):
        chain_cancel(chain=chain)


@pytest.mark.django_db
@pytest.mark.usefixtures("on_commit_runs")
def test_the_reconciler_rescues_a_chain_whose_task_vanished(settings):
    settings.TELEPHONE_STALL_SECONDS = 60
    chain = running(make_chain(target_length=2))
    long_ago = timezone.now() - timedelta(minutes=5)
    Chain.objects.filter(pk=chain.pk).update(progressed_at=long_ago, claimed_until=long_ago, claim_token="dead-worker")
    assert chains_reconcile() == [chain.pk]
    assert_complete_without_gaps(chain)


@pytest.mark.django_db
def test_the_reconciler_leaves_live_and_recent_chains_alone(settings):
    settings.TELEPHONE_STALL_SECONDS = 60
    claimed = running(make_chain())
    chain_claim(chain_id=claimed.pk)
    Chain.objects.filter(pk=claimed.pk).update(progressed_at=timezone.now() - timedelta(minutes=5))
    recent = running(make_chain())
    Chain.objects.filter(pk=recent.pk).update(progressed_at=timezone.now())
    assert chains_reconcile() == []


@pytest.mark.django_db
@pytest.mark.usefixtures("on_commit_runs")
def test_a_broker_outage_at_start_loses_nothing(monkeypatch, settings):
    """The chain is saved and running; the reconciler sends its work once the broker is back."""
    from kombu.exceptions import OperationalError

    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    with monkeypatch.context() as patch:
        patch.setattr(tasks.caption_step, "apply_async", broker_down)
        chain = chain_start(chain=make_chain(target_length=2))
    assert chain.status == Status.RUNNING and scripted.calls["caption"] == 0
    settings.TELEPHONE_STALL_SECONDS = 0
    Chain.objects.filter(pk=chain.pk).update(progressed_at=timezone.now() - timedelta(seconds=5))
    assert chains_reconcile() == [chain.pk]
    assert_complete_without_gaps(chain)
