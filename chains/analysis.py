"""Drift measurements: pure NumPy and scikit-learn, no ORM.

Everything here takes arrays and returns arrays or numbers, so it can be tested on
synthetic data and reused by services, pages and research exports alike.
"""

from __future__ import annotations

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
        points = TSNE(
            n_components=2, perplexity=perplexity, random_state=seed, init="pca",
            max_iter=500,
        ).fit_transform(unit)
    return scaled_to_unit_square(points)


def scaled_to_unit_square(points: np.ndarray) -> np.ndarray:
    """Keep the aspect ratio, centre the cloud, fit it in [0, 1]²."""
    points = np.asarray(points, dtype=np.float64)
    low, high = points.min(axis=0), points.max(axis=0)
    span = float(max(high - low)) or 1.0
    centred = (points - (low + high) / 2) / span
    return centred + 0.5
