"""Keeping the atlas current: a debounced, idempotent recompute of every public caption.

Debounce. The first chain to finish after a recompute sets `AtlasJob.dirty_since`
with a conditional update (only when it was clear) and, after commit, enqueues one
delayed task; chains finishing meanwhile find the marker set and enqueue nothing. The
task claims the job with another conditional update that also clears the marker, so
a chain finishing *during* a recompute marks it dirty again and causes exactly one
more. A marker older than the lease is treated as lost (its task vanished with a
killed worker) and re-armed by the next finishing chain.

Idempotence. The fit is deterministic under a fixed seed, and skipped outright when
the digest of its inputs (steps, embeddings, finished chains) has not changed;
attractors keep their ids across recomputes when they keep most of their captions.
"""

from __future__ import annotations

import logging
import time
import traceback
import uuid
from datetime import timedelta

import numpy as np
from django.conf import settings
from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone

from ..cache import content_changed_on_commit
from ..metrics import atlas
from ..metrics.drift import tail_attractor
from ..models import Atlas, AtlasIndex, AtlasJob, AtlasPoint, Attractor, Chain, ChainAnalysis, Status, Step
from ..selectors.research import caption_kind
from .analysis import baseline_refresh, chains_refresh_metrics, image_baseline_refresh
from .dispatch import enqueue_atlas_recompute

logger = logging.getLogger(__name__)

ATLAS_JOB = "atlas"
ALGORITHM = "atlas-v1"  # part of the input digest: change it to force a refit after a code change
RECOMPUTED, UNCHANGED, CLEAN, BUSY, FAILED = "recomputed", "unchanged", "clean", "busy", "failed"


def debounce_seconds() -> float:
    return float(settings.TELEPHONE_ATLAS_DEBOUNCE_SECONDS)


def lease_seconds() -> float:
    """How long a claim holds: past the task's hard time limit, the worker is gone."""
    return float(settings.TELEPHONE_ATLAS_LEASE_SECONDS)


def atlas_job() -> AtlasJob:
    return AtlasJob.objects.get_or_create(name=ATLAS_JOB)[0]


def atlas_mark_dirty() -> bool:
    """Note that the atlas is behind; enqueue the delayed recompute unless one is pending."""
    job = atlas_job()
    now = timezone.now()
    stale = now - timedelta(seconds=lease_seconds() + debounce_seconds())
    marked = (
        AtlasJob.objects.filter(pk=job.pk)
        .filter(Q(dirty_since__isnull=True) | Q(dirty_since__lt=stale))
        .update(dirty_since=now)
    )
    if marked:
        transaction.on_commit(atlas_enqueue_recompute)
    return bool(marked)


def atlas_enqueue_recompute(*, countdown: float | None = None) -> None:
    enqueue_atlas_recompute(countdown=debounce_seconds() if countdown is None else countdown)


def atlas_claim(*, only_if_dirty: bool = True) -> str | None:
    """Take the recompute (clearing the dirty marker) if nobody holds it; a token or None."""
    now = timezone.now()
    token = uuid.uuid4().hex
    jobs = AtlasJob.objects.filter(pk=atlas_job().pk).filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
    if only_if_dirty:
        jobs = jobs.filter(dirty_since__isnull=False)
    taken = jobs.update(
        dirty_since=None, claimed_until=now + timedelta(seconds=lease_seconds()), claim_token=token, last_started_at=now
    )
    return token if taken else None


def atlas_release(*, token: str, seconds: float, error: str = "") -> None:
    AtlasJob.objects.filter(name=ATLAS_JOB, claim_token=token).update(
        claimed_until=None,
        claim_token="",
        last_finished_at=timezone.now(),
        last_seconds=seconds,
        last_error=error[:4000],
        runs=F("runs") + 1,
    )


def atlas_recompute_if_dirty() -> str:
    """The task's body: recompute once if marked dirty, report BUSY if another runs."""
    token = atlas_claim()
    if token is None:
        job = atlas_job()
        held = job.claimed_until is not None and job.claimed_until > timezone.now()
        return BUSY if job.dirty_since is not None and held else CLEAN
    return _run_claimed(token=token, force=False)


def atlas_recompute_now(*, force: bool = False) -> str:
    """Recompute at once whether marked or not (the management command); BUSY if running."""
    token = atlas_claim(only_if_dirty=False)
    if token is None:
        return BUSY
    return _run_claimed(token=token, force=force)


