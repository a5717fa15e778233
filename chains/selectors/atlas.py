"""Reads of the atlas, attractors, search and similar steps; no writes happen here.

Only public, non-hidden chains are ever returned, whatever the stored atlas holds:
a chain hidden since the last recompute disappears at once, not at the next one.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np
from django.db import connection
from django.db.models import ExpressionWrapper, F, FloatField, QuerySet

from ..metrics import atlas as atlas_math
from ..metrics.drift import cosine_similarity
from ..models import Atlas, AtlasIndex, AtlasPoint, Attractor, Chain, Step, listed_q
from .chains import chains_with_cards

STEP_CARD_FIELDS = (
    "id",
    "chain_id",
    "index",
    "caption",
    "thumbnail_small",
    "thumbnail_large",
    "similarity_to_origin",
    "image_similarity_to_origin",
    "chain__slug",
    "chain__title",
    "chain__mode",
    "chain__detail",
)


# --- atlases and their points --------------------------------------------------------


def atlas_current(*, space: str = "") -> Atlas | None:
    """The atlas of `space`, or the largest one (the model most public chains used)."""
    atlases = Atlas.objects.filter(computed_at__isnull=False)
    if space:
        return atlases.filter(space=space).first()
    return atlases.order_by("-point_count", "space").first()


def atlas_spaces() -> list[Atlas]:
    return list(Atlas.objects.filter(computed_at__isnull=False).order_by("-point_count", "space"))


def atlas_attractors(*, atlas: Atlas) -> list[Attractor]:
    attractors = Attractor.objects.filter(atlas=atlas).select_related("exemplar", "exemplar__chain").order_by("number")
    return [_with_listed_exemplar(attractor) for attractor in attractors]


def atlas_map_points(*, atlas: Atlas) -> list[tuple[float, float, int | None]]:
    """(x, y, attractor id) of every public point, in one query and no joins beyond the chain."""
    return list(AtlasPoint.objects.filter(atlas=atlas).filter(listed_q("chain")).values_list("x", "y", "attractor_id"))


def atlas_chain_path(*, atlas: Atlas, chain: Chain) -> list[AtlasPoint]:
    """The chain's steps on the map, in order, with what a point's tooltip shows."""
    return list(
        AtlasPoint.objects.filter(atlas=atlas, chain=chain)
        .select_related("step")
        .only(
            "x",
            "y",
            "index",
            "attractor_id",
            "chain_id",
            "step__id",
            "step__index",
            "step__caption",
            "step__thumbnail_small",
            "step__chain_id",
        )
        .order_by("index")
    )


def atlas_paths(*, atlas: Atlas, chain_ids: list[int]) -> dict[int, list[tuple[float, float]]]:
    """Positions of several chains at once, in step order, for drawing many paths."""
    paths: dict[int, list[tuple[float, float]]] = {chain_id: [] for chain_id in chain_ids}
    for chain_id, x, y in (
        AtlasPoint.objects.filter(atlas=atlas, chain_id__in=chain_ids)
        .order_by("chain_id", "index")
        .values_list("chain_id", "x", "y")
    ):
        paths[chain_id].append((x, y))
    return paths


def public_chain(*, slug: str) -> Chain | None:
    return Chain.objects.listed().filter(slug=slug).first() if slug else None


def chains_matching(*, text: str, limit: int = 8) -> list[Chain]:
    """Public chains whose slug is `text` or whose title contains it: the atlas's picker."""
    text = text.strip()
    if not text:
        return []
    exact = Chain.objects.listed().filter(slug=text.lower())
    if exact.exists():
        return list(exact)
    return list(Chain.objects.listed().filter(title__icontains=text).order_by("-created_at")[:limit])


# --- attractors ------------------------------------------------------------------------


def attractor_detail(*, pk: int) -> Attractor | None:
    attractor = Attractor.objects.select_related("atlas", "exemplar", "exemplar__chain").filter(pk=pk).first()
    return _with_listed_exemplar(attractor) if attractor else None


