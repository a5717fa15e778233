"""Drift measurements: pure NumPy and scikit-learn, no ORM.

Everything here takes arrays and returns arrays or numbers, so it can be tested on
synthetic data and reused by services, pages and research exports alike.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

TSNE_MIN_POINTS = 5
TSNE_MAX_PERPLEXITY = 15
PROJECTION_SEED = 0


def normalised(vectors: np.ndarray) -> np.ndarray:
    """Unit rows; a zero row stays zero instead of becoming NaN."""
    vectors = np.atleast_2d(np.asarray(vectors, dtype=np.float64))
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return np.divide(vectors, norms, out=np.zeros_like(vectors), where=norms > 0)


def cosine_similarity(a: np.ndarray, b: np.ndarray) -> float:
    return float(normalised(a)[0] @ normalised(b)[0])


def similarity_series(vectors: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per step: similarity to the origin, and to the previous step (1.0 at step 0)."""
    unit = normalised(vectors)
    if len(unit) == 0:
        return np.zeros(0), np.zeros(0)
    to_origin = unit @ unit[0]
    to_previous = np.ones(len(unit))
    to_previous[1:] = np.einsum("ij,ij->i", unit[1:], unit[:-1])
    return to_origin, to_previous


def mean_cumulative_drift(to_origin: np.ndarray) -> float | None:
    """Mean over the steps after the origin of 1 − similarity to the origin."""
    later = np.asarray(to_origin, dtype=np.float64)[1:]
    if later.size == 0:
        return None
    return float(np.mean(1.0 - later))


def project_2d(vectors: np.ndarray, *, seed: int = PROJECTION_SEED) -> np.ndarray:
    """2-D positions scaled into [0, 1]: t-SNE from 5 points, PCA below, fixed seed.

    Perplexity must stay below the number of points, hence min(n − 1, 15).
    """
    unit = normalised(vectors)
    count = len(unit)
    if count == 0:
        return np.zeros((0, 2))
    if count < 3 or np.allclose(unit, unit[0]):
        # Nothing to spread out: lay the steps along a line, in order.
        return np.column_stack([np.linspace(0, 1, count), np.full(count, 0.5)])
    if count < TSNE_MIN_POINTS:
        from sklearn.decomposition import PCA

        points = PCA(n_components=2, random_state=seed).fit_transform(unit)
    else:
        from sklearn.manifold import TSNE

        perplexity = min(count - 1, TSNE_MAX_PERPLEXITY)
        points = TSNE(n_components=2, perplexity=perplexity, random_state=seed, init="pca", max_iter=500).fit_transform(
            unit
        )
    return scaled_to_unit_square(points)


def scaled_to_unit_square(points: np.ndarray) -> np.ndarray:
    """Keep the aspect ratio, centre the cloud, fit it in [0, 1]²."""
    points = np.asarray(points, dtype=np.float64)
    low, high = points.min(axis=0), points.max(axis=0)
    span = float(max(high - low)) or 1.0
    centred = (points - (low + high) / 2) / span
    return centred + 0.5


# --- calibration -------------------------------------------------------------------------
#
# Cosine similarities of text embeddings are anisotropic: the vectors crowd into a narrow
# cone, so two captions of unrelated pictures still score well above 0 (the offline
# hashing embedder is less skewed than a neural one, but shares words like "sky" and
# "left" across everything). A raw 0.5 can therefore mean "half the meaning kept" under
# one model and "nothing kept" under another. We calibrate against a baseline:
#
#   1. draw random pairs of captions from *unrelated* chains (different lineages: a
#      chain and its branches, or the chains of one experiment, share a starting image
#      and count as one lineage), with a fixed seed;
#   2. take the mean cosine b of those pairs: what "nothing in common" scores;
#   3. rescale linearly so that b ↦ 0 and identical ↦ 1:  c = (s − b) / (1 − b).
#
# A calibrated 0 means "as similar as two captions of unrelated pictures", negative
# means less. The same recipe, with its own baseline, calibrates the image descriptors.

BASELINE_MAX_PAIRS = 20_000
BASELINE_SEED = 0
HALF_LIFE_LEVEL = 0.5
CONVERGENCE_RUN = 3
CONVERGENCE_THRESHOLD = 0.6  # calibrated; see chains.services.analysis.chain_metrics