def _run_claimed(*, token: str, force: bool) -> str:
    started = time.perf_counter()
    try:
        outcome = atlas_recompute(force=force)
    except Exception:  # noqa: BLE001 - recorded on the job, never raised into a chain's commit
        logger.exception("atlas recompute failed")
        atlas_release(token=token, seconds=time.perf_counter() - started, error=traceback.format_exc())
        return FAILED
    atlas_release(token=token, seconds=time.perf_counter() - started)
    return outcome


def atlas_recompute(*, force: bool = False) -> str:
    """Rebuild every space's atlas, then baselines and every chain's figures."""
    spaces = list(
        Step.objects.filter(chain__in=Chain.objects.listed(), embedding__isnull=False)
        .exclude(embedding_model="")
        .values("embedding_model")
        .annotate(count=Count("id"))
        .order_by("-count")
        .values_list("embedding_model", flat=True)
    )
    outcomes = [atlas_rebuild_space(space=space, force=force) for space in spaces]
    Atlas.objects.exclude(space__in=spaces).delete()
    image_baseline_refresh()
    chains_refresh_metrics()
    content_changed_on_commit()
    return RECOMPUTED if RECOMPUTED in outcomes or not spaces else UNCHANGED


def _space_rows(space: str):
    rows = (
        Step.objects.filter(chain__in=Chain.objects.listed(), embedding_model=space, embedding__isnull=False)
        .order_by("chain_id", "index")
        .values_list("id", "chain_id", "index", "embedding", "caption")
    )
    decoded = [
        (step_id, chain_id, index, np.frombuffer(bytes(raw), dtype=np.float32), caption)
        for step_id, chain_id, index, raw, caption in rows
    ]
    if not decoded:
        return None
    dimensions = [len(row[3]) for row in decoded]
    dimension = max(set(dimensions), key=dimensions.count)
    decoded = [row for row in decoded if len(row[3]) == dimension]
    return (
        np.array([row[0] for row in decoded], dtype=np.int64),
        np.array([row[1] for row in decoded], dtype=np.int64),
        np.array([row[2] for row in decoded], dtype=np.int64),
        np.vstack([row[3] for row in decoded]),
        [row[4] for row in decoded],
    )


def atlas_rebuild_space(*, space: str, force: bool = False) -> str:
    started = time.perf_counter()
    loaded = _space_rows(space)
    if loaded is None:
        Atlas.objects.filter(space=space).delete()
        return CLEAN
    step_ids, chain_ids, indices, vectors, captions = loaded
    baseline_refresh(kind=caption_kind(space), vectors=vectors, chain_ids=chain_ids)
    finished = np.array(
        sorted(Chain.objects.listed().filter(status=Status.COMPLETED).values_list("pk", flat=True)), dtype=np.int64
    )
    digest = atlas.input_digest(ALGORITHM, step_ids, chain_ids, vectors, finished)
    current = Atlas.objects.filter(space=space).first()
    if not force and current is not None and current.signature == digest:
        return UNCHANGED
    fit = atlas.fit_atlas(vectors)
    unit = atlas.normalised(vectors)
    tails = _chain_tails(chain_ids, indices, fit.labels, finished=set(finished.tolist()))
    summary = dict(
        terms=atlas.cluster_terms(captions, fit.labels),
        exemplars=atlas.cluster_exemplars(unit, fit.labels),
        centres=atlas.cluster_centres(fit.points, fit.labels),
        tails=tails,
        index=atlas.build_neighbour_index(unit),
    )
    _save_space(
        space=space,
        step_ids=step_ids,
        chain_ids=chain_ids,
        indices=indices,
        fit=fit,
        digest=digest,
        started=started,
        **summary,
    )
    return RECOMPUTED


def _chain_tails(chain_ids, indices, labels, *, finished: set) -> dict[int, tuple[int, int]]:
    """(cluster, arrival step) of every finished chain that ends in a cluster."""
    tails = {}
    for chain_id in np.unique(chain_ids).tolist():
        if chain_id not in finished:
            continue
        rows = np.flatnonzero(chain_ids == chain_id)
        rows = rows[np.argsort(indices[rows], kind="stable")]
        label, arrival_row = tail_attractor(labels[rows])
        if label is not None:
            tails[chain_id] = (label, int(indices[rows][arrival_row]))
    return tails


