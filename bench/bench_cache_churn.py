"""Cache churn: how often do anonymous visitors hit the page cache while public chains run?

Fifty public sleepy chains (1 s per provider call, 256 px answers) run through a real
threaded worker while this process plays visitors: the gallery, its "drift" sort and
the home page, requested in turn about 20 times a second through Django's test client
(the real views, the real Redis page cache, the real version keys). Each answer says
whether it came from the cache (`X-Page-Cache: hit`). Two rounds, alternating:

* `TELEPHONE_LIST_DEBOUNCE_SECONDS=0`: every step of every running chain bumps the
  lists' version (the behaviour before issue 11);
* the default period (5 s): steps only mark the lists as behind, and they catch up
  at most once per period (`chains.cache`).

Bar (issue 11 asks for the measurement; this is the bench's own): the debounced
gallery hit ratio >= 0.9.

    python bench/bench_cache_churn.py [--chains 50] [--steps 4] [--rate 20]
"""

from __future__ import annotations

import argparse
import sys
import threading
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import _harness as h

PAGES = ("/gallery/", "/gallery/?sort=drift", "/")
DEBOUNCED = 5.0
BAR = 0.9


class Visitors(threading.Thread):
    """Anonymous requests in turn at `rate` per second until stopped; counts hits per page."""

    def __init__(self, rate: float):
        super().__init__(daemon=True)
        self.rate = rate
        self.stopped = threading.Event()
        self.requests: Counter = Counter()
        self.hits: Counter = Counter()
        self.errors = 0
        self.first_error = ""

    def run(self) -> None:
        from django.db import connection
        from django.test import Client

        client = Client()
        number = 0
        try:
            while not self.stopped.is_set():
                page = PAGES[number % len(PAGES)]
                number += 1
                self.requests[page] += 1
                try:
                    response = client.get(page)
                except Exception as error:  # noqa: BLE001 - counted and shown, the run goes on
                    self.errors += 1
                    self.first_error = self.first_error or repr(error)
                    continue
                self.hits[page] += response.get("X-Page-Cache") == "hit"
                self.errors += response.status_code != 200
                self.stopped.wait(1 / self.rate)
        finally:
            connection.close()


def one_round(worker: h.Worker, debounce: float, args) -> dict:
    from django.conf import settings
    from django.core.cache import cache

    from bench.bench_engine_cost import make_chains
    from chains.cache import PUBLIC_KEY

    settings.TELEPHONE_LIST_DEBOUNCE_SECONDS = debounce
    chains = make_chains(args.chains, steps=args.steps, side=256, delay=args.delay, dimension=256)
    version_before = cache.get(PUBLIC_KEY) or 0
    visitors = Visitors(args.rate)
    visitors.start()
    try:
        wall = h.run_chains(chains, timeout=900, worker=worker)
    finally:
        visitors.stopped.set()
        visitors.join(timeout=10)
    if visitors.first_error:
        print(f"visitor error: {visitors.first_error}", file=sys.stderr)
    return {
        "debounce": debounce,
        "wall": wall,
        "requests": visitors.requests,
        "hits": visitors.hits,
        "errors": visitors.errors,
        "bumps": (cache.get(PUBLIC_KEY) or 0) - version_before,
    }


def report(rounds: list[dict], args) -> bool:
    rows = []
    for result in rounds:
        for page in PAGES:
            requests, hits = result["requests"][page], result["hits"][page]
            rows.append(
                (
                    f"{result['debounce']:g} s",
                    page,
                    requests,
                    hits,
                    f"{hits / requests:.3f}" if requests else "-",
                    result["bumps"],
                    f"{result['wall']:.1f}",
                    result["errors"],
                )
            )
    h.print_table(
        f"Page cache while {args.chains} public chains x {args.steps} steps run ({args.delay} s per call), "
        f"~{args.rate:g} requests/s",
        ["list debounce", "page", "requests", "hits", "hit ratio", "list bumps", "run s", "errors"],
        rows,
    )
    print(f"\nmachine: {h.machine_note()}")
    debounced = next(result for result in rounds if result["debounce"] == DEBOUNCED)
    gallery = debounced["hits"]["/gallery/"] / max(debounced["requests"]["/gallery/"], 1)
    passed = gallery >= BAR and not any(result["errors"] for result in rounds)
    print(
        f"Bar: gallery hit ratio with the {DEBOUNCED:g} s debounce >= {BAR} -> "
        f"{'PASS' if passed else 'FAIL'} ({gallery:.3f})"
    )
    return passed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--chains", type=int, default=50)
    parser.add_argument("--steps", type=int, default=4)
    parser.add_argument("--delay", type=float, default=1.0)
    parser.add_argument("--rate", type=float, default=20.0, help="visitor requests per second")
    args = parser.parse_args()

    work_dir, env = h.setup("bench-cache-churn")
    from django.conf import settings
    from django.test.utils import override_settings

    # The test client's host; pages link static files by name (no deploy's hashed manifest).
    override_settings(
        ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"],
        STORAGES={
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
    ).enable()
    h.clear_chains()
    h.purge_queue()
    rounds = []
    try:
        for debounce in (0.0, DEBOUNCED):
            worker = h.Worker(
                log_path=work_dir / f"worker-{debounce:g}.log",
                env=env,
                pool="threads",
                concurrency=args.chains,
                extra_env={"TELEPHONE_LIST_DEBOUNCE_SECONDS": str(debounce), "DATABASE_POOL_SIZE": "8"},
            )
            worker.start()
            worker.wait_ready()
            try:
                rounds.append(one_round(worker, debounce, args))
            finally:
                worker.stop()
                h.purge_queue()
                time.sleep(0.5)
    except (h.ChainFailed, TimeoutError, RuntimeError) as error:
        print(f"bench failed: {error}", file=sys.stderr)
        return 2
    return 0 if report(rounds, args) else 1


if __name__ == "__main__":
    sys.exit(main())
