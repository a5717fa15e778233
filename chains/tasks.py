"""Celery tasks: one per phase of one step, plus the reconciler, animations and the atlas.

Tasks take ids only and hold no logic of their own: the work, its idempotency and
the retry policy (`services.retry`) live in `chains.services`, so a task delivered
twice, retried, or re-queued by the reconciler always lands on the same guarded code.
Services enqueue them through `services.dispatch`. Task names are public: keep them.
"""

from __future__ import annotations

import logging

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded

from telephone_site.log import log_context

from .models import Step
from .providers.base import ProviderError
from .services import animation_render, chains_reconcile, step_caption, step_embed, step_paint_next, step_screen
from .services.atlas import BUSY, atlas_recompute_if_dirty, debounce_seconds
from .services.retry import phase_error_handle
from .services.share_cards import share_cards_render
from .task_clock import clocked_task, format_figures

logger = logging.getLogger(__name__)

STEP_TIMED_OUT = "The step took longer than the time limit."

PHASE_TASK_OPTIONS = dict(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=None)


@shared_task(name="chains.tasks.caption_step", **PHASE_TASK_OPTIONS)
def caption_step(self, step_id: int) -> str:
    return run_phase(self, step_caption, step_id)


@shared_task(name="chains.tasks.embed_step", **PHASE_TASK_OPTIONS)
def embed_step(self, step_id: int) -> str:
    return run_phase(self, step_embed, step_id)


@shared_task(name="chains.tasks.paint_next_step", **PHASE_TASK_OPTIONS)
def paint_next_step(self, step_id: int) -> str:
    return run_phase(self, step_paint_next, step_id)


@shared_task(name="chains.tasks.screen_step", **PHASE_TASK_OPTIONS)
def screen_step(self, step_id: int) -> str:
    return run_phase(self, step_screen, step_id)


@shared_task(name="chains.tasks.reconcile_chains", ignore_result=True)
def reconcile_chains() -> list[int]:
    return chains_reconcile()


def run_phase(task, phase, step_id: int) -> str:
    """Run one phase; transient errors come back later, permanent ones end the chain.

    Every line logged meanwhile (here, in the services, in the provider clients)
    carries the task, step and, once the step is loaded, chain ids. The closing line
    also says where the task's CPU went (`chains.task_clock`).
    """
    with log_context(task_id=task.request.id, step_id=step_id, phase=phase.__name__), clocked_task() as clock:
        try:
            outcome = phase(step_id=step_id)
        except SoftTimeLimitExceeded:
            error = ProviderError(STEP_TIMED_OUT, permanent=False, kind="timed_out")
            return _on_provider_error(task, step_id, error, phase=phase.__name__)
        except ProviderError as error:
            return _on_provider_error(task, step_id, error, phase=phase.__name__)
        figures = clock.figures()
        logger.info(
            "phase=%s step=%s outcome=%s %s",
            phase.__name__,
            step_id,
            outcome.value,
            format_figures(figures),
            extra={"outcome": outcome.value, **figures},
        )
        return outcome.value


def _on_provider_error(task, step_id: int, error: ProviderError, *, phase: str) -> str:
    chain_id = Step.objects.filter(pk=step_id).values_list("chain_id", flat=True).first()
    countdown = phase_error_handle(
        chain_id=chain_id, step_id=step_id, error=error, retries=task.request.retries or 0, phase=phase
    )
    if countdown is None:
        return "failed"
    raise task.retry(countdown=countdown, exc=error)


@shared_task(name="chains.tasks.render_chain_animation", acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def render_chain_animation(animation_id: int) -> str:
    """No retries: a failed render marks its row failed, and asking again starts a new one."""
    outcome = animation_render(animation_id=animation_id)
    logger.info("animation=%s outcome=%s", animation_id, outcome.value)
    return outcome.value


@shared_task(name="chains.tasks.recompute_atlas", bind=True, acks_late=True, ignore_result=True, max_retries=None)
def recompute_atlas(self) -> str:
    """Debounced: enqueued once per burst of finishing chains (`atlas_mark_dirty`).
    When another recompute still holds the job, come back after it instead of dropping
    the marker that a chain set meanwhile."""
    outcome = atlas_recompute_if_dirty()
    logger.info("atlas recompute outcome=%s", outcome)
    if outcome == BUSY and not self.request.is_eager:
        raise self.retry(countdown=debounce_seconds())
    return outcome


@shared_task(name="chains.tasks.render_share_cards", acks_late=True, ignore_result=True)
def render_share_cards(chain_id: int) -> int:
    """After a chain completes: its card and every step's. A missed one is made on request."""
    return share_cards_render(chain_id=chain_id)
