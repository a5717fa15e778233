"""How long the test suite takes: `./bin/test`'s two passes, or each test folder alone.

    .venv/bin/python bench/bench_test_suite.py                    # both passes at once, as bin/test runs them
    .venv/bin/python bench/bench_test_suite.py --one-after-the-other   # as bin/test ran them before 2026-11-30
    .venv/bin/python bench/bench_test_suite.py --per-directory    # SQLite pass, one folder at a time, serial
    .venv/bin/python bench/bench_test_suite.py --processes 0      # both passes in one process each

Prints wall time, the CPU time the run and its children used (steadier than wall time
on a shared machine), and the load average before and after each run. Extra arguments
after `--` go to pytest (e.g. `-- --junitxml=...`, written per pass with the pass's name
in place of `{pass}`). Bar (issue 15):
both passes together in at most 6 minutes at a load average below 2; exit 1 when
missed, 2 when a run failed. The PostgreSQL pass needs PostgreSQL and Redis on
loopback (`./bin/services`); its database and Redis index are TEST_DATABASE_URL and
TEST_REDIS_URL, as in bin/test.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BAR_SECONDS = 6 * 60
PYTHON = str(ROOT / ".venv" / "bin" / "python")


def passes(processes: int) -> dict[str, dict]:
    """The two passes of bin/test: (environment overrides, extra pytest arguments)."""
    parallel = ["-n", str(processes), "--dist", "loadgroup", "--no-loadscope-reorder"] if processes else []
    return {
        "sqlite": {
            "env": {
                "CELERY_BROKER_URL": "filesystem://localhost//",
                "TEST_BACKEND": "sqlite",
                "DATABASE_URL": None,
                "TELEPHONE_VAR_DIR": str(ROOT / "var" / "test-sqlite"),
            },
            "args": parallel,
        },
        "postgres": {
            "env": {
                "DATABASE_URL": os.environ.get("TEST_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/telephone"),
                "CELERY_BROKER_URL": os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15"),
                "TEST_BACKEND": "postgres",
                "TELEPHONE_VAR_DIR": str(ROOT / "var" / "test-postgres"),
            },
            "args": parallel,
        },
    }


class Run:
    """One pytest run in the background; `finish` waits for it and measures it alone
    (its own CPU and its children's, from wait4, even while another run goes on)."""

    def __init__(self, label: str, env_overrides: dict, args: list[str]):
        env = {**os.environ, "PYTHONHASHSEED": "0"}
        env.pop("PYTHONDONTWRITEBYTECODE", None)  # as bin/test: bytecode caches for its dozens of processes
        for name, value in env_overrides.items():
            if value is None:
                env.pop(name, None)
            else:
                env[name] = value
        self.label = label
        self.load_before = os.getloadavg()[0]
        self.output = tempfile.TemporaryFile(mode="w+")
        self.started = time.perf_counter()
        self.process = subprocess.Popen(
            [PYTHON, "-m", "pytest", "-q", "-p", "no:randomly", *args],
            cwd=ROOT,
            env=env,
            stdout=self.output,
            stderr=subprocess.STDOUT,
            text=True,
        )

    def finish(self) -> dict:
        _, status, usage = os.wait4(self.process.pid, 0)
        self.process.returncode = os.waitstatus_to_exitcode(status)
        wall = time.perf_counter() - self.started
        self.output.seek(0)
        output = self.output.read()
        summary = (output.strip().splitlines() or ["(no output)"])[-1]
        row = {
            "label": self.label,
            "wall": wall,
            "cpu": usage.ru_utime + usage.ru_stime,
            "load_before": self.load_before,
            "load_after": os.getloadavg()[0],
            "ok": self.process.returncode == 0,
            "summary": summary,
        }
        print(
            f"{self.label:<14} {wall:7.1f} s wall {row['cpu']:7.1f} s CPU  load {self.load_before:4.1f} → "
            f"{row['load_after']:4.1f}  {summary}",
            flush=True,
        )
        if not row["ok"]:
            print(output[-5000:], file=sys.stderr)
        return row


def run(label: str, env_overrides: dict, args: list[str]) -> dict:
    return Run(label, env_overrides, args).finish()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--per-directory", action="store_true", help="SQLite pass, one tests/ folder at a time")
    parser.add_argument("--processes", type=int, default=int(os.environ.get("TEST_PROCESSES", "3")))
    parser.add_argument(
        "--one-after-the-other", action="store_true", help="the two passes in turn (TEST_PASSES_AT_ONCE=0)"
    )
    parser.add_argument("pytest_args", nargs="*", help="after --: more pytest arguments ({pass}: the pass's name)")
    args = parser.parse_args(argv)
    print(f"{time.strftime('%Y-%m-%d %H:%M')}  {os.cpu_count()} cores  load {os.getloadavg()[0]:.2f}")
    if args.per_directory:
        sqlite = passes(0)["sqlite"]
        folders = sorted(p.name for p in (ROOT / "tests").iterdir() if p.is_dir() and any(p.glob("test_*.py")))
        rows = [run(folder, sqlite["env"], [f"tests/{folder}"]) for folder in folders]
        print(f"{'total':<14} {sum(r['wall'] for r in rows):7.1f} s wall {sum(r['cpu'] for r in rows):7.1f} s CPU")
        return 0 if all(row["ok"] for row in rows) else 2
    specs = {
        name: (spec["env"], [*spec["args"], *(arg.replace("{pass}", name) for arg in args.pytest_args)])
        for name, spec in passes(args.processes).items()
    }
    started = time.perf_counter()
    if args.one_after_the_other:
        rows = [run(f"{name} pass", *spec) for name, spec in specs.items()]
    else:
        runs = [Run(f"{name} pass", *spec) for name, spec in specs.items()]
        rows = [one.finish() for one in runs]
    total = time.perf_counter() - started
    print(f"{'both':<14} {total:7.1f} s wall {sum(row['cpu'] for row in rows):7.1f} s CPU")
    met = total <= BAR_SECONDS
    print(f"both passes: {total:.0f} s (bar {BAR_SECONDS} s at load < 2): {'PASS' if met else 'MISSED'}")
    if not all(row["ok"] for row in rows):
        return 2
    return 0 if met else 1


if __name__ == "__main__":
    raise SystemExit(main())
