"""Measuring attractor formation: many chains, the atlas's clustering, where they end up.

Shared by the benchmark of record (`bench/bench_local_attractors.py`, full size) and
the test (small pictures): play chains from varied starts, embed every caption with the
offline embedder, let the project's own atlas (`chains.metrics.atlas.fit_atlas`) find
the clusters, then ask how many there are, how many chains end inside one and from
which step they stay there.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass

import numpy as np

from .samples import DEMO_PHOTOS, demo_photo, is_plain_gradient, play_chain

STAY_SHARE = 0.75


@dataclass
class Formation:
    clusters: int
    ending_in_cluster: float
    arrival_median: float | None
    plain_last_pictures: int
    labels: np.ndarray  # (chains, steps + 1)
    captions: list[list[str]]


def play_many(providers, *, chains: int = 24, steps: int = 30, photo_side: int = 512, detail: str = "very"):
    """`chains` chains from the demo photos, several seeds each, at one detail level.

    One level, because caption length alone separates captions on the map: chains in
    the same attractor at different levels would show up as different islands.
    """
    played = []
    for index in range(chains):
        photo = demo_photo(DEMO_PHOTOS[index % len(DEMO_PHOTOS)], photo_side)
        played.append(play_chain(providers, photo, steps=steps, seed=7919 * (index + 1), detail=detail))
    return played


def formation(providers, played) -> Formation:
    from chains.metrics.atlas import NOISE, fit_atlas

    captions = [[step.caption for step in chain] for chain in played]
    flat = [text for chain in captions for text in chain]
    vectors = providers.embedder.embed(flat).vectors
    labels = fit_atlas(vectors).labels.reshape(len(captions), -1)
    finals = labels[:, -1]
    arrivals = [_arrival(row) for row in labels if row[-1] != NOISE]
    return Formation(
        clusters=len(set(labels.ravel().tolist()) - {NOISE}),
        ending_in_cluster=float((finals != NOISE).mean()),
        arrival_median=float(statistics.median(arrivals)) if arrivals else None,
        plain_last_pictures=sum(is_plain_gradient(chain[-1].image) for chain in played),
        labels=labels,
        captions=captions,
    )


def _arrival(row: np.ndarray) -> int:
    """The first step from which the chain spends at least STAY_SHARE of its time in its
    final cluster (a chain may pass through noise while it settles)."""
    final = row[-1]
    for step in range(len(row)):
        rest = row[step:]
        if row[step] == final and (rest == final).mean() >= STAY_SHARE:
            return step
    return len(row) - 1
