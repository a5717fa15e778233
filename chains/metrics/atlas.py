"""The attractor atlas, as pure functions: NumPy and scikit-learn in, arrays out, no ORM.

One fit places every public caption on a shared 2-D map, clusters the map into
attractors, names each cluster and picks an exemplar. Every step is deterministic
under `ATLAS_SEED`, so recomputing unchanged data gives the same map (the service
also skips the fit when its input digest has not changed).

Projection. Exact-gradient t-SNE is out of reach and even Barnes–Hut t-SNE of 20,000
points took 123 s on this machine's two busy cores, over the 120 s budget for the
whole recompute. So the map is *landmark t-SNE*: a single t-SNE fit on up to
`LANDMARKS` captions drawn with a fixed seed (the whole set when it is smaller),
after PCA to `PCA_COMPONENTS` dimensions; every other caption is then placed at the
inverse-squared-distance-weighted mean of its `PLACEMENT_NEIGHBOURS` nearest landmarks (in PCA
space). That is t-SNE's usual out-of-sample extension: one fit defines the space and
everything lands in it, in about a third of the time (≈ 20–35 s for 20,000 here).

Clustering. HDBSCAN on the t-SNE positions of the landmarks (the part of the map
that was actually fitted), leaf selection; every other caption takes the majority label
of its nearest landmarks. Chosen on 8,400 captions of 400 chains from the offline
provider, by what each method made of them:

- k-means in PCA-50 space: silhouette 0.06 at k = 8, 15 and 25, i.e. no partition
  fits; and it must put every caption somewhere, so the young "in transit" captions
  of a chain are forced into an attractor;
- HDBSCAN in PCA-10/20/50 space: 2–6 clusters, one holding three quarters of all
  captions, split by caption length alone;
- HDBSCAN on the map, "eom" selection: 3 clusters (5,660 / 2,417 / 311 captions);
- HDBSCAN on the map, "leaf" selection, min cluster size 1 % of the landmarks (≥ 10):
  25 clusters with distinct vocabularies ("black · stars · blue", "yellow · amber ·
  lemon", "colour · study · gloomy"), 42 % noise, 65 % of the chains' *last* captions
  in a cluster against 38 % of their *first*, and 332 of 400 chains ending in one.
  That asymmetry is what an attractor is, and "noise" gets a meaning: captions still
  in transit. The colours on the map are also islands a visitor can see, not a
  partition cutting across them. The caveat (t-SNE can split or merge clusters) is
  stated on the about page.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

import numpy as np

from .drift import normalised, scaled_to_unit_square

ATLAS_SEED = 0
PCA_COMPONENTS = 50
LANDMARKS = 2500
PLACEMENT_NEIGHBOURS = 10
TSNE_PERPLEXITY = 30
TSNE_ITERATIONS = 500
MIN_CLUSTER_FRACTION = 0.01
MIN_CLUSTER_SIZE = 10  # below this, "leaf" selection splits one blob into fragments
MIN_SAMPLES = 10
INDEX_COMPONENTS = 128
LABEL_TERMS = 3
NOISE = -1


@dataclass
class AtlasFit:
    """The result of one fit: rows follow the input order."""

    points: np.ndarray  # (n, 2) in [0, 1]
    labels: np.ndarray  # (n,) cluster number, NOISE for captions in no cluster
    method: dict = field(default_factory=dict)


def fit_atlas(vectors: np.ndarray, *, seed: int = ATLAS_SEED) -> AtlasFit:
    """Project and cluster. Clusters are numbered from 0 by size, largest first.

    HDBSCAN runs on the t-SNE positions of the landmarks, the part of the map that
    was actually fitted; every other caption takes the majority label of its nearest
    landmarks. (Clustering the interpolated positions instead lets the captions placed
    between two islands build bridges that merge them.)

    Identical captions are one point on the map: t-SNE fits each distinct vector once
    and every copy sits where it was placed (HDBSCAN still counts every copy). Fitted
    as separate rows, a hundred copies of a converged chain's caption were torn over
    up to five islands, because t-SNE's nearest-neighbour ties attach each copy to a
    different neighbour.
    """
    unit = normalised(vectors)
    distinct, copies_of = _distinct_rows(unit)
    projection = project_atlas(distinct, seed=seed)
    points = projection.points[copies_of]
    fitted = np.isin(copies_of, projection.landmarks)
    fitted_labels, cluster_method = cluster_points(points[fitted])
    distinct_labels = np.full(len(distinct), NOISE, dtype=np.int64)
    distinct_labels[copies_of[fitted]] = fitted_labels  # copies share a position, so a label
    if projection.nearest is not None:
        distinct_labels[projection.others] = _majority(distinct_labels[projection.landmarks][projection.nearest])
    return AtlasFit(
        points=points,
        labels=numbered_by_size(distinct_labels[copies_of]),
        method={**projection.method, **cluster_method},
    )


def _distinct_rows(unit: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(distinct rows in order of first appearance, index of each row's distinct row).

    Rows are compared by their bytes (a dict, not np.unique's sort: 20 ms for 20,000
    captions instead of 700 ms)."""
    first: dict[bytes, int] = {}
    copies_of = np.fromiter(
        (first.setdefault(row.tobytes(), len(first)) for row in np.ascontiguousarray(unit)),
        dtype=np.int64,
        count=len(unit),
    )
    _, first_rows = np.unique(copies_of, return_index=True)  # distinct k first appears at row first_rows[k]
    return unit[first_rows], copies_of


