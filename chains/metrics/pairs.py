"""Which (captioner, painter) pairs keep the meaning: medians with bootstrap intervals.

Pure NumPy. A pair's chains are few and their figures skewed, so each figure is a
median over the pair's chains with a percentile bootstrap interval (resampling the
chains with replacement, a fixed seed so a page shows the same interval each time).
A half-life a chain never reached counts as infinitely long: the median is then an
honest "never" rather than a figure computed over the chains that did halve.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Iterable

import numpy as np

BOOTSTRAP_RESAMPLES = 2000
BOOTSTRAP_SEED = 9
INTERVAL_LEVEL = 0.95


@dataclass(frozen=True)
class Estimate:
    """A median over `n` chains with its bootstrap interval; `inf` means "never"."""

    median: float
    low: float
    high: float
    n: int

    @property
    def finite(self) -> bool:
        return math.isfinite(self.median)


def median_interval(
    values: Iterable[float | None],
    *,
    resamples: int = BOOTSTRAP_RESAMPLES,
    level: float = INTERVAL_LEVEL,
    seed: int = BOOTSTRAP_SEED,
) -> Estimate | None:
    """The median of the values (None skipped) and its percentile bootstrap interval.

    The interval's ends are order statistics of the resampled medians ("lower" and
    "higher" ranks, no interpolation), so an infinite value never turns into NaN.
    """
    data = np.asarray([value for value in values if value is not None], dtype=float)
    if data.size == 0:
        return None
    median = float(np.median(data))
    if data.size == 1:
        return Estimate(median, median, median, 1)
    draws = np.random.default_rng(seed).choice(data, size=(resamples, data.size), replace=True)
    medians = np.sort(np.median(draws, axis=1))
    tail = (1 - level) / 2 * 100
    low = float(np.percentile(medians, tail, method="lower"))
    high = float(np.percentile(medians, 100 - tail, method="higher"))
    return Estimate(median, low, high, int(data.size))


def half_lives(values: Iterable[int | None]) -> list[float]:
    """Half-lives with "never halved" (None) as infinity, for `median_interval`."""
    return [math.inf if value is None else float(value) for value in values]
