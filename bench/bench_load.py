"""Load: the production setup under a browsing mix plus 1% uploads, on loopback.

    .venv/bin/python bench/bench_load.py                        # seeds once, then loads
    .venv/bin/python bench/bench_load.py --seconds 60 --connections 32

The data set is bench_pages' (`bench/seed.py pages`: 1,000 finished chains of 10 steps plus
one of 150, in PostgreSQL `telephone_pages_bench`), served the way production serves
it: gunicorn with telephone_site/gunicorn.conf.py, DJANGO_ENV=production behind a
pretend TLS proxy (every request carries the X-Forwarded-Proto header nginx sets),
Redis as the cache (DB 12, apart from bench_pages' DB 13), whitenoise for collected
static files. wrk replays the mix drawn in _load_mix.py: anonymous browsing of home,
gallery (filters, pages, htmx fragments), timelines, step permalinks, atlas and search,
static files; and 1% uploads by logged-in people through the real submit form (CSRF,
multipart, image cleaning, private storage). The per-person upload limits are lifted
for the run (TELEPHONE_UPLOAD_RATE_LIMIT, TELEPHONE_DAILY_CHAIN_QUOTA): the bench
measures the site, and a 429 would be a correct answer, not load.

Bar: 0 server errors (5xx) and 0 socket errors or timeouts. Reported: requests per
second, p50/p90/p95/p99 latency as wrk saw them, and per kind of request the server
time from gunicorn's access log. Exits 1 when the bar is missed, 2 when the run failed.
The bench's uploads are deleted again at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

import seed
from _harness import flush_redis, machine_note, print_table, sample_image
from _load_mix import MIX, SUBMIT, draw_requests, multipart_body, write_script
from _pages_load import GUNICORN_CONFIG, Gunicorn, collectstatic, free_port, wrk_available, wrk_output

ROOT = Path(__file__).resolve().parents[1]
CACHE_URL = os.environ.get("BENCH_LOAD_REDIS_URL", "redis://127.0.0.1:6379/12")
STATIC_ROOT = seed.PAGES.work_dir / "static-load"
BENCH_USERS = 20
USER_PREFIX = "loadbench-"
LOADJSON = re.compile(r"^LOADJSON (\{.*\})$", re.MULTILINE)
ACCESS = re.compile(r'^\S+ "(?P<method>\w+) (?P<path>\S+) HTTP/[\d.]+" (?P<status>\d{3}) \S+ (?P<ms>\d+)ms')


# --- the server ------------------------------------------------------------------------------


def server_env(base: dict, *, port: int, access_log: Path) -> dict:
    """Production settings, as deploy/production.env.example has them, on loopback."""
    return {
        **base,
        "DJANGO_SETTINGS_MODULE": "telephone_site.settings",
        "DJANGO_ENV": "production",
        "DEBUG": "false",
        "LOG_LEVEL": "WARNING",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SITE_URL": f"https://127.0.0.1:{port}",
        # Production needs a mail server; nothing here sends mail (port 9: refused at once).
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": "9",
        "REDIS_URL": CACHE_URL,
        "TELEPHONE_UPLOAD_RATE_LIMIT": "1000000",
        "TELEPHONE_DAILY_CHAIN_QUOTA": "1000000",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_ACCESS_LOG": str(access_log),
        # Its own folder: bench_pages collects into WORK_DIR/static and may be running.
        "STATIC_ROOT": str(STATIC_ROOT),
    }


# --- people and the mix ------------------------------------------------------------------------


def bench_sessions() -> list[tuple[str, str]]:
    """(session key, CSRF secret) per bench user: logged in the way Django's login() does it."""
    from importlib import import_module

    from allauth.account.models import EmailAddress
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model

    User = get_user_model()
    store = import_module(settings.SESSION_ENGINE).SessionStore
    sessions = []
    for number in range(BENCH_USERS):
        user, created = User.objects.get_or_create(username=f"{USER_PREFIX}{number}")
        if created:
            user.set_unusable_password()
            user.save()
        # Uploading needs a confirmed address, as for any member.
        EmailAddress.objects.get_or_create(
            user=user, email=f"{user.username}@bench.invalid", defaults={"primary": True, "verified": True}
        )
        session = store()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.save()
        sessions.append((session.session_key, secrets.token_hex(16)))
    return sessions


