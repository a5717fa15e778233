"""How long the test suite takes: `./bin/test`'s two passes, or each test folder alone.

    .venv/bin/python bench/bench_test_suite.py                    # both passes as bin/test runs them
    .venv/bin/python bench/bench_test_suite.py --per-directory    # SQLite pass, one folder at a time, serial
    .venv/bin/python bench/bench_test_suite.py --processes 0      # both passes in one process each

Prints wall time, the CPU time the run and its children used (steadier than wall time
on a shared machine), and the load average before and after each run. Bar (issue 15):
both passes together in at most 6 minutes at a load average below 2; exit 1 when
missed, 2 when a run failed. The PostgreSQL pass needs PostgreSQL and Redis on
loopback (`./bin/services`); its database and Redis index are TEST_DATABASE_URL and
TEST_REDIS_URL, as in bin/test.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BAR_SECONDS = 6 * 60
PYTHON = str(ROOT / ".venv" / "bin" / "python")


def passes(processes: int) -> dict[str, dict]:
    """The two passes of bin/test: (environment overrides, extra pytest arguments)."""
    parallel = ["-n", str(processes), "--dist", "loadgroup"] if processes else []
    return {
        "sqlite": {
            "env": {"CELERY_BROKER_URL": "filesystem://localhost//", "TEST_BACKEND": "sqlite", "DATABASE_URL": None},
            "args": parallel,
        },
        "postgres": {
            "env": {
                "DATABASE_URL": os.environ.get("TEST_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/telephone"),
                "CELERY_BROKER_URL": os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15"),
                "TEST_BACKEND": "postgres",
            },
            "args": parallel,
        },
    }


def run(label: str, env_overrides: dict, args: list[str]) -> dict:
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    for name, value in env_overrides.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    load_before = os.getloadavg()[0]
    started = time.perf_counter()
    result = subprocess.run(
        [PYTHON, "-m", "pytest", "-q", "-p", "no:randomly", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    summary = (result.stdout.strip().splitlines() or ["(no output)"])[-1]
    row = {
        "label": label,
        "wall": wall,
        "cpu": cpu,
        "load_before": load_before,
        "load_after": os.getloadavg()[0],
        "ok": result.returncode == 0,
        "summary": summary,
    }
    print(
        f"{label:<14} {wall:7.1f} s wall {cpu:7.1f} s CPU  load {load_before:4.1f} → "
        f"{row['load_after']:4.1f}  {summary}",
        flush=True,
    )
    if result.returncode != 0:
        print(result.stdout[-3000:], result.stderr[-2000:], sep="\n", file=sys.stderr)
    return row


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--per-directory", action="store_true", help="SQLite pass, one tests/ folder at a time")
    parser.add_argument("--processes", type=int, default=int(os.environ.get("TEST_PROCESSES", "2")))
    args = parser.parse_args(argv)
    print(f"{time.strftime('%Y-%m-%d %H:%M')}  {os.cpu_count()} cores  load {os.getloadavg()[0]:.2f}")
    if args.per_directory:
        sqlite = passes(0)["sqlite"]
        folders = sorted(p.name for p in (ROOT / "tests").iterdir() if p.is_dir() and any(p.glob("test_*.py")))
        rows = [run(folder, sqlite["env"], [f"tests/{folder}"]) for folder in folders]
        print(f"{'total':<14} {sum(r['wall'] for r in rows):7.1f} s wall {sum(r['cpu'] for r in rows):7.1f} s CPU")
        return 0 if all(row["ok"] for row in rows) else 2
    rows = [run(f"{name} pass", spec["env"], spec["args"]) for name, spec in passes(args.processes).items()]
    total = sum(row["wall"] for row in rows)
    met = total <= BAR_SECONDS
    print(f"both passes: {total:.0f} s (bar {BAR_SECONDS} s at load < 2): {'PASS' if met else 'MISSED'}")
    if not all(row["ok"] for row in rows):
        return 2
    return 0 if met else 1


if __name__ == "__main__":
    raise SystemExit(main())
