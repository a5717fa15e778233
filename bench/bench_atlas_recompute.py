"""Atlas recompute for 20,000 captions: at most 120 s on this machine.

    .venv/bin/python bench/bench_atlas_recompute.py [--rounds 2] [--reseed]

Seeds 1,000 finished public chains of 20 captions (`bench/seed.py atlas`, PostgreSQL
`telephone_atlas_bench`), then times `chains.services.atlas.atlas_recompute(force=True)`,
the whole job the Celery task runs: load every embedding, baselines, projection,
clustering, TF-IDF labels, exemplars, the similar-steps index, saving 20,000 points
and every chain's figures. Forced, so the fit is never skipped as unchanged. Prints
where the time goes. Exits 1 when a round misses the bar, 2 when the run failed.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import defaultdict
from contextlib import ExitStack
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import seed

BAR_SECONDS = 120.0


def instrument(stack: ExitStack, totals: dict) -> None:
    """Wrap the recompute's parts with timers (restored when the stack closes)."""
    from chains.metrics import atlas
    from chains.services import atlas as service

    parts = [
        (service, "_space_rows", "load embeddings and captions"),
        (service, "baseline_refresh", "caption baseline (unrelated pairs)"),
        (atlas, "project_atlas", "projection (PCA + landmark t-SNE)"),
        (atlas, "cluster_points", "clustering (HDBSCAN)"),
        (atlas, "cluster_terms", "labels (class TF-IDF)"),
        (atlas, "cluster_exemplars", "exemplars"),
        (atlas, "build_neighbour_index", "similar-steps index (PCA-128)"),
        (service, "_save_space", "save points, attractors, index"),
        (service, "image_baseline_refresh", "picture baseline"),
        (service, "chains_refresh_metrics", "every chain's figures"),
    ]
    for owner, name, label in parts:
        original = getattr(owner, name)

        def timed(*args, _original=original, _label=label, **kwargs):
            started = time.perf_counter()
            try:
                return _original(*args, **kwargs)
            finally:
                totals[_label] += time.perf_counter() - started

        setattr(owner, name, timed)
        stack.callback(setattr, owner, name, original)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--reseed", action="store_true")
    args = parser.parse_args(argv)
    seed.ATLAS.prepare()
    steps = seed.seed_atlas(force=args.reseed)

    from chains.models import Atlas, Attractor
    from chains.services.atlas import RECOMPUTED, atlas_recompute

    results = []
    for round_number in range(1, args.rounds + 1):
        totals: dict = defaultdict(float)
        with ExitStack() as stack:
            instrument(stack, totals)
            started = time.perf_counter()
            outcome = atlas_recompute(force=True)
            elapsed = time.perf_counter() - started
        if outcome != RECOMPUTED:
            print(f"round {round_number}: unexpected outcome {outcome!r}")
            return 2
        results.append(elapsed)
        atlas = Atlas.objects.get()
        print(
            f"\nround {round_number}: {elapsed:.1f} s for {atlas.point_count:,} captions "
            f"({steps:,} steps), {Attractor.objects.count()} attractors, "
            f"{atlas.noise_count:,} in transit; {atlas.method}"
        )
        for label, seconds in sorted(totals.items(), key=lambda item: -item[1]):
            print(f"  {seconds:7.2f} s  {label}")
        print(f"  {elapsed - sum(totals.values()):7.2f} s  everything else")
    worst = max(results)
    verdict = "OK" if worst <= BAR_SECONDS else "MISSED"
    print(
        f"\nAtlas recompute, 20,000 captions: worst {worst:.1f} s of {len(results)} round(s) "
        f"(bar {BAR_SECONDS:.0f} s): {verdict}"
    )
    return 0 if worst <= BAR_SECONDS else 1


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit(2)
