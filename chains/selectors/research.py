"""Reads for comparisons, experiments and the research export; no writes happen here."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import cache

import numpy as np
from django.db.models import Count, Prefetch, Q, QuerySet

from ..metrics import descriptors
from ..metrics.drift import calibrate, cosine_similarity
from ..models import Baseline, Chain, ChainAnalysis, Experiment, Step, listed_q
from .chains import chains_with_cards

COMPARE_MAX_CHAINS = 8
# Baseline.kind: one per caption embedding model, one per image descriptor version.
CAPTION_KIND = "caption:{model}"
IMAGE_KIND = f"image:{descriptors.DESCRIPTOR_VERSION}"


def caption_kind(model: str) -> str:
    return CAPTION_KIND.format(model=model)


def chains_for_compare(*, slugs: list[str]) -> list[Chain]:
    """Chains anyone with their links may see, in the order asked, duplicates dropped,
    with what a card shows (first and latest pictures) so the page can show them."""
    wanted = list(dict.fromkeys(slug.strip().lower() for slug in slugs if slug.strip()))[:COMPARE_MAX_CHAINS]
    visible = Chain.objects.visible_by_link().filter(slug__in=wanted)
    found = {
        chain.slug: chain for chain in chains_with_cards(visible).select_related("analysis", "analysis__attractor")
    }
    return [found[slug] for slug in wanted if slug in found]


def chain_curves(*, chain_ids: list[int]) -> dict[int, list[tuple]]:
    """(index, caption→origin, caption→previous, image→origin) per step, per chain: one query."""
    curves: dict[int, list[tuple]] = {chain_id: [] for chain_id in chain_ids}
    rows = (
        Step.objects.filter(chain_id__in=chain_ids)
        .order_by("chain_id", "index")
        .values_list(
            "chain_id", "index", "similarity_to_origin", "similarity_to_previous", "image_similarity_to_origin"
        )
    )
    for chain_id, *values in rows:
        curves[chain_id].append(tuple(values))
    return curves


def chain_analysis(*, chain: Chain) -> ChainAnalysis | None:
    return ChainAnalysis.objects.select_related("attractor").filter(chain=chain).first()


def baselines() -> dict[str, Baseline]:
    return {baseline.kind: baseline for baseline in Baseline.objects.order_by("kind")}


def baseline_means() -> dict[str, float]:
    return dict(Baseline.objects.values_list("kind", "mean"))


# --- similarity curves for the comparison charts ----------------------------------------


def similarity_series(chains, *, metric: str, scale: str, label: Callable = str) -> list[dict]:
    """Each chain's curve: caption or picture similarity to its origin, raw or calibrated."""
    curves = chain_curves(chain_ids=[chain.pk for chain in chains])
    known, series = baselines(), []
    for chain in chains:
        rows = curves.get(chain.pk, [])
        values = [None] * (max((index for index, *_ in rows), default=-1) + 1)
        for index, caption, _, image in rows:
            values[index] = caption if metric == "caption" else image
        values = _on_scale(values, chain=chain, metric=metric, scale=scale, known=known)
        series.append({"label": label(chain), "values": values, "url": chain.get_absolute_url()})
    return series


def lineage_similarity_series(chains, *, metric: str, scale: str) -> list[dict]:
    """Each chain measured against its lineage's first picture or caption, on the lineage's
    own step axis: a branch starts at its fork step, where its parent was, so a chain and
    its branches share one origin and one x axis."""
    anchors = chain_lineage_offsets(chains=chains)
    field = "image_descriptor" if metric == "image" else "embedding"
    stored = chain_vectors(
        chain_ids=sorted({c.pk for c in chains} | {root for root, _ in anchors.values()}), field=field
    )
    decode = descriptors.descriptor_from_bytes if metric == "image" else _embedding
    known, series = baselines(), []
    for chain in chains:
        root, offset = anchors[chain.pk]
        origin = decode(stored.get(root, {}).get(0))
        steps = stored.get(chain.pk, {})
        values = [None] * (offset + max(steps, default=-1) + 1)
        for index, raw in steps.items():
            vector = decode(raw)
            if vector is not None and origin is not None and vector.shape == origin.shape:
                values[offset + index] = cosine_similarity(vector, origin)
        values = _on_scale(values, chain=chain, metric=metric, scale=scale, known=known)
        series.append({"label": str(chain), "values": values, "url": chain.get_absolute_url()})
    return series


def _embedding(raw) -> np.ndarray | None:
    return np.frombuffer(bytes(raw), dtype=np.float32) if raw else None


def _on_scale(values: list, *, chain: Chain, metric: str, scale: str, known: dict[str, Baseline]) -> list:
    """Raw similarities, or calibrated against the baseline of the chain's model."""
    if scale != "calibrated":
        return values
    kind = IMAGE_KIND if metric == "image" else caption_kind(chain.provider_settings.get("embedding_model", ""))
    baseline = known.get(kind)
    return [None if v is None else float(calibrate(v, baseline.mean if baseline else None)) for v in values]


