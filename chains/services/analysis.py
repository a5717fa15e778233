"""Storing drift figures: image descriptors, calibration baselines and chain metrics.

The numbers come from `chains.metrics.drift` and `chains.metrics.descriptors` (pure); this module
reads the rows they need, and writes the results where pages and exports read them.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

import numpy as np
from django.core.files.storage import default_storage
from django.db import transaction

from ..cache import content_changed_on_commit
from ..metrics import atlas, descriptors
from ..metrics import drift as analysis
from ..models import Baseline, Chain, ChainAnalysis, Experiment, Step
from ..selectors.research import IMAGE_KIND, baseline_means, caption_kind

logger = logging.getLogger(__name__)

METRIC_FIELDS = ("calibrated_drift", "half_life", "convergence_step", "image_drift")
# Descriptors are read from the 320 px thumbnail (Step.thumbnail_small), whether the
# picture was just painted or is described later from storage, so they always agree.
DESCRIPTOR_SOURCE_WIDTH = 320


# --- image descriptors ---------------------------------------------------------------


def step_describe_image(*, chain_id: int, index: int, clean) -> dict:
    """Fields for a step about to be created by the paint phase (`clean` is its
    `images.CleanImage`): its image descriptor and the image's similarity to the
    origin's and to the previous step's.

    The origin (stored by `chain_create`, before any painting) gets its descriptor
    here the first time it is needed. Analysis must never fail a paid-for step, so
    any error only costs the figures.
    """
    try:
        thumbnails = clean.thumbnails
        vector = descriptors.image_descriptor(thumbnails.get(DESCRIPTOR_SOURCE_WIDTH) or clean.original)
    except Exception:  # noqa: BLE001 - a figure is not worth a failed step
        logger.exception("chain=%s step=%s: no image descriptor", chain_id, index)
        return {}
    fields = {"image_descriptor": vector.tobytes()}
    try:
        with transaction.atomic():  # a savepoint: a database error here cannot abort the caller's transaction
            references = _stored_descriptors(chain_id=chain_id, indexes=(0, index - 1))
            origin, previous = references.get(0), references.get(index - 1)
    except Exception:  # noqa: BLE001 - a missing reference costs the similarity, not the step
        logger.exception("chain=%s: reference descriptors unavailable", chain_id)
        return fields
    if origin is not None:
        fields["image_similarity_to_origin"] = analysis.cosine_similarity(vector, origin)
    if previous is not None:
        fields["image_similarity_to_previous"] = analysis.cosine_similarity(vector, previous)
    return fields


def _stored_descriptors(*, chain_id: int, indexes: tuple[int, ...]) -> dict[int, np.ndarray]:
    """The descriptors of these steps (described now if they have none yet), in one read."""
    steps = Step.objects.filter(chain_id=chain_id, index__in=indexes).only(
        "id", "index", "thumbnail_small", "image", "image_descriptor"
    )
    found = {}
    for step in steps:
        vector = descriptors.descriptor_from_bytes(step.image_descriptor)
        vector = vector if vector is not None else step_store_descriptor(step=step)
        if vector is not None:
            found[step.index] = vector
    return found


def step_store_descriptor(*, step: Step) -> np.ndarray | None:
    """Describe a stored image from its small thumbnail (the same input the paint
    phase uses) and keep the result; the origin is its own reference (1.0)."""
    name = step.thumbnail_small.name or step.image.name
    if not name:
        return None
    with default_storage.open(name, "rb") as handle:
        vector = descriptors.image_descriptor(handle.read())
    fields = {"image_descriptor": vector.tobytes()}
    if step.index == 0:
        fields.update(image_similarity_to_origin=1.0, image_similarity_to_previous=1.0)
    Step.objects.filter(pk=step.pk).update(**fields)
    return vector


def chain_fill_image_drift(*, chain_id: int) -> int:
    """Describe any image of the chain that has no descriptor yet (chains painted before
    descriptors existed) and recompute its image similarities; returns images described."""
    steps = list(
        Step.objects.filter(chain_id=chain_id)
        .order_by("index")
        .only(
            "id",
            "index",
            "thumbnail_small",
            "image",
            "image_descriptor",
            "image_similarity_to_origin",
            "image_similarity_to_previous",
        )
    )
    described, vectors = 0, []
    for step in steps:
        vector = descriptors.descriptor_from_bytes(step.image_descriptor)
        if vector is None:
            try:
                with transaction.atomic():  # a savepoint: chain_complete's transaction stays usable
                    vector = step_store_descriptor(step=step)
                described += 1
            except Exception:  # noqa: BLE001 - a missing or unreadable file leaves a gap, not a crash
                logger.exception("step=%s: cannot describe its image", step.pk)
        vectors.append(vector)
    if not steps or vectors[0] is None:
        return described
    for step, vector, before in zip(steps, vectors, [None, *vectors[:-1]], strict=True):
        if vector is None or step.image_similarity_to_origin is not None:
            continue
        Step.objects.filter(pk=step.pk).update(
            image_similarity_to_origin=analysis.cosine_similarity(vector, vectors[0]),
            image_similarity_to_previous=analysis.cosine_similarity(vector, before if before is not None else vector),
        )
    return described


# --- baselines -------------------------------------------------------------------------


def chain_lineages(*, chain_ids: Iterable[int]) -> dict[int, str]:
    """A group key per chain: chains sharing a starting image share it.

    A branch starts from its parent's step, and an experiment's chains all start from
    one image, so pairs within those groups are not "unrelated" for the baseline.
    """
    parents = dict(Chain.objects.values_list("pk", "parent_id"))
    experiment_of = dict(Experiment.chains.through.objects.values_list("chain_id", "experiment_id"))
    groups = {}
    for chain_id in chain_ids:
        root, seen = chain_id, set()
        while parents.get(root) and root not in seen:
            seen.add(root)
            root = parents[root]
        experiment = experiment_of.get(root) or experiment_of.get(chain_id)
        groups[chain_id] = f"experiment:{experiment}" if experiment else f"chain:{root}"
    return groups


def baseline_refresh(*, kind: str, vectors: np.ndarray, chain_ids: np.ndarray) -> Baseline | None:
    """Recompute one baseline from these vectors; delete it when nothing is unrelated."""
    lineage = chain_lineages(chain_ids=set(chain_ids.tolist()))
    groups = np.array([lineage[chain_id] for chain_id in chain_ids.tolist()])
    stats = analysis.baseline_stats(vectors, groups) if len(vectors) else None
    if stats is None:
        Baseline.objects.filter(kind=kind).delete()
        return None
    baseline, _ = Baseline.objects.update_or_create(
        kind=kind,
        defaults=dict(
            mean=stats.mean,
            std=stats.std,
            p05=stats.p05,
            p50=stats.p50,
            p95=stats.p95,
            pairs=stats.pairs,
            groups=stats.groups,
        ),
    )
    return baseline


def image_baseline_refresh() -> Baseline | None:
    rows = list(
        Step.objects.filter(chain__in=Chain.objects.listed(), image_descriptor__isnull=False).values_list(
            "chain_id", "image_descriptor"
        )
    )
    pairs = [(chain_id, descriptors.descriptor_from_bytes(raw)) for chain_id, raw in rows]
    pairs = [(chain_id, vector) for chain_id, vector in pairs if vector is not None]
    if not pairs:
        Baseline.objects.filter(kind=IMAGE_KIND).delete()
        return None
    return baseline_refresh(
        kind=IMAGE_KIND, vectors=np.vstack([v for _, v in pairs]), chain_ids=np.array([c for c, _ in pairs])
    )


# --- chain metrics -------------------------------------------------------------------


def chain_metrics(*, rows: list[tuple], caption_baseline: float | None, image_baseline: float | None) -> dict:
    """Figures of one chain from its steps' (similarity to origin, to previous, image
    similarity to origin) in step order. The convergence threshold is on the
    calibrated scale (a raw one would mean something different under each model)."""
    caption = [(origin, previous) for origin, previous, _ in rows if origin is not None]
    image = [value for _, _, value in rows if value is not None]
    metrics = dict.fromkeys(METRIC_FIELDS)
    if caption:
        to_origin = np.array([origin for origin, _ in caption])
        to_previous = np.array([previous for _, previous in caption])
        metrics["calibrated_drift"] = analysis.mean_cumulative_drift(analysis.calibrate(to_origin, caption_baseline))
        metrics["half_life"] = analysis.half_life(to_origin, baseline=caption_baseline)
        metrics["convergence_step"] = analysis.convergence_step(analysis.calibrate(to_previous, caption_baseline))
    if image:
        metrics["image_drift"] = analysis.mean_cumulative_drift(np.array(image))
    return metrics


def chains_refresh_metrics(*, chain_ids: Iterable[int] | None = None) -> int:
    """Recompute chain figures (all chains, or these) in a few queries; returns how many.

    Calibration moves as the data grows, so the atlas recompute calls this for every
    chain after refreshing the baselines.
    """
    steps = Step.objects.order_by("chain_id", "index")
    if chain_ids is not None:
        steps = steps.filter(chain_id__in=list(chain_ids))
    baselines = baseline_means()
    per_chain: dict[int, list] = {}
    models: dict[int, str] = {}
    for chain_id, model, origin, previous, image in steps.values_list(
        "chain_id", "embedding_model", "similarity_to_origin", "similarity_to_previous", "image_similarity_to_origin"
    ):
        per_chain.setdefault(chain_id, []).append((origin, previous, image))
        if model:
            models.setdefault(chain_id, model)
    image_baseline = baselines.get(IMAGE_KIND)
    records = [
        ChainAnalysis(
            chain_id=chain_id,
            **chain_metrics(
                rows=rows,
                caption_baseline=baselines.get(caption_kind(models.get(chain_id, ""))),
                image_baseline=image_baseline,
            ),
        )
        for chain_id, rows in per_chain.items()
    ]
    before = _shown(ChainAnalysis.objects.filter(chain_id__in=list(per_chain)).values_list("chain_id", *METRIC_FIELDS))
    ChainAnalysis.objects.bulk_create(
        records, batch_size=500, update_conflicts=True, unique_fields=["chain"], update_fields=list(METRIC_FIELDS)
    )
    after = _shown((r.chain_id, *(getattr(r, name) for name in METRIC_FIELDS)) for r in records)
    changed = [chain_id for chain_id, shown in after.items() if before.get(chain_id) != shown]
    for chain_id in changed:
        content_changed_on_commit(chain_id=chain_id, listed=False)
    if changed:  # the lists once, however many chains' figures moved, and debounced
        content_changed_on_commit(progress=True)
    return len(records)


def _shown(rows) -> dict[int, tuple]:
    """Figures as pages show them (two decimals), so a change nobody sees stales no cache."""
    return {row[0]: tuple(None if v is None else round(float(v), 2) for v in row[1:]) for row in rows}


def chain_refresh_projection_if_changed(*, chain_id: int, force: bool = False) -> bool:
    """The per-chain t-SNE path, recomputed only when the chain's embeddings changed."""
    rows = list(
        Step.objects.filter(chain_id=chain_id)
        .exclude(embedding=None)
        .order_by("index")
        .values_list("embedding", flat=True)
    )
    if not rows:
        return False
    vectors = np.vstack([np.frombuffer(bytes(raw), dtype=np.float32) for raw in rows])
    signature = atlas.input_digest(vectors)
    analysis_row, _ = ChainAnalysis.objects.get_or_create(chain_id=chain_id)
    projection = Chain.objects.filter(pk=chain_id).values_list("projection", flat=True).first() or []
    if not force and analysis_row.projection_signature == signature and len(projection) == len(rows):
        return False
    points = analysis.project_2d(vectors)
    with transaction.atomic():
        Chain.objects.filter(pk=chain_id).update(
            projection=[[round(float(x), 4), round(float(y), 4)] for x, y in points]
        )
        ChainAnalysis.objects.filter(pk=chain_id).update(projection_signature=signature)
    return True


def chain_analyse(*, chain_id: int) -> None:
    """Everything a chain gets when it ends: its image drift filled in, its 2-D path
    (when its captions changed), its figures, and a place in the next atlas.

    Errors propagate: `chain_complete` rolls the completion back with them, so a chain
    is never shown as finished without its figures. (A missing image file only leaves
    a gap in the image drift: `chain_fill_image_drift` carries on past it.)"""
    from .atlas import atlas_mark_dirty

    chain_fill_image_drift(chain_id=chain_id)
    chain_refresh_projection_if_changed(chain_id=chain_id)
    chains_refresh_metrics(chain_ids=[chain_id])
    atlas_mark_dirty()
