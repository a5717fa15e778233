"""Keeping a chain's drift figures current as its steps are embedded."""

from __future__ import annotations

import numpy as np

from ..metrics import drift as analysis
from ..models import Chain, Step


def step_record_similarities(*, step: Step, vector: np.ndarray) -> None:
    """Store the step's similarity to the origin and to the previous step.

    Called in the embed phase's transaction, so the chain's curve is never behind
    its steps. The origin is embedded before any later step (the loop is ordered).
    """
    references = dict(
        Step.objects.filter(chain_id=step.chain_id, index__in=(0, step.index - 1))
        .exclude(embedding=None)
        .values_list("index", "embedding")
    )
    origin = _vector(references.get(0), fallback=vector)
    previous = _vector(references.get(step.index - 1), fallback=vector)
    Step.objects.filter(pk=step.pk).update(
        similarity_to_origin=analysis.cosine_similarity(vector, origin),
        similarity_to_previous=analysis.cosine_similarity(vector, previous),
    )
    chain_refresh_drift(chain_id=step.chain_id)


def _vector(raw, *, fallback: np.ndarray) -> np.ndarray:
    return fallback if raw is None else np.frombuffer(bytes(raw), dtype=np.float32)


def chain_refresh_drift(*, chain_id: int) -> None:
    curve = list(
        Step.objects.filter(chain_id=chain_id, similarity_to_origin__isnull=False)
        .order_by("index")
        .values_list("similarity_to_origin", flat=True)
    )
    Chain.objects.filter(pk=chain_id).update(
        drift_curve=[round(value, 4) for value in curve], drift=analysis.mean_cumulative_drift(np.array(curve))
    )


def chain_refresh_projection(*, chain_id: int) -> None:
    """Place every caption of the chain in 2-D; run when the chain ends."""
    rows = Step.objects.filter(chain_id=chain_id).exclude(embedding=None).order_by("index")
    vectors = [np.frombuffer(bytes(raw), dtype=np.float32) for raw in rows.values_list("embedding", flat=True)]
    if not vectors:
        return
    points = analysis.project_2d(np.vstack(vectors))
    Chain.objects.filter(pk=chain_id).update(projection=[[round(float(x), 4), round(float(y), 4)] for x, y in points])