@dataclass(frozen=True)
class BaselineStats:
    mean: float
    std: float
    p05: float
    p50: float
    p95: float
    pairs: int
    groups: int


def unrelated_pairs(
    groups: np.ndarray, *, max_pairs: int = BASELINE_MAX_PAIRS, seed: int = BASELINE_SEED
) -> tuple[np.ndarray, np.ndarray]:
    """Row indices (i, j) of random pairs whose groups differ; empty below two groups."""
    groups = np.asarray(groups)
    if len(np.unique(groups)) < 2:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    rng = np.random.default_rng(seed)
    # Oversample, then keep the cross-group pairs: with g groups of similar size about
    # (g − 1)/g of the draws qualify, and at two groups still about half.
    draws = max_pairs * 3
    first = rng.integers(0, len(groups), draws)
    second = rng.integers(0, len(groups), draws)
    keep = groups[first] != groups[second]
    return first[keep][:max_pairs], second[keep][:max_pairs]


def baseline_stats(
    vectors: np.ndarray, groups: np.ndarray, *, max_pairs: int = BASELINE_MAX_PAIRS, seed: int = BASELINE_SEED
) -> BaselineStats | None:
    """Cosine similarity of unrelated pairs; None when there is nothing unrelated to pair."""
    first, second = unrelated_pairs(groups, max_pairs=max_pairs, seed=seed)
    if first.size == 0:
        return None
    unit = normalised(vectors)
    similarities = np.einsum("ij,ij->i", unit[first], unit[second])
    p05, p50, p95 = np.percentile(similarities, [5, 50, 95])
    return BaselineStats(
        mean=float(similarities.mean()),
        std=float(similarities.std()),
        p05=float(p05),
        p50=float(p50),
        p95=float(p95),
        pairs=int(similarities.size),
        groups=int(len(np.unique(np.asarray(groups)))),
    )


def calibrate(similarity, baseline: float | None):
    """(s − b) / (1 − b): 1 for identical, 0 for as-similar-as-unrelated. b=None keeps s."""
    values = np.asarray(similarity, dtype=np.float64)
    if baseline is None:
        return values
    return (values - baseline) / max(1.0 - baseline, 1e-9)


# --- chain-level figures -------------------------------------------------------------


def half_life(to_origin, *, baseline: float | None) -> int | None:
    """The first step whose similarity to the origin falls below half the calibrated range.

    With baseline b that is raw s < b + (1 − b)/2, i.e. calibrated < 0.5: the caption
    has lost half of the way from "same meaning" to "unrelated". None if never.
    """
    calibrated = calibrate(to_origin, baseline)
    below = np.flatnonzero(calibrated[1:] < HALF_LIFE_LEVEL)
    return int(below[0]) + 1 if below.size else None


def convergence_step(
    to_previous, *, threshold: float = CONVERGENCE_THRESHOLD, run: int = CONVERGENCE_RUN
) -> int | None:
    """The first of `run` consecutive steps whose similarity to the previous step is ≥
    `threshold`: from there the chain repeats itself. Step 0 (no previous) never counts."""
    values = np.asarray(to_previous, dtype=np.float64)[1:]
    if run < 1 or values.size < run:
        return None
    steady = (values >= threshold).astype(np.int64)
    windows = np.convolve(steady, np.ones(run, dtype=np.int64), mode="valid")
    hits = np.flatnonzero(windows == run)
    return int(hits[0]) + 1 if hits.size else None


def tail_attractor(labels, *, tail: int = 3) -> tuple[int | None, int | None]:
    """(cluster the chain ends in, step at which it arrived), labels −1 being noise.

    The chain ends in the most frequent cluster among its last `tail` steps (the last
    step breaks ties); None when they are all noise, i.e. it never settled. It arrives
    at the first step from which it visits no other cluster.
    """
    labels = [int(label) for label in labels]
    last = [label for label in labels[-tail:] if label >= 0]
    if not last:
        return None, None
    counts = {label: last.count(label) for label in last}
    best = max(counts.values())
    winner = next(label for label in reversed(last) if counts[label] == best)
    arrival = len(labels) - 1
    for position in range(len(labels) - 1, -1, -1):
        if labels[position] == winner:
            arrival = position
        elif labels[position] >= 0:
            break
    return winner, arrival
