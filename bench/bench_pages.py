"""Public pages on the production setup: gallery throughput and first-view bytes.

    .venv/bin/python bench/bench_pages.py              # seeds once, then measures
    .venv/bin/python bench/bench_pages.py --rounds 5 --workers 3

The bars (each on 1,000 chains x 10 steps plus one chain of 150 steps):

1. `/gallery/` requests per second for anonymous visitors are at least 0.7x those of
   a trivial view on the same server in the same run (wrk, same concurrency and
   duration, alternating trivial/gallery, medians of the rounds);
2. the gallery's first view (24 cards) transfers at most 400 KB, HTML plus images;
3. the timeline of the 150-step chain (`/c/<slug>/`) transfers at most 1 MB.

"Production setup" means gunicorn with sync workers, DEBUG off, PostgreSQL
(`telephone_pages_bench`), Redis DB 13 as the cache, whitenoise serving collected static
files, and Django serving media (SERVE_MEDIA, the single-box setup). Bytes are measured
in headless Chromium at 1280x900 with an empty cache, until network idle. KB and MB are
decimal (1 KB = 1,000 bytes). Exits 1 when a bar is missed, 2 when the run itself failed.
"""

from __future__ import annotations

import argparse
import dataclasses
import statistics
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import seed
from _harness import machine_note, print_table
from _pages_browser import FirstView, first_view
from _pages_load import Gunicorn, LoadResult, collectstatic, run_wrk, write_miss_script, wrk_available

ROOT = Path(__file__).resolve().parents[1]
RATIO_BAR = 0.7
GALLERY_BYTES_BAR = 400_000
TIMELINE_BYTES_BAR = 1_000_000
GALLERY_CARDS = 24


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers (default 4)")
    parser.add_argument("--seconds", type=int, default=10, help="length of each wrk run (>= 10)")
    parser.add_argument("--rounds", type=int, default=3, help="trivial/gallery pairs (>= 2)")
    parser.add_argument("--connections", type=int, default=8, help="wrk connections (default 8)")
    parser.add_argument("--threads", type=int, default=1, help="wrk threads (default 1)")
    parser.add_argument("--skip-miss-load", action="store_true", help="skip the informative all-miss gallery load")
    parser.add_argument("--reseed", action="store_true", help="wipe and seed again first")
    args = parser.parse_args(argv)
    if args.seconds < 10 or args.rounds < 2:
        parser.error("the bar needs runs of at least 10 s and at least 2 rounds")
    return args


# --- setup ---------------------------------------------------------------------------------


def long_chain_slug() -> str:
    from chains.models import Chain

    return Chain.objects.get(target_length=seed.LONG_STEPS).slug


# --- bar 1: throughput ------------------------------------------------------------------------


@dataclass(frozen=True)
class Throughput:
    runs: list  # LoadResult, in the order they ran
    miss: LoadResult | None
    page_cache: str  # X-Page-Cache of a warm gallery request: must be "hit"

    def of(self, label: str) -> list:
        return [run for run in self.runs if run.label == label]

    def median_rps(self, label: str) -> float:
        return statistics.median(run.rps for run in self.of(label))

    @property
    def ratio(self) -> float:
        """The bar's figure: median gallery RPS over median trivial RPS."""
        return self.median_rps("gallery") / self.median_rps("trivial")

    @property
    def pair_ratio(self) -> float:
        """Median of each round's own gallery/trivial ratio: steadier when load drifts."""
        return statistics.median(g.rps / t.rps for t, g in zip(self.of("trivial"), self.of("gallery"), strict=True))

    @property
    def cpu_ratio(self) -> float:
        """Server CPU per trivial request over CPU per gallery request (Redis excluded)."""
        per = {
            label: statistics.median(run.cpu_ms_per_request for run in self.of(label))
            for label in ("trivial", "gallery")
        }
        return per["trivial"] / per["gallery"]


def measure_throughput(server: Gunicorn, args, work_dir: Path) -> Throughput:
    """Warm both URLs, then alternate trivial/gallery runs of equal length and load."""
    urls = {"trivial": server.base_url + "/bench/trivial/", "gallery": server.base_url + "/gallery/"}
    load = dict(seconds=args.seconds, connections=args.connections, threads=args.threads)
    for label, url in urls.items():  # every worker opens its DB/Redis connections; cache fills
        run_wrk(url, label=label, **{**load, "seconds": 3})
    with urllib.request.urlopen(urls["gallery"], timeout=30) as reply:
        page_cache = reply.headers.get("X-Page-Cache", "(none)")
    runs = [
        _with_cpu(server, lambda label=label: run_wrk(urls[label], label=label, **load))
        for _ in range(args.rounds)
        for label in ("trivial", "gallery")
    ]
    miss = None
    if not args.skip_miss_load:
        miss = _with_cpu(
            server,
            lambda: run_wrk(
                urls["gallery"], label="gallery, every request a cache miss", script=write_miss_script(work_dir), **load
            ),
        )
    return Throughput(runs=runs, miss=miss, page_cache=page_cache)