def static_paths() -> list[str]:
    manifest = json.loads((STATIC_ROOT / "staticfiles.json").read_text())["paths"]
    return [
        "/static/" + hashed
        for name, hashed in manifest.items()
        if name.startswith(("css/site", "js/")) and not name.startswith("js/admin")
    ]


def extra_pages() -> list[str]:
    from django.urls import NoReverseMatch, reverse

    pages = []
    for name, query in (("atlas", ""), ("attractor_list", ""), ("search", "?q=sky"), ("about", "")):
        try:
            pages.append(reverse(f"gallery:{name}") + query)
        except NoReverseMatch:
            pass
    return pages or ["/gallery/"]


def public_slugs() -> list[str]:
    from chains.models import Chain

    return list(Chain.objects.listed().filter(target_length=seed.CHAIN_STEPS).values_list("slug", flat=True))


def delete_bench_uploads() -> int:
    from gallery.models import Submission

    doomed = Submission.objects.filter(owner__username__startswith=USER_PREFIX)
    for submission in doomed:
        submission.image.storage.delete(submission.image.name)
    return doomed.delete()[0]


# --- running and reading ---------------------------------------------------------------------


def run_mix(url: str, script: Path, *, seconds: int, connections: int, threads: int) -> dict:
    """One wrk run of the mix; the summary its script's `done()` prints as LOADJSON."""
    output = wrk_output(url, seconds=seconds, connections=connections, threads=threads, script=script)
    match = LOADJSON.search(output)
    if match is None:
        raise RuntimeError(f"wrk printed no LOADJSON summary:\n{output}")
    summary = json.loads(match.group(1))
    summary["statuses"] = {int(code): n for code, n in summary["statuses"].items()}
    return summary


KINDS = (
    (re.compile(r"^/static/"), "static file"),
    (re.compile(r"^/submit/$"), SUBMIT),
    (re.compile(r"^/$"), "home"),
    (re.compile(r"^/gallery/$"), "gallery"),
    (re.compile(r"^/gallery/\?"), "gallery, filtered, paged or htmx"),
    (re.compile(r"^/c/[^/]+/\?step="), "chain, htmx step viewer"),
    (re.compile(r"^/c/[^/]+/$"), "chain timeline"),
    (re.compile(r"^/c/[^/]+/\d+/$"), "step permalink"),
)


def kind_of(path: str) -> str:
    for pattern, kind in KINDS:
        if pattern.search(path):
            return kind
    return "atlas and search"


def per_kind(access_lines: list[str]) -> dict[str, dict]:
    times, statuses = defaultdict(list), defaultdict(Counter)
    for line in access_lines:
        match = ACCESS.match(line)
        if not match:
            continue
        kind = kind_of(match["path"])
        times[kind].append(int(match["ms"]))
        statuses[kind][int(match["status"])] += 1
    return {
        kind: {
            "count": len(values),
            "p50_ms": percentile(values, 50),
            "p95_ms": percentile(values, 95),
            "statuses": dict(statuses[kind]),
        }
        for kind, values in times.items()
    }


def percentile(values: list[int], pct: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    return float(ordered[min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered) + 0.5) - 1))])