def _majority(neighbour_labels: np.ndarray) -> np.ndarray:
    """Most common label per row (the nearest neighbour breaks ties; noise counts too)."""
    result = np.empty(len(neighbour_labels), dtype=np.int64)
    for row, labels in enumerate(neighbour_labels):
        values, counts = np.unique(labels, return_counts=True)
        best = counts.max()
        result[row] = next(int(label) for label in labels if counts[values == label][0] == best)
    return result


def reduce_dimensions(unit: np.ndarray, *, components: int, seed: int = ATLAS_SEED):
    """PCA with a fixed seed: (reduced rows, mean, components matrix)."""
    count, dimension = unit.shape
    keep = min(components, count, dimension)
    from sklearn.decomposition import PCA

    pca = PCA(n_components=keep, svd_solver="randomized" if keep < min(count, dimension) else "full", random_state=seed)
    with np.errstate(invalid="ignore", divide="ignore"):  # identical rows: no variance to explain
        reduced = pca.fit_transform(unit)
    return reduced.astype(np.float32), pca.mean_.astype(np.float32), pca.components_.astype(np.float32)


@dataclass
class Projection:
    points: np.ndarray  # (n, 2) in [0, 1]
    landmarks: np.ndarray  # rows fitted by t-SNE
    others: np.ndarray  # rows placed among them
    nearest: np.ndarray | None  # for each of `others`, its nearest landmarks (positions in `landmarks`)
    method: dict


def project_atlas(unit: np.ndarray, *, seed: int = ATLAS_SEED) -> Projection:
    """Landmark t-SNE (see the module docstring); PCA or a line for tiny sets."""
    count = len(unit)
    every = np.arange(count)
    none = np.zeros(0, dtype=np.int64)
    if count < 3 or np.allclose(unit, unit[0]):
        points = np.column_stack([np.linspace(0, 1, count), np.full(count, 0.5)])
        return Projection(points, every, none, None, {"projection": "line"})
    reduced, _, _ = reduce_dimensions(unit, components=PCA_COMPONENTS, seed=seed)
    if count < 5:
        flat = np.column_stack([reduced[:, 0], reduced[:, 1] if reduced.shape[1] > 1 else np.zeros(count)])
        return Projection(scaled_to_unit_square(flat), every, none, None, {"projection": "PCA"})
    rng = np.random.default_rng(seed)
    landmarks = np.sort(rng.choice(count, LANDMARKS, replace=False)) if count > LANDMARKS else every
    perplexity = float(max(2.0, min(TSNE_PERPLEXITY, (len(landmarks) - 1) / 3)))
    from sklearn.manifold import TSNE

    placed = TSNE(
        n_components=2, perplexity=perplexity, init="pca", random_state=seed, max_iter=TSNE_ITERATIONS, n_jobs=2
    ).fit_transform(reduced[landmarks].astype(np.float64))
    points = np.empty((count, 2))
    points[landmarks] = placed
    others = np.setdiff1d(every, landmarks)
    nearest = None
    if others.size:
        points[others], nearest = _place_by_neighbours(reduced[others], reduced[landmarks], placed)
    method = {
        "projection": "landmark t-SNE" if others.size else "t-SNE",
        "landmarks": int(len(landmarks)),
        "perplexity": perplexity,
        "pca_components": int(reduced.shape[1]),
        "seed": seed,
    }
    return Projection(scaled_to_unit_square(points), landmarks, others, nearest, method)