# --- experiments -----------------------------------------------------------------------


def _public_chains() -> QuerySet[Chain]:
    return Chain.objects.listed()


def experiments_listed() -> QuerySet[Experiment]:
    """Experiments with at least one public chain, each with its public chains' cards.

    A copy of the one built per process (it takes no arguments): building it cost the
    gallery and home pages 2 ms each, with or without experiments. Prefetching works
    on copies of the Prefetch's queryset, never on it."""
    return _experiments_listed_kept().all()


@cache
def _experiments_listed_kept() -> QuerySet[Experiment]:
    public = listed_q("chains")
    return (
        Experiment.objects.annotate(public_chains=Count("chains", filter=public))
        .filter(public_chains__gt=0)
        .prefetch_related(
            Prefetch("chains", queryset=chains_with_cards(_public_chains()).order_by("pk"), to_attr="listed_chains")
        )
        .order_by("-created_at")
    )


def experiment_detail(*, slug: str) -> Experiment | None:
    return experiments_listed().filter(slug=slug).first()


def experiment_chains(*, experiment: Experiment) -> list[Chain]:
    chains = chains_with_cards(_public_chains().filter(experiments=experiment))
    return list(chains.select_related("analysis", "analysis__attractor").order_by("pk"))


def experiment_filmstrips(*, chains: list[Chain], frames: int = 6) -> dict[int, list[Step]]:
    """A few evenly spaced steps of each chain (first and last included), one query."""
    condition = Q(pk__in=[])
    for chain in chains:
        indices = filmstrip_indices(step_count=int(getattr(chain, "step_count", 0) or 0), frames=frames)
        condition |= Q(chain_id=chain.pk, index__in=indices)
    strips: dict[int, list[Step]] = {chain.pk: [] for chain in chains}
    for step in filmstrip_steps(condition):
        strips[step.chain_id].append(step)
    return strips


def filmstrip_indices(*, step_count: int, frames: int) -> tuple[int, ...]:
    """At most `frames` evenly spaced indexes from the first step to the last."""
    last = max(step_count - 1, 0)
    count = min(frames, last + 1)
    return tuple(sorted({round(k * last / max(count - 1, 1)) for k in range(count)}))


def filmstrip_steps(condition: Q) -> QuerySet[Step]:
    """The steps `condition` picks, as a filmstrip shows them (pictures, caption, chain's slug)."""
    return (
        Step.objects.filter(condition)
        .select_related("chain")
        .order_by("chain_id", "index")
        .only(
            "id", "chain_id", "index", "caption", "thumbnail_tiny", "thumbnail_small", "thumbnail_large", "chain__slug"
        )
    )


# --- research export -----------------------------------------------------------------


def research_steps() -> Iterator[Step]:
    """Every public step with its chain, figures and atlas position, streamed in chunks."""
    return (
        Step.objects.public()
        .select_related(
            "chain", "chain__analysis", "chain__analysis__attractor", "atlas_point", "atlas_point__attractor"
        )
        .defer("embedding", "image_descriptor", "chain__projection", "chain__provider_settings", "chain__drift_curve")
        .order_by("chain_id", "index")
        .iterator(chunk_size=2000)
    )


def public_chain_slugs() -> dict[int, str]:
    """Slug by id of every public chain: the export names a branch's parent with it."""
    return dict(Chain.objects.listed().values_list("pk", "slug"))


def chain_lineage_offsets(*, chains: list[Chain]) -> dict[int, tuple[int, int]]:
    """(root chain id, step offset) per chain: a branch's step 0 is its parent's fork step,
    so on a lineage's common axis it starts at the sum of the fork indices above it."""
    known: dict[int, tuple[int | None, int]] = {}
    pending = {chain.pk for chain in chains}
    while pending:
        rows = Chain.objects.filter(pk__in=pending).values_list("pk", "parent_id", "fork_step__index")
        pending = set()
        for pk, parent_id, fork_index in rows:
            known[pk] = (parent_id, fork_index or 0)
            if parent_id and parent_id not in known:
                pending.add(parent_id)
    result = {}
    for chain in chains:
        root, offset, seen = chain.pk, 0, set()
        while known.get(root, (None, 0))[0] and root not in seen:
            seen.add(root)
            parent_id, fork_index = known[root]
            offset += fork_index
            root = parent_id
        result[chain.pk] = (root, offset)
    return result


def chain_vectors(*, chain_ids: list[int], field: str) -> dict[int, dict[int, bytes]]:
    """Raw stored vectors ("embedding" or "image_descriptor") by chain, then by step index."""
    vectors: dict[int, dict[int, bytes]] = {chain_id: {} for chain_id in chain_ids}
    for chain_id, index, raw in (
        Step.objects.filter(chain_id__in=chain_ids).exclude(**{field: None}).values_list("chain_id", "index", field)
    ):
        vectors[chain_id][index] = raw
    return vectors