def _save_space(
    *, space, step_ids, chain_ids, indices, fit, digest, started, terms, exemplars, centres, tails, index
) -> None:
    with transaction.atomic():
        row, _ = Atlas.objects.select_for_update().get_or_create(space=space)
        old: dict[int, set] = {}
        for attractor_id, step_id in AtlasPoint.objects.filter(atlas=row, attractor__isnull=False).values_list(
            "attractor_id", "step_id"
        ):
            old.setdefault(attractor_id, set()).add(step_id)
        clusters = sorted(set(fit.labels.tolist()) - {atlas.NOISE})
        new = {label: set(step_ids[fit.labels == label].tolist()) for label in clusters}
        continued = atlas.match_clusters(new, old)
        Attractor.objects.filter(atlas=row).exclude(pk__in=continued.values()).delete()
        attractor_ids = {}
        for label in clusters:
            arrivals = [arrival for winner, arrival in tails.values() if winner == label]
            fields = dict(
                number=label + 1,
                label=atlas.cluster_label(terms.get(label, []))[:200],
                terms=terms.get(label, []),
                exemplar_id=int(step_ids[exemplars[label]]),
                size=len(new[label]),
                chain_count=len(arrivals),
                median_arrival=float(np.median(arrivals)) if arrivals else None,
                x=centres[label][0],
                y=centres[label][1],
            )
            if label in continued:
                Attractor.objects.filter(pk=continued[label]).update(**fields)
                attractor_ids[label] = continued[label]
            else:
                attractor_ids[label] = Attractor.objects.create(atlas=row, **fields).pk
        AtlasPoint.objects.filter(atlas=row).delete()
        AtlasPoint.objects.bulk_create(
            [
                AtlasPoint(
                    atlas=row,
                    step_id=int(step_id),
                    chain_id=int(chain_id),
                    index=int(index),
                    x=round(float(x), 5),
                    y=round(float(y), 5),
                    attractor_id=attractor_ids.get(int(label)),
                )
                for step_id, chain_id, index, (x, y), label in zip(
                    step_ids, chain_ids, indices, fit.points, fit.labels, strict=True
                )
            ],
            batch_size=2000,
        )
        before = {
            chain_id: (attractor_id, arrival)
            for chain_id, attractor_id, arrival in ChainAnalysis.objects.filter(attractor__atlas=row).values_list(
                "chain_id", "attractor_id", "arrival_step"
            )
        }
        ChainAnalysis.objects.filter(attractor__atlas=row).update(attractor=None, arrival_step=None)
        after = {chain_id: (attractor_ids[label], arrival) for chain_id, (label, arrival) in tails.items()}
        for chain_id in set(before) | set(after):
            if before.get(chain_id) != after.get(chain_id):
                content_changed_on_commit(chain_id=chain_id)
        ChainAnalysis.objects.bulk_create(
            [
                ChainAnalysis(chain_id=chain_id, attractor_id=attractor_ids[label], arrival_step=arrival)
                for chain_id, (label, arrival) in tails.items()
            ],
            batch_size=500,
            update_conflicts=True,
            unique_fields=["chain"],
            update_fields=["attractor", "arrival_step"],
        )
        _save_index(row=row, step_ids=step_ids, chain_ids=chain_ids, points=fit.points, index=index)
        row.version += 1
        row.signature = digest
        row.point_count = len(step_ids)
        row.chain_count = len(np.unique(chain_ids))
        row.noise_count = int(np.sum(fit.labels == atlas.NOISE))
        row.method = fit.method
        row.computed_at = timezone.now()
        row.seconds = round(time.perf_counter() - started, 2)
        row.save()


def _save_index(*, row: Atlas, step_ids, chain_ids, points, index: atlas.NeighbourIndex) -> None:
    AtlasIndex.objects.update_or_create(
        atlas=row,
        defaults=dict(
            token=uuid.uuid4().hex,
            count=len(step_ids),
            steps=step_ids.astype(np.int64).tobytes(),
            chains=chain_ids.astype(np.int64).tobytes(),
            points=np.asarray(points, dtype=np.float32).tobytes(),
            mean=index.mean.astype(np.float32).tobytes(),
            components=index.components.astype(np.float32).tobytes(),
            vectors=index.vectors.astype(np.float16).tobytes(),
        ),
    )
