"""Why the page figures are what they are: cache hits and misses, queries, HTML weight.

None of this is a bar; it is what a reader needs to act on a missed one (or to see how
close a met one is): the cost of a cache miss, what each page weighs per card with and
without compression, and what the images would weigh if a visitor scrolled everything.
"""

from __future__ import annotations

import gzip
import re
import statistics
import time
import urllib.request
from dataclasses import dataclass
from html import unescape

IMG_SRC = re.compile(r'<img\b[^>]*?\bsrc="([^"]+)"')


def fetch(url: str) -> tuple[bytes, dict]:
    with urllib.request.urlopen(url, timeout=60) as reply:
        return reply.read(), dict(reply.headers)


def timed_fetch_ms(url: str) -> float:
    started = time.perf_counter()
    fetch(url)
    return (time.perf_counter() - started) * 1000


# --- latency of hits and misses --------------------------------------------------------


@dataclass(frozen=True)
class CacheLatency:
    """Sequential, unloaded request latency (ms) when the page cache hits and when it misses."""

    hit_ms: float
    miss_ms: float
    hit_header: str


def cache_latency(url: str, *, samples: int = 15) -> CacheLatency:
    """Misses use a unique query string each time, which the page cache keys on."""
    _, headers = fetch(url)
    _, headers = fetch(url)  # the first may have been the miss that filled the cache
    hits = [timed_fetch_ms(url) for _ in range(samples)]
    joiner = "&" if "?" in url else "?"
    stamp = time.time_ns()
    misses = [timed_fetch_ms(f"{url}{joiner}bench_miss={stamp}-{i}") for i in range(samples)]
    return CacheLatency(
        hit_ms=statistics.median(hits),
        miss_ms=statistics.median(misses),
        hit_header=headers.get("X-Page-Cache", "(none)"),
    )


# --- queries, counted in-process ---------------------------------------------------------


def query_counts(path: str) -> dict:
    """Queries for a miss and for a hit of `path`, through Django's test client in-process."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client, counts = Client(), {}
    joiner = "&" if "?" in path else "?"
    for label, url in (("miss", f"{path}{joiner}bench_q={time.time_ns()}"), ("hit", path)):
        client.get(path)  # warm: the hit below must really hit
        with CaptureQueriesContext(connection) as captured:
            reply = client.get(url)
        assert reply.status_code == 200, (url, reply.status_code)
        counts[label] = len(captured.captured_queries)
    return counts


def gallery_query_plan_ms() -> tuple[float, str]:
    """Execution time and top plan node of the gallery's first-page query (EXPLAIN ANALYZE)."""
    from chains.selectors.chains import chains_for_gallery

    plan = chains_for_gallery()[:25].explain(analyze=True)
    executed = float(re.search(r"Execution Time: ([\d.]+) ms", plan).group(1))
    return executed, plan.splitlines()[0].strip()


# --- what the HTML weighs, and what the images would weigh if all were fetched ----------------


@dataclass(frozen=True)
class HtmlWeight:
    """Bytes of a page's HTML as served and as gzip would send it, and per card."""

    raw: int
    gzipped: int
    cards: int
    img_srcs: list

    @property
    def per_card(self) -> float:
        return self.raw / self.cards if self.cards else 0.0


def html_weight(url: str, *, card_class: str) -> HtmlWeight:
    body, _ = fetch(url)
    text = body.decode()
    return HtmlWeight(
        raw=len(body),
        gzipped=len(gzip.compress(body, compresslevel=6)),
        cards=text.count(f'class="{card_class}"'),
        img_srcs=[unescape(src) for src in IMG_SRC.findall(text)],
    )


def all_images_bytes(base_url: str, srcs: list) -> int:
    """Body bytes of every <img src> on the page: the cost if every lazy image were shown."""
    return sum(len(fetch(src if src.startswith("http") else base_url + src)[0]) for src in set(srcs))


def timeline_sections(url: str) -> dict:
    """Bytes of the timeline's big parts: the step cards, the drift plot, the path plot."""
    text = fetch(url)[0].decode()
    patterns = {
        "step cards": r'<div id="steps" class="steps">.*?(?=<div id="step-in-progress")',
        "drift plot svg": r'<svg[^>]*class="plot-drift".*?</svg>',
        "path plot svg": r'<svg[^>]*class="plot-path".*?</svg>',
    }
    sizes = {}
    for name, pattern in patterns.items():
        match = re.search(pattern, text, re.DOTALL)
        sizes[name] = len(match.group(0).encode()) if match else 0
    return sizes
