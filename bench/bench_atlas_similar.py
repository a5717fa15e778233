"""Similar-steps lookup over 20,000 steps: at most 50 ms median.

    .venv/bin/python bench/bench_atlas_similar.py [--lookups 300] [--reseed]

Seeds 1,000 chains of 20 captions (`bench/seed.py atlas`, PostgreSQL
`telephone_atlas_bench`), recomputes the atlas if its inputs changed, then times
`chains.selectors.atlas.step_similar` (what each step's page calls) for random
public steps: the step's embedding, a first pass over all 20,000 PCA-reduced vectors
in memory, then the 48 best candidates fetched and re-ranked on their full embeddings,
hidden chains filtered out. The first call of a process loads the index from the
database (reported apart, "cold"); the bar is on the median of the warm lookups.
For context it also times the whole step page through Django's test client.
Exits 1 when the bar is missed, 2 when the run failed.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import seed
from _pages_load import collectstatic

BAR_MS = 50.0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lookups", type=int, default=300)
    parser.add_argument("--reseed", action="store_true")
    args = parser.parse_args(argv)
    env = seed.ATLAS.prepare()
    seed.seed_atlas(force=args.reseed)
    collectstatic(env)  # the permalinks below are rendered with the manifest's static files

    from django.core.cache import cache
    from django.test import Client

    from chains.models import Step
    from chains.selectors.atlas import step_similar
    from chains.services.atlas import atlas_recompute

    print(f"atlas: {atlas_recompute()}")
    ids = list(Step.objects.values_list("pk", flat=True))
    rng = random.Random(0)
    sample = [
        Step.objects.select_related("chain").defer("embedding").get(pk=pk) for pk in rng.sample(ids, args.lookups)
    ]

    started = time.perf_counter()
    first = step_similar(step=sample[0])
    cold_ms = (time.perf_counter() - started) * 1000
    if not first:
        print("no similar steps found: the index is missing")
        return 2
    timings = []
    for step in sample:
        started = time.perf_counter()
        found = step_similar(step=step)
        timings.append((time.perf_counter() - started) * 1000)
        if not found:
            print(f"step {step.pk}: nothing found")
            return 2
    timings.sort()
    median, p95 = statistics.median(timings), timings[int(len(timings) * 0.95) - 1]

    client, pages = Client(HTTP_HOST="127.0.0.1"), []
    cache.clear()
    for step in sample[:50]:
        started = time.perf_counter()
        response = client.get(step.get_absolute_url())
        pages.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200 or b"similar-list" not in response.content:
            print(f"{step.get_absolute_url()}: {response.status_code}, similar steps missing")
            return 2
    print(
        f"similar steps over {len(ids):,} steps: cold {cold_ms:.1f} ms; warm median {median:.1f} ms, "
        f"p95 {p95:.1f} ms, max {timings[-1]:.1f} ms ({len(timings)} lookups)"
    )
    print(f"whole step page (test client, PostgreSQL): median {statistics.median(pages):.1f} ms")
    verdict = "OK" if median <= BAR_MS else "MISSED"
    print(f"Similar-steps lookup median {median:.1f} ms (bar {BAR_MS:.0f} ms): {verdict}")
    return 0 if median <= BAR_MS else 1


if __name__ == "__main__":
    sys.exit(main())
