"""Medians with bootstrap intervals for the pairs page: pure NumPy, no database."""

from __future__ import annotations

import math

from chains.metrics.pairs import half_lives, median_interval


def test_the_median_sits_inside_its_interval_and_the_interval_is_reproducible():
    values = [0.21, 0.35, 0.28, 0.4, 0.33, 0.25, 0.31]
    estimate = median_interval(values)

    assert estimate.median == 0.31 and estimate.n == 7
    assert estimate.low <= estimate.median <= estimate.high
    assert min(values) <= estimate.low and estimate.high <= max(values)
    assert median_interval(values) == estimate  # fixed seed: the page shows the same interval


def test_more_chains_narrow_the_interval():
    few = median_interval([0.1, 0.5, 0.3])
    many = median_interval([0.1, 0.5, 0.3] * 10)

    assert (many.high - many.low) < (few.high - few.low)


def test_one_chain_has_a_point_interval_and_none_has_no_estimate():
    assert median_interval([0.42]).low == median_interval([0.42]).high == 0.42
    assert median_interval([None, None]) is None


def test_a_half_life_never_reached_counts_as_never_not_as_missing():
    estimate = median_interval(half_lives([3, None, None]))

    assert math.isinf(estimate.median) and not estimate.finite
    assert estimate.low == 3 and math.isinf(estimate.high)
    assert median_interval(half_lives([2, 4, None])).median == 4
