"""The atlas as pure functions: clusters recovered, names, stability, neighbours."""

from __future__ import annotations

import numpy as np
from sklearn.metrics import adjusted_rand_score

from chains.metrics import atlas


def blobs(*, clusters: int, per_cluster: int, dimension: int = 64, spread: float = 0.25, seed: int = 0):
    """Unit-ish embeddings around `clusters` random directions, with their true labels."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(clusters, dimension))
    labels = np.repeat(np.arange(clusters), per_cluster)
    vectors = centres[labels] + rng.normal(scale=spread, size=(len(labels), dimension))
    order = rng.permutation(len(labels))
    return vectors[order].astype(np.float32), labels[order]


def test_synthetic_clusters_are_recovered():
    vectors, truth = blobs(clusters=6, per_cluster=80)
    fit = atlas.fit_atlas(vectors)
    assert fit.points.shape == (480, 2)
    assert adjusted_rand_score(truth, fit.labels) >= 0.9
    assert fit.labels.max() + 1 == 6


def test_synthetic_clusters_are_recovered_through_the_landmark_path(monkeypatch):
    monkeypatch.setattr(atlas, "LANDMARKS", 400)
    vectors, truth = blobs(clusters=5, per_cluster=240, seed=1)
    fit = atlas.fit_atlas(vectors)
    assert fit.method["projection"] == "landmark t-SNE" and fit.method["landmarks"] == 400
    assert adjusted_rand_score(truth, fit.labels) >= 0.9


def test_identical_captions_are_one_point_in_one_cluster():
    """A converged chain repeats its caption: the copies must not be torn over islands
    (fitted as separate rows, 120 copies here landed on 39 positions in 5 clusters)."""
    vectors, _ = blobs(clusters=4, per_cluster=60, seed=3)
    copies = np.repeat(vectors[:1], 120, axis=0)
    fit = atlas.fit_atlas(np.concatenate([vectors, copies]))
    assert np.allclose(fit.points[len(vectors) :], fit.points[0])
    assert set(fit.labels[len(vectors) :].tolist()) == {fit.labels[0]} != {atlas.NOISE}
    assert fit.labels.max() + 1 == 4


def test_the_fit_is_deterministic():
    vectors, _ = blobs(clusters=4, per_cluster=40, seed=2)
    first, again = atlas.fit_atlas(vectors), atlas.fit_atlas(vectors.copy())
    assert np.array_equal(first.points, again.points)
    assert np.array_equal(first.labels, again.labels)


def test_tiny_sets_still_get_positions():
    assert atlas.fit_atlas(np.zeros((0, 8))).points.shape == (0, 2)
    one = atlas.fit_atlas(np.ones((1, 8)))
    assert one.points.shape == (1, 2) and list(one.labels) == [atlas.NOISE]
    four = atlas.fit_atlas(np.random.default_rng(0).normal(size=(4, 8)))
    assert four.points.shape == (4, 2) and four.method["projection"] == "PCA"


def test_clusters_are_numbered_by_size():
    assert list(atlas.numbered_by_size(np.array([7, 3, 3, -1, 3, 7, 9]))) == [1, 0, 0, -1, 0, 1, 2]


def test_cluster_terms_name_what_is_distinctive():
    captions = (
        ["a stormy grey sea with a lighthouse"] * 5
        + ["a golden cathedral under golden light"] * 5
        + ["a grey sky over a field"] * 3
    )
    labels = np.array([0] * 5 + [1] * 5 + [-1] * 3)
    terms = atlas.cluster_terms(captions, labels)
    assert set(terms) == {0, 1}
    assert any("lighthouse" in term for term in terms[0][:3])
    assert any("cathedral" in term or "golden" in term for term in terms[1][:3])
    assert not any("grey" == term for term in terms[1])
    label = atlas.cluster_label(terms[0])
    assert label.count("·") == 2
    # no unigram repeats a word of a chosen bigram
    words = [word for term in terms[0] for word in term.split()]
    assert len(words) == len(set(words))


def test_exemplar_is_the_most_typical_member():
    vectors = np.array([[1, 0], [0.9, 0.1], [0.7, 0.7], [0, 1]], dtype=np.float32)
    assert atlas.cluster_exemplars(atlas.normalised(vectors), np.array([0, 0, 0, -1])) == {0: 1}


def test_clusters_keep_their_old_identity_when_most_members_stay():
    old = {10: {1, 2, 3, 4}, 11: {5, 6, 7}}
    new = {0: {1, 2, 3, 4, 8}, 1: {5, 9, 12}, 2: {6, 7}}
    assert atlas.match_clusters(new, old) == {0: 10, 2: 11}


def test_nearest_rows_rank_by_similarity_and_respect_the_exclusion():
    rng = np.random.default_rng(4)
    vectors = atlas.normalised(rng.normal(size=(300, 32))).astype(np.float32)
    index = atlas.build_neighbour_index(vectors)
    query = vectors[17] + 0.01
    rows = atlas.nearest_rows(index, query, exclude=None, count=5)
    assert rows[0] == 17 and len(rows) == 5
    exclude = np.zeros(300, dtype=bool)
    exclude[17] = True
    assert 17 not in atlas.nearest_rows(index, query, exclude=exclude, count=5)
    exact = vectors @ atlas.normalised(query)[0]
    exact[17] = -np.inf
    assert atlas.nearest_rows(index, query, exclude=exclude, count=1)[0] == int(np.argmax(exact))


def test_input_digest_changes_with_any_input():
    a = np.arange(4)
    assert atlas.input_digest("v1", a) == atlas.input_digest("v1", a.copy())
    assert atlas.input_digest("v1", a) != atlas.input_digest("v2", a)
    assert atlas.input_digest("v1", a) != atlas.input_digest("v1", a + 1)
