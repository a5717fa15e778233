"""Page cost on a cache miss: server CPU per request, page by page (issue 11).

Production settings (DEBUG off, PostgreSQL, Redis cache, whitenoise), gunicorn sync
workers, the data of `bench/seed.py pages` (1,000 chains of 10 steps and one of 150). For
each page, wrk sends requests for `--seconds` whose URLs all differ (a `bench_miss`
query parameter), so every anonymous request misses the page cache; the server's CPU
(all gunicorn processes, from /proc) divided by the requests answered is the figure.
A logged-in visitor (a session cookie) is never served from the page cache.

Bars: gallery (24 cards) <= 8 ms; 150-step timeline <= 40 ms; step permalink <= 10 ms;
home <= 10 ms; logged-in gallery <= 1.3x the anonymous miss; and, with the cache
warm, gallery throughput >= 0.85x the trivial view's (the CPU ratio is shown too).

    python bench/bench_page_cost.py [--seconds 10] [--rounds 2] [--profile]

`--profile` also renders each page in this process under cProfile (CPU clock) and
prints where a miss goes: templates, ORM, the rest.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import seed
from _harness import machine_note, print_table
from _pages_load import Gunicorn, collectstatic, run_wrk, write_miss_script, wrk_available

BARS_MS = {"gallery": 8.0, "timeline (150 steps)": 40.0, "step permalink": 10.0, "home": 10.0}
LOGGED_IN_RATIO = 1.3
CACHED_RATIO = 0.85
PERMALINK_INDEX = 75


def pages(slug: str) -> dict[str, str]:
    return {
        "trivial": "/bench/trivial/",
        "gallery": "/gallery/",
        "timeline (150 steps)": f"/c/{slug}/",
        "step permalink": f"/c/{slug}/{PERMALINK_INDEX}/",
        "home": "/",
    }


def session_cookie() -> str:
    """A signed-in visitor's cookie: a real session in the database, as log-in makes it."""
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client

    user, _ = get_user_model().objects.get_or_create(username="bench-visitor", defaults={"email": "bench@example.org"})
    client = Client()
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def cpu_per_request(
    server: Gunicorn, url: str, *, label: str, seconds: int, miss: Path | None, headers: list[str] = ()
) -> tuple[float, float, int]:
    """(server CPU ms per request, requests per second, non-2xx + errors) of one wrk run."""
    before = server.cpu_seconds()
    result = run_wrk(
        url, label=label, seconds=seconds, connections=server.workers, threads=1, script=miss, headers=headers
    )
    spent = server.cpu_seconds() - before
    return 1000 * spent / max(result.requests, 1), result.rps, result.non_2xx + result.errors


def measure(server: Gunicorn, slug: str, cookie: str, args) -> dict:
    """Rounds of every page on a miss, then cached gallery against trivial; medians."""
    miss = write_miss_script(seed.PAGES.work_dir)
    base = server.base_url
    runs: dict[str, list[tuple]] = {}
    cases = [(name, path, miss, []) for name, path in pages(slug).items()]
    cases.append(("gallery, logged in", "/gallery/", miss, [f"Cookie: {cookie}"]))
    for name, path, script, headers in cases:  # warm every worker on every page
        cpu_per_request(server, base + path, label=name, seconds=2, miss=script, headers=headers)
    for _ in range(args.rounds):
        for name, path, script, headers in cases:
            runs.setdefault(name, []).append(
                cpu_per_request(server, base + path, label=name, seconds=args.seconds, miss=script, headers=headers)
            )
        for name, path in (("trivial (warm)", "/bench/trivial/"), ("gallery (cached)", "/gallery/")):
            runs.setdefault(name, []).append(
                cpu_per_request(server, base + path, label=name, seconds=args.seconds, miss=None)
            )
    return runs