def report(summary: dict, kinds: dict, args) -> None:
    rps = summary["requests"] / summary["seconds"]
    errors = sum(summary[key] for key in ("connect_errors", "read_errors", "write_errors", "timeouts"))
    server_errors = sum(n for code, n in summary["statuses"].items() if code >= 500)
    print_table(
        f"Load: wrk -t{args.threads} -c{args.connections} -d{args.seconds}s, mix of {len(MIX)} kinds, "
        f"{MIX[SUBMIT]}% uploads",
        ("requests", "req/s", "p50 ms", "p90 ms", "p95 ms", "p99 ms", "max ms", "5xx", "4xx", "socket errors"),
        [
            (
                summary["requests"],
                f"{rps:.1f}",
                *(f"{summary[key] / 1000:.1f}" for key in ("p50_us", "p90_us", "p95_us", "p99_us", "max_us")),
                server_errors,
                sum(n for code, n in summary["statuses"].items() if 400 <= code < 500),
                errors,
            )
        ],
    )
    print(f"  statuses: {dict(sorted(summary['statuses'].items()))}")
    rows = [
        (
            kind,
            data["count"],
            f"{100 * data['count'] / max(1, summary['requests']):.1f}%",
            f"{data['p50_ms']:.0f}",
            f"{data['p95_ms']:.0f}",
            dict(sorted(data["statuses"].items())),
        )
        for kind, data in sorted(kinds.items(), key=lambda item: -item[1]["count"])
    ]
    print_table(
        "Per kind, server time from gunicorn's access log (whole ms)",
        ("kind", "requests", "share", "p50 ms", "p95 ms", "statuses"),
        rows,
    )


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=30, help="length of the measured run (default 30)")
    parser.add_argument("--warmup", type=int, default=5, help="seconds of load before measuring (default 5)")
    parser.add_argument("--connections", type=int, default=16, help="wrk connections (default 16)")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (default 2)")
    parser.add_argument(
        "--workers", type=int, default=0, help="gunicorn workers (default: gunicorn.conf.py's, 2 x cores + 1)"
    )
    parser.add_argument("--reseed", action="store_true", help="wipe and seed the data set again")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if not wrk_available():
        raise SystemExit("wrk is missing: apt-get install -y wrk")
    started = time.perf_counter()
    base = seed.PAGES.prepare()
    seed.seed_pages(force=args.reseed)
    work = seed.PAGES.work_dir
    port = free_port()
    env = server_env(base, port=port, access_log=work / "load-access.log")
    if args.workers:
        env["WEB_CONCURRENCY"] = str(args.workers)
    collectstatic(env)
    flush_redis(CACHE_URL)
    delete_bench_uploads()
    requests = draw_requests(
        slugs=public_slugs(), steps=seed.CHAIN_STEPS, static_paths=static_paths(), extra_pages=extra_pages()
    )
    script = write_script(
        work,
        requests=requests,
        sessions=bench_sessions(),
        origin=f"https://127.0.0.1:{port}",
        body=multipart_body(sample_image(384)),
    )
    (work / "load-access.log").write_text("")
    server = Gunicorn(
        env=env, log_path=work / "load-gunicorn.log", port=port, config=GUNICORN_CONFIG, ready_path="/healthz"
    )
    print(f"{machine_note()}; setup {time.perf_counter() - started:.1f} s")
    try:
        server.start()
        run_mix(server.base_url + "/", script, seconds=args.warmup, connections=args.connections, threads=args.threads)
        offset = len((work / "load-access.log").read_text().splitlines())
        summary = run_mix(
            server.base_url + "/", script, seconds=args.seconds, connections=args.connections, threads=args.threads
        )
        time.sleep(1)  # the access log lines of the last answers
        access = (work / "load-access.log").read_text().splitlines()[offset:]
        problems = server.problems()
    finally:
        server.stop()
    kinds = per_kind(access)
    report(summary, kinds, args)
    uploads = delete_bench_uploads()
    print(f"  uploads stored during warm-up and run: {uploads} (deleted again)")
    results = {"summary": summary, "per_kind": kinds, "machine": machine_note(), "args": vars(args), "uploads": uploads}
    (work / "load-results.json").write_text(json.dumps(results, indent=2))
    server_errors = sum(n for code, n in summary["statuses"].items() if code >= 500)
    socket_errors = sum(summary[key] for key in ("connect_errors", "read_errors", "write_errors", "timeouts"))
    for line in problems[:20]:
        print(f"  ! {line}")
    met = server_errors == 0 and socket_errors == 0 and not problems
    print(
        f"\nBar (0 server errors, 0 socket errors): {'PASS' if met else 'FAIL'}. "
        f"Total {time.perf_counter() - started:.0f} s; results in {work / 'load-results.json'}."
    )
    return 0 if met else 1


if __name__ == "__main__":
    try:
        raise SystemExit(main())
    except (RuntimeError, TimeoutError) as failure:
        print(f"The run failed: {failure}", file=sys.stderr)
        raise SystemExit(2) from None
