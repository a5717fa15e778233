"""Captions and paintings travel on separate queues, so slow image calls never starve captions.

The routing is checked as Celery resolves it, then for real: one worker that only
takes `captions` (and the default queue, for the reconciler) and one that only takes
`paints` finish chains together, each running only its own kind of task.
"""

from __future__ import annotations

import re

import pytest
from django.conf import settings

from chains.models import Chain, Status
from chains.services import chain_start
from telephone_site.celery import app as celery_app
from tests.support.worker import WorkerProcess, offline_chains, stop_all, wait_until

TASK_RAN = re.compile(r"Task (chains\.tasks\.\w+)\[[\w-]+\] succeeded")


def queue_of(task_name: str) -> str:
    return celery_app.amqp.router.route({}, task_name)["queue"].name


def test_captions_and_embeddings_go_one_way_paintings_another():
    assert queue_of("chains.tasks.caption_step") == settings.TELEPHONE_CAPTION_QUEUE == "captions"
    assert queue_of("chains.tasks.embed_step") == "captions"
    assert queue_of("chains.tasks.paint_next_step") == settings.TELEPHONE_PAINT_QUEUE == "paints"
    assert queue_of("chains.tasks.reconcile_chains") == "celery"
    assert queue_of("chains.tasks.render_share_cards") == settings.TELEPHONE_RENDER_QUEUE == "renders"


def test_a_worker_without_queues_consumes_them_all():
    assert {queue.name for queue in celery_app.conf.task_queues} == {"celery", "captions", "paints", "renders"}


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("real_broker")
def test_caption_and_paint_workers_share_the_work_by_queue(tmp_path):
    chains = offline_chains(2, length=2)
    captions = WorkerProcess(log_path=tmp_path / "captions.log", queues="captions,celery").start()
    paints = WorkerProcess(log_path=tmp_path / "paints.log", queues="paints", beat=False).start()
    try:
        for chain in chains:
            chain_start(chain=chain)
        wait_until(
            lambda: Chain.objects.filter(status=Status.COMPLETED).count() == len(chains),
            timeout=120,
            what="both chains to complete",
        )
    except AssertionError:
        raise AssertionError(captions.log() + "\n----\n" + paints.log()) from None
    finally:
        stop_all(captions, paints)

    ran_by_captions = set(TASK_RAN.findall(captions.log_path.read_text()))
    ran_by_paints = set(TASK_RAN.findall(paints.log_path.read_text()))
    assert {"chains.tasks.caption_step", "chains.tasks.embed_step"} <= ran_by_captions
    assert "chains.tasks.paint_next_step" not in ran_by_captions
    assert ran_by_paints == {"chains.tasks.paint_next_step"}