def report(runs: dict, args) -> bool:
    cpu = {name: statistics.median(run[0] for run in values) for name, values in runs.items()}
    rps = {name: statistics.median(run[1] for run in values) for name, values in runs.items()}
    bad = {name: sum(run[2] for run in values) for name, values in runs.items()}
    rows = [(name, f"{cpu[name]:.2f}", f"{rps[name]:.0f}", bad[name]) for name in runs]
    print_table(
        f"Server CPU per request (median of {args.rounds} rounds of {args.seconds} s; anonymous "
        "pages all missing the cache unless marked)",
        ["page", "CPU ms/req", "req/s", "bad"],
        rows,
    )
    bars = [
        (f"{name} on a miss", f"<= {limit:g} ms", f"{cpu[name]:.2f} ms", cpu[name] <= limit)
        for name, limit in BARS_MS.items()
    ]
    logged_in = cpu["gallery, logged in"] / cpu["gallery"]
    bars.append(
        (
            "logged-in gallery / anonymous miss",
            f"<= {LOGGED_IN_RATIO}",
            f"{logged_in:.2f}",
            logged_in <= LOGGED_IN_RATIO,
        )
    )
    cached = rps["gallery (cached)"] / rps["trivial (warm)"]
    cpu_ratio = cpu["trivial (warm)"] / cpu["gallery (cached)"]
    bars.append(
        (
            "cached gallery req/s / trivial req/s",
            f">= {CACHED_RATIO}",
            f"{cached:.2f} (CPU ratio {cpu_ratio:.2f})",
            cached >= CACHED_RATIO,
        )
    )
    print_table(
        "Bars",
        ["measure", "bar", "today", "result"],
        [(name, bar, value, "PASS" if ok else "FAIL") for name, bar, value, ok in bars],
    )
    print(f"\nmachine: {machine_note()}")
    return all(ok for *_, ok in bars) and not any(bad.values())


def profile_pages(slug: str, cookie: str) -> None:
    """Each page rendered here (cache cleared first) under cProfile with the CPU clock."""
    import cProfile
    import pstats

    from django.core.cache import cache
    from django.test import Client

    from gallery.views._caching import local_pages

    categories = [
        ("templates", ("django/template", "template_partials", "/templatetags/", "/templates/")),
        ("ORM + driver", ("django/db", "psycopg")),
        ("cache", ("redis", "django/core/cache")),
        ("the project", ("/gallery/", "/chains/", "/accounts/")),
    ]
    rows = []
    for name, path in list(pages(slug).items())[1:] + [("gallery, logged in", "/gallery/")]:
        client = Client()
        if name.endswith("logged in"):
            key, value = cookie.split("=", 1)
            client.cookies[key] = value
        client.get(path)  # warm: imports, template loading
        cache.clear()
        local_pages.clear()
        profile = cProfile.Profile(time.thread_time)
        profile.enable()
        client.get(path + ("&" if "?" in path else "?") + "bench_profile=1")
        profile.disable()
        stats = pstats.Stats(profile)
        total = sum(value[2] for value in stats.stats.values())
        shares = {label: 0.0 for label, _ in categories}
        for key, value in stats.stats.items():
            label = next((label for label, parts in categories if any(p in key[0] for p in parts)), None)
            if label:
                shares[label] += value[2]
        rows.append((name, f"{total * 1000:.1f}", *(f"{shares[label] / total * 100:.0f}%" for label, _ in categories)))
    print_table(
        "In-process profile of one miss (own time by where the code lives; profiler inflates)",
        ["page", "CPU ms", *(label for label, _ in categories)],
        rows,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--reseed", action="store_true")
    args = parser.parse_args(argv)
    if not wrk_available():
        raise SystemExit("wrk is missing: apt-get install -y wrk")
    env = seed.PAGES.prepare()
    seed.seed_pages(force=args.reseed)
    collectstatic(env)
    seed.PAGES.flush_cache()
    from chains.models import Chain

    slug = Chain.objects.get(target_length=seed.LONG_STEPS).slug
    cookie = session_cookie()
    if args.profile:
        profile_pages(slug, cookie)
    server = Gunicorn(env=env, log_path=seed.PAGES.work_dir / "gunicorn-cost.log", workers=args.workers)
    try:
        server.start()
        with urllib.request.urlopen(server.base_url + "/gallery/", timeout=30):
            pass
        runs = measure(server, slug, cookie, args)
    finally:
        server.stop()
    return 0 if report(runs, args) else 1


if __name__ == "__main__":
    raise SystemExit(main())
