"""The drift figures on series whose answers are known by hand (pure: no database)."""

from __future__ import annotations

import numpy as np
import pytest

from chains.metrics import drift as analysis


def unit(angle_degrees: float) -> np.ndarray:
    angle = np.radians(angle_degrees)
    return np.array([np.cos(angle), np.sin(angle)])


def test_similarity_series_against_origin_and_previous():
    vectors = np.vstack([unit(0), unit(60), unit(90)])
    to_origin, to_previous = analysis.similarity_series(vectors)
    assert to_origin == pytest.approx([1.0, 0.5, 0.0], abs=1e-9)
    assert to_previous == pytest.approx([1.0, 0.5, np.cos(np.radians(30))], abs=1e-9)


def test_mean_cumulative_drift_is_the_mean_of_one_minus_similarity_after_the_origin():
    assert analysis.mean_cumulative_drift(np.array([1.0, 0.9, 0.8, 0.7, 0.6, 0.5])) == pytest.approx(0.3)
    assert analysis.mean_cumulative_drift(np.array([1.0])) is None


def test_calibration_maps_the_baseline_to_zero_and_identical_to_one():
    assert analysis.calibrate([1.0, 0.2, 0.6, 0.0], 0.2) == pytest.approx([1.0, 0.0, 0.5, -0.25])
    assert analysis.calibrate([0.4], None) == pytest.approx([0.4])


def test_half_life_is_the_first_step_below_half_the_calibrated_range():
    to_origin = [1.0, 0.9, 0.81, 0.7, 0.61, 0.5, 0.4]
    # baseline 0.2: calibrated = [1, .875, .7625, .625, .5125, .375, .25]; first below .5 is step 5
    assert analysis.half_life(to_origin, baseline=0.2) == 5
    # no baseline: raw < 0.5 first at step 6
    assert analysis.half_life(to_origin, baseline=None) == 6
    # a baseline of 0.6 puts the half-way mark at 0.8: first below is step 3 (0.7)
    assert analysis.half_life(to_origin, baseline=0.6) == 3
    assert analysis.half_life([1.0, 0.95, 0.99], baseline=0.2) is None


def test_convergence_step_is_the_first_of_k_consecutive_steady_steps():
    to_previous = [1.0, 0.3, 0.95, 0.5, 0.92, 0.97, 0.99, 0.2]
    assert analysis.convergence_step(to_previous, threshold=0.9, run=3) == 4
    assert analysis.convergence_step(to_previous, threshold=0.9, run=1) == 2
    assert analysis.convergence_step(to_previous, threshold=0.99, run=2) is None
    # step 0's 1.0 (it has no previous step) never counts
    assert analysis.convergence_step([1.0, 0.95, 0.1], threshold=0.9, run=2) is None
    assert analysis.convergence_step([1.0], threshold=0.9, run=3) is None


def test_tail_attractor_names_where_the_chain_ends_and_when_it_arrived():
    # wanders through 3, settles in 1 from step 4 with a noisy caption on the way
    assert analysis.tail_attractor([-1, 3, 3, -1, 1, 1, -1, 1]) == (1, 4)
    assert analysis.tail_attractor([0, 0, 0]) == (0, 0)
    assert analysis.tail_attractor([2, -1, -1, -1]) == (None, None)
    # the last step breaks a tie among the last three
    assert analysis.tail_attractor([5, 2, 5, 2]) == (2, 3)


def test_unrelated_pairs_never_pair_a_group_with_itself():
    groups = np.array(["a"] * 10 + ["b"] * 5 + ["c"] * 1)
    first, second = analysis.unrelated_pairs(groups, max_pairs=500, seed=1)
    assert len(first) == 500
    assert np.all(groups[first] != groups[second])
    assert analysis.unrelated_pairs(np.array(["a", "a"]))[0].size == 0


def test_baseline_is_the_mean_similarity_of_unrelated_pairs():
    # two groups whose vectors all sit at 60 degrees from the other group's: cos = 0.5
    vectors = np.vstack([unit(0)] * 6 + [unit(60)] * 6)
    groups = np.array([1] * 6 + [2] * 6)
    stats = analysis.baseline_stats(vectors, groups)
    assert stats.mean == pytest.approx(0.5)
    assert stats.std == pytest.approx(0.0, abs=1e-9)
    assert stats.groups == 2 and stats.pairs > 0
    assert analysis.baseline_stats(vectors, np.ones(12)) is None


def test_baseline_is_reproducible_under_its_seed():
    rng = np.random.default_rng(3)
    vectors, groups = rng.normal(size=(200, 16)), rng.integers(0, 20, 200)
    assert analysis.baseline_stats(vectors, groups) == analysis.baseline_stats(vectors, groups)


def test_per_chain_projection_is_deterministic_under_its_seed():
    rng = np.random.default_rng(7)
    vectors = rng.normal(size=(12, 32))
    first, again = analysis.project_2d(vectors), analysis.project_2d(vectors)
    assert np.array_equal(first, again)
    assert first.shape == (12, 2) and first.min() >= 0 and first.max() <= 1
    assert np.array_equal(analysis.project_2d(vectors.copy()), first)


def test_per_chain_projection_uses_pca_below_five_points():
    rng = np.random.default_rng(8)
    vectors = rng.normal(size=(4, 16))
    from sklearn.decomposition import PCA

    expected = analysis.scaled_to_unit_square(
        PCA(n_components=2, random_state=0).fit_transform(analysis.normalised(vectors))
    )
    assert np.allclose(analysis.project_2d(vectors), expected)