def _place_by_neighbours(queries: np.ndarray, landmarks: np.ndarray, placed: np.ndarray):
    """Each query among its nearest landmarks, weighted by inverse squared distance so
    that it lands beside its closest one rather than in the gap between islands."""
    from sklearn.neighbors import NearestNeighbors

    neighbours = min(PLACEMENT_NEIGHBOURS, len(landmarks))
    distances, nearest = NearestNeighbors(n_neighbors=neighbours).fit(landmarks).kneighbors(queries)
    weights = 1.0 / (distances + 1e-6) ** 2
    weights /= weights.sum(axis=1, keepdims=True)
    return np.einsum("ij,ijk->ik", weights, placed[nearest]), nearest


def cluster_points(points: np.ndarray) -> tuple[np.ndarray, dict]:
    """HDBSCAN on the map (see the module docstring); sizes scale with the data."""
    count = len(points)
    min_cluster_size = max(MIN_CLUSTER_SIZE, round(MIN_CLUSTER_FRACTION * count))
    min_samples = min(MIN_SAMPLES, min_cluster_size)
    method = {
        "clustering": "HDBSCAN (leaf) on the map",
        "min_cluster_size": min_cluster_size,
        "min_samples": min_samples,
    }
    if count <= min_cluster_size:
        return np.full(count, NOISE), method
    from sklearn.cluster import HDBSCAN

    raw = (
        HDBSCAN(min_cluster_size=min_cluster_size, min_samples=min_samples, cluster_selection_method="leaf", copy=True)
        .fit(points)
        .labels_
    )
    return np.asarray(raw, dtype=np.int64), method


def numbered_by_size(labels: np.ndarray) -> np.ndarray:
    """Renumber clusters 0, 1, … from the largest; ties by first appearance."""
    labels = np.asarray(labels)
    clusters = [label for label in dict.fromkeys(labels.tolist()) if label != NOISE]
    ranked = sorted(clusters, key=lambda label: -int(np.sum(labels == label)))
    mapping = {old: new for new, old in enumerate(ranked)}
    return np.array([mapping.get(label, NOISE) for label in labels.tolist()], dtype=np.int64)


# --- names, exemplars, chains ----------------------------------------------------------

TOKEN = r"(?u)\b[a-zA-Z][a-zA-Z]+\b"
# Words every caption uses to say *where* things are, or that the prompts themselves put
# there ("in the next panel of…"): never what a cluster is about, so never its name.
FRAMING_WORDS = frozenset(
    """
    left right upper lower top bottom corner corners centre center middle near side sides edge edges
    half across along behind front background foreground image picture scene view panel next
""".split()
)


def cluster_terms(captions: list[str], labels: np.ndarray, *, top: int = 8) -> dict[int, list[str]]:
    """The most distinctive terms of each cluster, by class-based TF-IDF.

    All captions of a cluster form one document (noise is a document too, so words
    common everywhere score low); a term's weight is its frequency in the cluster
    times log(1 + A / f), with A the mean word count per cluster and f the term's
    frequency over all clusters. A unigram already inside a chosen bigram is skipped
    ("prussian blue", not "prussian blue · blue"). Stop words and FRAMING_WORDS never count.
    """
    labels = np.asarray(labels)
    clusters = sorted(set(labels.tolist()) - {NOISE})
    if not clusters:
        return {}
    from sklearn.feature_extraction.text import CountVectorizer

    classes = sorted(set(labels.tolist()))
    documents = [" ".join(captions[i] for i in np.flatnonzero(labels == label)) for label in classes]
    try:
        from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

        counts = CountVectorizer(
            stop_words=sorted(ENGLISH_STOP_WORDS | FRAMING_WORDS), ngram_range=(1, 2), token_pattern=TOKEN, min_df=1
        ).fit(documents)
    except ValueError:  # nothing but stop words
        return {label: [] for label in clusters}
    matrix = counts.transform(documents).astype(np.float64).toarray()
    vocabulary = np.array(counts.get_feature_names_out())
    frequency = matrix / np.maximum(matrix.sum(axis=1, keepdims=True), 1)
    average_words = matrix.sum() / len(classes)
    weight = frequency * np.log(1 + average_words / np.maximum(matrix.sum(axis=0), 1))
    result = {}
    for row, label in enumerate(classes):
        if label == NOISE:
            continue
        chosen: list[str] = []
        for term_index in np.argsort(-weight[row], kind="stable"):
            term = str(vocabulary[term_index])
            if weight[row, term_index] <= 0 or len(chosen) >= top:
                break
            if any(_overlaps(term, kept) for kept in chosen):
                continue
            chosen.append(term)
        result[label] = chosen
    return result