def _with_cpu(server: Gunicorn, run) -> LoadResult:
    """Run one load and attach the server CPU it cost."""
    before = server.cpu_seconds()
    result = run()
    return dataclasses.replace(result, server_cpu_s=server.cpu_seconds() - before)


# --- bars 2 and 3: first-view bytes -----------------------------------------------------------


def photo_projection(view: FirstView, pool_sizes: dict) -> float:
    """The same first view if every picture weighed what the photo origins weigh.

    The local painter draws flat shapes that compress to ~3 KB at 320 px; photographs
    and real image-model output weigh several times that. Keeps the headroom honest.
    """
    photo = {width: statistics.median(pool_sizes[("photo", width)]) for width in ("320", "768")}
    projected = view.total - sum(size for _, size in view.images)
    for url, size in view.images:
        width = "768" if "-w768" in url else "320" if "-w320" in url else None
        projected += photo[width] if width else size
    return projected


# --- reporting ---------------------------------------------------------------------------------


def report_throughput(result: Throughput, server: Gunicorn, args) -> None:
    runs = [(str(i // 2 + 1), run) for i, run in enumerate(result.runs)]
    runs += [("-", result.miss)] if result.miss else []
    rows = [
        (
            number,
            run.label,
            round(run.rps),
            f"{run.p50_ms:.2f}",
            f"{run.p99_ms:.2f}",
            run.requests,
            run.errors,
            run.non_2xx,
            round(run.bytes_per_request),
            f"{run.cpu_ms_per_request:.2f}",
        )
        for number, run in runs
    ]
    print_table(
        f"Throughput: {server.describe()}; wrk -t{args.threads} -c{args.connections} -d{args.seconds}s",
        ("round", "url", "req/s", "p50 ms", "p99 ms", "requests", "sock err", "non-2xx", "B/req", "CPU ms/req"),
        rows,
    )
    print(
        f"  ratio of medians {result.ratio:.2f}; median per-round ratio {result.pair_ratio:.2f}; "
        f"server-CPU ratio {result.cpu_ratio:.2f} (trivial CPU/req over gallery CPU/req)"
    )


def report_first_views(views: dict, pool_sizes: dict) -> None:
    rows = []
    for name, view in views.items():
        kinds = ("html", "css", "js", "images", "other")
        rows.append(
            (
                name,
                *(f"{view.kb(k):.1f} ({view.count_by_kind[k]})" for k in kinds),
                f"{view.kb():.1f}",
                f"{photo_projection(view, pool_sizes) / 1000:.1f}",
            )
        )
    print_table(
        "First view, KB transferred (requests), Chromium 1280x900, empty cache",
        ("page", "html", "css", "js", "images", "other", "total", "if photos"),
        rows,
    )
    for name, view in views.items():
        dom = view.dom
        print(
            f"  {name}: {dom['chain_cards'] or dom['step_cards']} cards, {dom['img_elements']} <img>, "
            f"{view.count_by_kind['images']} fetched, shown at {dom['img_css_widths']} CSS px; "
            f"failed {len(view.failed)}, 4xx/5xx {len(view.bad_status)}"
        )
        for other in view.others:
            print(f"    other: {other}")
        for problem in view.failed + view.bad_status:
            print(f"    ! {problem}")


def report_bars(result: Throughput, views: dict) -> bool:
    gallery, timeline = views["gallery"], views["timeline (150 steps)"]
    bars = [
        (
            "gallery req/s / trivial req/s",
            f">= {RATIO_BAR}",
            f"{result.median_rps('gallery'):.0f} / {result.median_rps('trivial'):.0f} = {result.ratio:.2f}",
            result.ratio >= RATIO_BAR,
        ),
        (
            f"gallery first view ({gallery.dom['chain_cards']} cards)",
            "<= 400 KB",
            f"{gallery.kb():.1f} KB (html+images {gallery.kb('html') + gallery.kb('images'):.1f})",
            gallery.total <= GALLERY_BYTES_BAR,
        ),
        (
            "timeline first view (151 steps)",
            "<= 1000 KB",
            f"{timeline.kb():.1f} KB",
            timeline.total <= TIMELINE_BYTES_BAR,
        ),
    ]
    print_table(
        "Bars",
        ("measure", "bar", "today", "result"),
        [(name, bar, value, "PASS" if ok else "FAIL") for name, bar, value, ok in bars],
    )
    return all(ok for *_, ok in bars)


def report_diagnostics(server: Gunicorn, slug: str) -> None:
    """Not bars: what a cache miss costs, queries, HTML weight per card, all-images bytes."""
    import _pages_diagnose as diagnose

    base = server.base_url
    pages = {"gallery": "/gallery/", "timeline": f"/c/{slug}/"}
    rows = []
    for name, path in pages.items():
        latency = diagnose.cache_latency(base + path)
        queries = diagnose.query_counts(path)
        card = "chain-card" if name == "gallery" else "step-card"
        weight = diagnose.html_weight(base + path, card_class=card)
        images = diagnose.all_images_bytes(base, weight.img_srcs)
        rows.append(
            (
                name,
                latency.hit_header,
                f"{latency.hit_ms:.1f}",
                f"{latency.miss_ms:.1f}",
                queries["hit"],
                queries["miss"],
                f"{weight.raw / 1000:.1f}",
                f"{weight.gzipped / 1000:.1f}",
                weight.cards,
                f"{weight.per_card:.0f}",
                len(set(weight.img_srcs)),
                f"{images / 1000:.1f}",
            )
        )
    print_table(
        "Diagnostics (sequential requests on an idle server)",
        (
            "page",
            "X-Page-Cache",
            "hit ms",
            "miss ms",
            "q hit",
            "q miss",
            "HTML KB",
            "gzip KB",
            "cards",
            "B/card",
            "imgs",
            "all imgs KB",
        ),
        rows,
    )
    plan_ms, top = diagnose.gallery_query_plan_ms()
    print(f"  gallery page query: {plan_ms:.1f} ms in PostgreSQL ({top})")
    sections = diagnose.timeline_sections(base + pages["timeline"])
    print("  timeline HTML parts: " + ", ".join(f"{k} {v / 1000:.1f} KB" for k, v in sections.items()))


def run_problems(throughput: Throughput, views: dict) -> list[str]:
    """What would make the figures meaningless: errors, misses where hits were meant, short pages."""
    problems = [
        f"{run.label}: {run.errors} socket errors, {run.non_2xx} non-2xx"
        for run in throughput.runs
        if run.errors or run.non_2xx
    ]
    if throughput.page_cache != "hit":
        problems.append(f"warm gallery was not a cache hit (X-Page-Cache {throughput.page_cache})")
    problems += [
        f"{name}: {view.failed + view.bad_status}" for name, view in views.items() if view.failed or view.bad_status
    ]
    if views["gallery"].dom["chain_cards"] != GALLERY_CARDS:
        problems.append(f"gallery shows {views['gallery'].dom['chain_cards']} cards")
    return problems


# --- main ----------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if not wrk_available():
        raise SystemExit("wrk is missing: apt-get install -y wrk")
    started = time.perf_counter()
    env = seed.PAGES.prepare()
    seeding = seed.seed_pages(force=args.reseed)
    seeded_s = time.perf_counter() - started
    static_s = collectstatic(env)
    seed.PAGES.flush_cache()
    work_dir = seed.PAGES.work_dir
    server = Gunicorn(env=env, log_path=work_dir / "gunicorn.log", workers=args.workers)
    seeding_note = f"{seeding['total']:.1f} s" if seeding else "skipped, already there"
    print(f"{machine_note()}; setup {seeded_s:.1f} s (seeding {seeding_note}), collectstatic {static_s:.1f} s")
    try:
        server.start()
        slug = long_chain_slug()
        throughput = measure_throughput(server, args, work_dir)
        views = {
            "gallery": first_view(server.base_url + "/gallery/"),
            "timeline (150 steps)": first_view(server.base_url + f"/c/{slug}/"),
        }
        report_throughput(throughput, server, args)
        pool_sizes = seed.pool_image_sizes()
        report_first_views(views, pool_sizes)
        report_diagnostics(server, slug)
        problems = run_problems(throughput, views)
    finally:
        server.stop()
    met = report_bars(throughput, views)
    if problems:
        print(f"\nThe run itself had problems (errors, non-2xx, failed requests): {problems}")
        return 2
    print(f"\nAt the end: {machine_note()}.")
    print(f"Total {time.perf_counter() - started:.0f} s. " + ("All bars met." if met else "A bar was missed."))
    return 0 if met else 1


if __name__ == "__main__":
    raise SystemExit(main())
