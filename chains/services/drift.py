"""Keeping a chain's drift figures current as its steps are embedded."""

from __future__ import annotations

import numpy as np
from django.db.models import BinaryField, Case, F, Q, Value, When

from ..compiled import CompiledRead
from ..metrics import drift as analysis
from ..models import Chain, Step


def step_similarities(*, step: Step, vector: np.ndarray) -> tuple[dict, dict]:
    """The step's similarity to the origin and to the previous step, and the chain's
    drift figures with it: (the step's fields, the chain's fields), from one read.

    The embed phase writes both in its transaction, with the embedding, so the
    chain's curve is never behind its steps. The origin is embedded before any later
    step (the loop is ordered). The read brings the other steps' similarities for the
    curve and only the two reference steps' embeddings.
    """
    embeddings, curve = {}, {}
    for row in SIMILARITIES_READ.rows(step.chain_id, step.pk, step.index - 1):
        index, similarity, reference = row["index"], row["similarity_to_origin"], row["reference"]
        if reference is not None:
            embeddings[index] = reference
        if similarity is not None:
            curve[index] = similarity
    to_origin = analysis.cosine_similarity(vector, _vector(embeddings.get(0), fallback=vector))
    to_previous = analysis.cosine_similarity(vector, _vector(embeddings.get(step.index - 1), fallback=vector))
    curve[step.index] = to_origin
    return (
        {"similarity_to_origin": to_origin, "similarity_to_previous": to_previous},
        _drift_fields([curve[index] for index in sorted(curve)]),
    )


def _similarities_read(chain_id: int, step_id: int, previous_index: int):
    """The chain's other steps' similarities to the origin, and the embeddings of the two
    it compares with (the origin, the previous step); compiled once (`chains.compiled`)."""
    references = (0, previous_index)
    return (
        Step.objects.filter(chain_id=chain_id)
        .exclude(pk=step_id)
        .filter(Q(index__in=references, embedding__isnull=False) | Q(similarity_to_origin__isnull=False))
        .annotate(
            reference=Case(
                When(index__in=references, then=F("embedding")), default=Value(None), output_field=BinaryField()
            )
        )
        .order_by("index")
        .values_list("index", "similarity_to_origin", "reference")
    )


SIMILARITIES_READ = CompiledRead(_similarities_read)


def _vector(raw, *, fallback: np.ndarray) -> np.ndarray:
    return fallback if raw is None else np.frombuffer(bytes(raw), dtype=np.float32)


def chain_refresh_drift(*, chain_id: int) -> None:
    curve = list(
        Step.objects.filter(chain_id=chain_id, similarity_to_origin__isnull=False)
        .order_by("index")
        .values_list("similarity_to_origin", flat=True)
    )
    Chain.objects.filter(pk=chain_id).update(**_drift_fields(curve))


def _drift_fields(curve: list[float]) -> dict:
    return {
        "drift_curve": [round(value, 4) for value in curve],
        "drift": analysis.mean_cumulative_drift(np.array(curve)),
    }


def chain_refresh_projection(*, chain_id: int) -> None:
    """Place every caption of the chain in 2-D; run when the chain ends."""
    rows = Step.objects.filter(chain_id=chain_id).exclude(embedding=None).order_by("index")
    vectors = [np.frombuffer(bytes(raw), dtype=np.float32) for raw in rows.values_list("embedding", flat=True)]
    if not vectors:
        return
    points = analysis.project_2d(np.vstack(vectors))
    Chain.objects.filter(pk=chain_id).update(projection=[[round(float(x), 4), round(float(y), 4)] for x, y in points])