def _overlaps(term: str, kept: str) -> bool:
    words, kept_words = set(term.split()), set(kept.split())
    return bool(words & kept_words)


def cluster_label(terms: list[str], *, count: int = LABEL_TERMS) -> str:
    return " · ".join(terms[:count]) or "unnamed"


def cluster_exemplars(unit: np.ndarray, labels: np.ndarray) -> dict[int, int]:
    """Row of the caption closest to each cluster's mean direction: its most typical member."""
    labels = np.asarray(labels)
    result = {}
    for label in sorted(set(labels.tolist()) - {NOISE}):
        members = np.flatnonzero(labels == label)
        centre = normalised(unit[members].mean(axis=0))[0]
        result[label] = int(members[int(np.argmax(unit[members] @ centre))])
    return result


def cluster_centres(points: np.ndarray, labels: np.ndarray) -> dict[int, tuple[float, float]]:
    """Where to write a cluster's name on the map: the median of its points."""
    labels = np.asarray(labels)
    return {
        label: tuple(float(v) for v in np.median(points[labels == label], axis=0))
        for label in sorted(set(labels.tolist()) - {NOISE})
    }


def match_clusters(new: dict[int, set], old: dict[int, set], *, share: float = 0.5) -> dict[int, int]:
    """Which old attractor each new cluster continues, so pages keep their addresses.

    Largest new clusters choose first; a new cluster continues the old one it shares
    the most members with, if at least `share` of its members came from it.
    """
    taken: set[int] = set()
    result = {}
    for label in sorted(new, key=lambda label: (-len(new[label]), label)):
        members = new[label]
        best = max(
            ((len(members & old_members), old_id) for old_id, old_members in old.items() if old_id not in taken),
            default=(0, None),
        )
        overlap, old_id = best
        if old_id is not None and members and overlap >= share * len(members):
            result[label] = old_id
            taken.add(old_id)
    return result


def input_digest(*parts) -> str:
    """A short digest of the arrays and strings that went into a fit."""
    digest = hashlib.blake2b(digest_size=16)
    for part in parts:
        digest.update(np.ascontiguousarray(part).tobytes() if isinstance(part, np.ndarray) else str(part).encode())
        digest.update(b"|")
    return digest.hexdigest()


# --- nearest neighbours ---------------------------------------------------------------


@dataclass
class NeighbourIndex:
    """Unit caption vectors reduced by PCA, for a fast first pass over every step.

    A query is projected with the same mean and components; the best candidates
    are then re-ranked on their full embeddings by the caller.
    """

    mean: np.ndarray
    components: np.ndarray
    vectors: np.ndarray  # (n, k) float32, rows unit length

    def project(self, vector: np.ndarray) -> np.ndarray:
        reduced = (normalised(vector)[0].astype(np.float32) - self.mean) @ self.components.T
        return normalised(reduced)[0].astype(np.float32)


def build_neighbour_index(unit: np.ndarray, *, seed: int = ATLAS_SEED) -> NeighbourIndex:
    _, mean, components = reduce_dimensions(unit, components=INDEX_COMPONENTS, seed=seed)
    reduced = (unit.astype(np.float32) - mean) @ components.T
    return NeighbourIndex(mean=mean, components=components, vectors=normalised(reduced).astype(np.float32))


def nearest_rows(index: NeighbourIndex, query: np.ndarray, *, exclude: np.ndarray | None, count: int) -> np.ndarray:
    """Rows of the `count` most similar vectors, best first; `exclude` is a boolean mask."""
    scores = index.vectors @ index.project(query)
    if exclude is not None:
        scores = np.where(exclude, -np.inf, scores)
    available = int(np.isfinite(scores).sum())
    count = min(count, available)
    if count <= 0:
        return np.zeros(0, dtype=np.int64)
    candidates = np.argpartition(-scores, count - 1)[:count]
    return candidates[np.argsort(-scores[candidates], kind="stable")]
