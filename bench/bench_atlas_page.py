"""Atlas page over 20,000 captions: at most 500 KB transferred.

    .venv/bin/python bench/bench_atlas_page.py [--reseed]

Seeds 1,000 chains of 20 captions (`bench/seed.py atlas`), recomputes the atlas if its
inputs changed, then serves the site the production way (gunicorn, DEBUG off,
whitenoise serving collected static files, PostgreSQL `telephone_atlas_bench`, Redis
DB 10 as the cache) and loads, in headless Chromium with an empty cache, until the
network is idle (bench/_pages_browser.py, as DevTools' "transferred" column counts):

1. `/atlas/`, the whole map (the bar: at most 500 KB, decimal);
2. `/atlas/?chain=<slug>`, the map with a chain's path drawn (same bar);
3. the largest attractor's page (informative).

Exits 1 when a bar is missed, 2 when the run itself failed.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import seed
from _pages_load import Gunicorn, collectstatic

BAR_BYTES = 500_000


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reseed", action="store_true")
    args = parser.parse_args(argv)
    env = seed.ATLAS.prepare()
    seed.seed_atlas(force=args.reseed)

    from django.core.cache import cache

    from chains.models import Attractor, Chain
    from chains.services.atlas import atlas_recompute

    print(f"atlas: {atlas_recompute()}")
    cache.clear()
    chain = Chain.objects.filter(title__startswith=seed.ATLAS_TITLE_PREFIX).order_by("pk").first()
    largest = Attractor.objects.order_by("-size").first()
    collectstatic(env)

    from _pages_browser import first_view

    server = Gunicorn(env=env, log_path=seed.ATLAS.work_dir / "gunicorn.log", workers=2)
    pages = [("/atlas/", True), (f"/atlas/?chain={chain.slug}", True)]
    if largest is not None:
        pages.append((largest.get_absolute_url(), False))
    missed = False
    from django.test import Client

    raw = len(Client(HTTP_HOST="127.0.0.1").get("/atlas/").content)
    print(f"/atlas/ HTML uncompressed: {raw / 1000:.1f} KB (the site gzips it: GZipMiddleware)")
    try:
        server.start()
        for path, barred in pages:
            view = first_view(server.base_url + path)
            if view.bad_status or view.failed:
                print(f"{path}: failed requests {view.bad_status + view.failed}")
                return 2
            kinds = ", ".join(
                f"{kind} {view.kb(kind):.1f} KB ({view.count_by_kind[kind]})" for kind in sorted(view.bytes_by_kind)
            )
            verdict = ("OK" if view.total <= BAR_BYTES else "MISSED") if barred else "informative"
            print(f"{path}: {view.kb():.1f} KB transferred [{kinds}] (bar {BAR_BYTES // 1000} KB): {verdict}")
            missed |= barred and view.total > BAR_BYTES
    finally:
        server.stop()
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
