"""`./bin/run` from a fresh clone to the first page, with dependencies already installed.

The issue's bar: under 60 s. What a newcomer does after `pip install`: clone, run
`./bin/run`, open the page. This clones the current commit into a temporary folder,
links the already-installed virtualenv in as `.venv` (so `bin/setup` finds its
requirements stamp and installs nothing), starts `bin/run` on a free port with a
clean environment (no `.env`, no settings from this shell: the embedded defaults,
SQLite and the filesystem broker, exactly as a fresh clone has them), polls the home
page until the first 200 and then takes the whole process group down. Reported per
run: seconds to the first 200, and to the "is running at" line bin/run prints.

    python bench/bench_run_first_page.py [--runs 3] [--timeout 180]
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BAR_SECONDS = 60.0
POLL_SECONDS = 0.25
KEPT_ENVIRONMENT = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "USER")
RUNNING_LINE = "is running at"


def free_port() -> int:
    """An ephemeral port the OS just handed out (bin/run takes its port from PORT)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fresh_clone(into: Path) -> Path:
    """This commit, cloned as a newcomer would have it, with the installed venv linked in."""
    commit = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "HEAD"], check=True, capture_output=True, text=True
    ).stdout.strip()
    clone = into / "telephone"
    subprocess.run(["git", "clone", "--quiet", "--no-checkout", str(ROOT), str(clone)], check=True)
    subprocess.run(["git", "-C", str(clone), "checkout", "--quiet", commit], check=True)
    (clone / ".venv").symlink_to((ROOT / ".venv").resolve())
    return clone


def first_page_seconds(clone: Path, timeout: float) -> tuple[float, float | None]:
    """Start bin/run, wait for the first 200 from "/", stop everything it started."""
    port = free_port()
    environment = {name: os.environ[name] for name in KEPT_ENVIRONMENT if name in os.environ}
    environment["PORT"] = str(port)
    log_path = clone / "var-run.log"
    started = time.perf_counter()
    with open(log_path, "w") as log:
        run = subprocess.Popen(
            ["./bin/run"], cwd=clone, env=environment, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        return _wait_for_page(port, started, timeout, run, log_path)
    finally:
        _stop(run)


def _wait_for_page(
    port: int, started: float, timeout: float, run: subprocess.Popen, log_path: Path
) -> tuple[float, float | None]:
    announced = None
    while time.perf_counter() - started < timeout:
        if run.poll() is not None:
            raise RuntimeError(f"bin/run exited with {run.returncode}:\n{log_path.read_text()[-3000:]}")
        if announced is None and RUNNING_LINE in log_path.read_text():
            announced = time.perf_counter() - started
        if _home_answers(port):
            return time.perf_counter() - started, announced
        time.sleep(POLL_SECONDS)
    raise RuntimeError(f"no 200 from / within {timeout:.0f} s:\n{log_path.read_text()[-3000:]}")


def _home_answers(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as response:
            return response.status == 200
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return False


def _stop(run: subprocess.Popen) -> None:
    """bin/run, its worker and runserver share one session: signal that process group."""
    try:
        os.killpg(run.pid, signal.SIGTERM)
        run.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(run.pid, signal.SIGKILL)
        run.wait()
    except ProcessLookupError:
        pass


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--timeout", type=float, default=180.0)
    args = parser.parse_args()
    figures = []
    for number in range(args.runs):
        with tempfile.TemporaryDirectory(prefix="telephone-clone-") as folder:
            clone = fresh_clone(Path(folder))
            seconds, announced = first_page_seconds(clone, args.timeout)
        figures.append(seconds)
        shown = f"{announced:.1f} s" if announced is not None else "not seen"
        print(f"run {number + 1}: first 200 from / after {seconds:.1f} s ('{RUNNING_LINE}' printed at {shown})")
    median = statistics.median(figures)
    print(
        f"median {median:.1f} s, worst {max(figures):.1f} s over {len(figures)} runs; "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    ok = max(figures) < BAR_SECONDS
    print("OK" if ok else f"FAIL: over {BAR_SECONDS:.0f} s")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