def _with_listed_exemplar(attractor: Attractor) -> Attractor:
    """The stored exemplar only while its chain is listed; else the listed caption nearest
    the attractor's centre, or none.

    The exemplar is picked at the last recompute; a chain hidden since (which also marks
    the atlas dirty) must not keep lending its caption, title, link and picture to the
    attractor's pages until the next one (issue 12). One query, and only then.
    """
    if attractor.exemplar is None or attractor.exemplar.chain.is_listed:
        return attractor
    nearest = (
        AtlasPoint.objects.filter(attractor=attractor)
        .filter(listed_q("chain"))
        .annotate(
            distance=ExpressionWrapper(
                (F("x") - attractor.x) * (F("x") - attractor.x) + (F("y") - attractor.y) * (F("y") - attractor.y),
                output_field=FloatField(),
            )
        )
        .select_related("step", "step__chain")
        .order_by("distance", "step_id")
        .first()
    )
    attractor.exemplar = nearest.step if nearest else None
    return attractor


def attractor_chains(*, attractor: Attractor) -> QuerySet[Chain]:
    """Public chains that ended in the attractor, the earliest arrivals first."""
    chains = Chain.objects.listed().filter(analysis__attractor=attractor)
    return chains_with_cards(chains).select_related("analysis").order_by("analysis__arrival_step", "-created_at", "pk")


def attractor_positions(*, attractor_id: int) -> list[tuple[float, float]]:
    return list(AtlasPoint.objects.filter(attractor_id=attractor_id).filter(listed_q("chain")).values_list("x", "y"))


def attractor_point_count(*, attractor: Attractor) -> int:
    return AtlasPoint.objects.filter(attractor=attractor).filter(listed_q("chain")).count()


# --- the per-process index: similar steps and clicks on the map ----------------------


@dataclass
class LoadedIndex:
    token: str
    steps: np.ndarray
    chains: np.ndarray
    points: np.ndarray
    neighbours: atlas_math.NeighbourIndex


_indexes: dict[int, LoadedIndex] = {}
_lock = threading.Lock()


def atlas_index(*, atlas_id: int) -> LoadedIndex | None:
    """The atlas's arrays, read from the database once per recompute per process
    (a query for the token on each call tells whether the copy here is current)."""
    token = AtlasIndex.objects.filter(atlas_id=atlas_id).values_list("token", flat=True).first()
    if token is None:
        return None
    cached = _indexes.get(atlas_id)
    if cached is not None and cached.token == token:
        return cached
    row = AtlasIndex.objects.filter(atlas_id=atlas_id).first()
    if row is None:
        return None
    components = np.frombuffer(bytes(row.components), dtype=np.float32)
    mean = np.frombuffer(bytes(row.mean), dtype=np.float32)
    width = components.size // max(mean.size, 1)
    loaded = LoadedIndex(
        token=row.token,
        steps=np.frombuffer(bytes(row.steps), dtype=np.int64),
        chains=np.frombuffer(bytes(row.chains), dtype=np.int64),
        points=np.frombuffer(bytes(row.points), dtype=np.float32).reshape(-1, 2),
        neighbours=atlas_math.NeighbourIndex(
            mean=mean,
            components=components.reshape(width, mean.size),
            vectors=np.frombuffer(bytes(row.vectors), dtype=np.float16).reshape(-1, width).astype(np.float32),
        ),
    )
    with _lock:
        _indexes[atlas_id] = loaded
    return loaded


def atlas_nearest_point(*, atlas: Atlas, x: float, y: float, radius: float) -> AtlasPoint | None:
    """The public point nearest to (x, y) on the map, if one lies within `radius`."""
    index = atlas_index(atlas_id=atlas.pk)
    if index is None or not len(index.points):
        return None
    distances = np.hypot(index.points[:, 0] - x, index.points[:, 1] - y)
    for row in np.argsort(distances)[:32]:
        if distances[row] > radius:
            break
        point = (
            AtlasPoint.objects.filter(step_id=int(index.steps[row]))
            .filter(listed_q("chain"))
            .select_related("chain")
            .first()
        )
        if point is not None:
            return point
    return None


