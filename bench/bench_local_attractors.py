"""Attractor formation in the offline pair: 24 chains x 30 steps, clustered by the atlas.

Chains start from the 8 demo photos (3 seeds each, detail level `very`) and run in
process with the engine's prompts and seeds. Every caption is embedded by the offline
embedder and the project's atlas (`chains.metrics.atlas.fit_atlas`, landmark t-SNE +
HDBSCAN) finds the clusters. Reported: the number of clusters (bar 4-12), the share of
chains whose last caption is in a cluster, the median step of arrival (the first step
from which a chain spends 3/4 of its remaining steps in its final cluster), and how
many last pictures are plain gradients (bar: none). Exits 1 when a bar is missed.

    python bench/bench_local_attractors.py [--chains 24] [--steps 30] [--size 1024]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from chains.providers.local import SIZE_KEY, build
from chains.providers.local.attractors import formation, play_many


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chains", type=int, default=24)
    parser.add_argument("--steps", type=int, default=30)
    parser.add_argument("--size", type=int, default=1024)
    parser.add_argument("--detail", default="very")
    args = parser.parse_args()
    providers = build({SIZE_KEY: args.size})
    started = time.perf_counter()
    played = play_many(providers, chains=args.chains, steps=args.steps, detail=args.detail)
    played_at = time.perf_counter()
    found = formation(providers, played)
    print(
        f"{args.chains} chains x {args.steps} steps, detail={args.detail}, at {args.size}px: "
        f"played in {played_at - started:.0f} s, atlas fit in {time.perf_counter() - played_at:.0f} s"
    )
    print(f"clusters found by the atlas : {found.clusters} (bar 4-12)")
    print(f"chains ending in a cluster  : {found.ending_in_cluster:.0%}")
    print(f"median step of arrival      : {found.arrival_median}")
    print(f"plain-gradient last pictures: {found.plain_last_pictures} (bar 0)")
    finals = Counter(int(label) for label in found.labels[:, -1])
    print(f"chains per final cluster    : {dict(sorted(finals.items()))}  (-1 = no cluster)")
    for label in sorted(set(finals) - {-1}):
        row = next(index for index, final in enumerate(found.labels[:, -1]) if final == label)
        print(f"  cluster {label}: {found.captions[row][-1][:150]}")
    ok = 4 <= found.clusters <= 12 and found.plain_last_pictures == 0
    print("OK" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