@dataclass
class SimilarStep:
    step: Step
    similarity: float


SIMILAR_CANDIDATES = 12
SIMILAR_PER_CHAIN = 2


def step_similar(*, step: Step, limit: int = 6) -> list[SimilarStep]:
    """Public steps of *other* chains whose captions are nearest to this one's.

    A first pass over every point of the atlas in PCA space (one matrix product),
    then the best candidates are re-ranked on their full embeddings. Works for a
    step newer than the atlas too: only its own embedding is needed.
    """
    row = Step.objects.filter(pk=step.pk).values_list("embedding", "embedding_model").first()
    if row is None or not row[0]:
        return []
    vector = np.frombuffer(bytes(row[0]), dtype=np.float32)
    space = Atlas.objects.filter(space=row[1]).values_list("pk", flat=True).first()
    index = atlas_index(atlas_id=space) if space else None
    if index is None or vector.size != index.neighbours.mean.size:
        return []
    rows = atlas_math.nearest_rows(
        index.neighbours, vector, exclude=index.chains == step.chain_id, count=limit * SIMILAR_CANDIDATES
    )
    # By primary key only, unordered, visibility checked here: the plan stays a handful of
    # index lookups whatever the table statistics say.
    candidates = (
        Step.objects.filter(pk__in=index.steps[rows].tolist())
        .select_related("chain")
        .only(*STEP_CARD_FIELDS, "embedding", "chain__visibility", "chain__is_hidden")
        .order_by()
    )
    scored = [
        SimilarStep(
            step=candidate,
            similarity=cosine_similarity(vector, np.frombuffer(bytes(candidate.embedding), dtype=np.float32)),
        )
        for candidate in candidates
        if candidate.embedding and candidate.chain_id != step.chain_id and candidate.chain.is_listed
    ]
    scored.sort(key=lambda item: (-item.similarity, item.step.pk))
    chosen, per_chain = [], {}
    for item in scored:  # at most SIMILAR_PER_CHAIN from any one chain, so several chains show
        if per_chain.get(item.step.chain_id, 0) < SIMILAR_PER_CHAIN:
            per_chain[item.step.chain_id] = per_chain.get(item.step.chain_id, 0) + 1
            chosen.append(item)
    return chosen[:limit]


# --- full-text search ----------------------------------------------------------------

SEARCH_CONFIG = "english"
HIGHLIGHT_START, HIGHLIGHT_STOP = "\x02", "\x03"  # replaced by <mark> after escaping


def steps_search(*, query: str) -> QuerySet[Step]:
    """Public captions matching `query`, best first.

    PostgreSQL: full-text search (stemmed English, web-search syntax: quotes, "or",
    "-word"), ranked, each with a highlighted fragment; backed by a GIN index on the
    same expression (migration 0003). Elsewhere: every word must appear (icontains).
    """
    steps = Step.objects.public().exclude(caption="").select_related("chain").only(*STEP_CARD_FIELDS)
    query = query.strip()
    if not query:
        return steps.none()
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, SearchVector

        search = SearchQuery(query, config=SEARCH_CONFIG, search_type="websearch")
        vector = SearchVector("caption", config=SEARCH_CONFIG)
        return (
            steps.annotate(document=vector)
            .filter(document=search)
            .annotate(
                rank=SearchRank(vector, search),
                fragment=SearchHeadline(
                    "caption",
                    search,
                    config=SEARCH_CONFIG,
                    start_sel=HIGHLIGHT_START,
                    stop_sel=HIGHLIGHT_STOP,
                    max_words=40,
                    min_words=20,
                ),
            )
            .order_by("-rank", "chain_id", "index")
        )
    for word in query.split()[:8]:
        steps = steps.filter(caption__icontains=word.strip('"'))
    return steps.order_by("-chain__created_at", "chain_id", "index")
