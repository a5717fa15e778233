"""A `celery worker` that measures (and optionally profiles) every phase task, for benches.

    python bench/_profiled_worker.py <out-dir> [--profile] [--skip N] -- -A telephone_site worker ...

Started by `_harness.Worker(measure_dir=...)` instead of `python -m celery`. For each
phase task it writes one line to `<out-dir>/tasks.<pid>.tsv`: the task name, its
thread's CPU seconds (`time.thread_time`, exact per task in the solo and threads
pools) and its wall seconds. With `--profile`, cProfile runs inside each phase task
too (it follows only the thread that enables it: the task's own), and the stats of
each task name are dumped to `<out-dir>/<task>.<pid>.prof` at shutdown; the first N
phase tasks (`--skip`, the bench's warm-up: first-use imports) are not profiled. Nothing here
is imported by the application: profiling is a bench's choice, not a setting.
"""

from __future__ import annotations

import cProfile
import os
import pstats
import sys
import threading
import time
from pathlib import Path

PHASES = (
    "chains.tasks.caption_step",
    "chains.tasks.embed_step",
    "chains.tasks.paint_next_step",
    "chains.tasks.screen_step",
)

_profiles: dict[str, pstats.Stats] = {}
_running = threading.local()
_lock = threading.Lock()
_options = {"profile": False, "out": Path("."), "skip": 0}
_seen = [0]


def _start(task=None, **kwargs) -> None:
    if task is None or task.name not in PHASES:
        return
    _running.started = (time.thread_time(), time.perf_counter())
    with _lock:
        _seen[0] += 1
        warm_up = _seen[0] <= _options["skip"]
    if _options["profile"] and not warm_up:
        _running.profile = cProfile.Profile(time.thread_time)  # CPU, not time spent waiting
        _running.profile.enable()


def _stop(task=None, **kwargs) -> None:
    started = getattr(_running, "started", None)
    if started is None or task is None:
        return
    cpu, wall = time.thread_time() - started[0], time.perf_counter() - started[1]
    _running.started = None
    profile = getattr(_running, "profile", None)
    if profile is not None:
        profile.disable()
        _running.profile = None
    with _lock:
        with open(_options["out"] / f"tasks.{os.getpid()}.tsv", "a") as handle:
            handle.write(f"{task.name}\t{cpu:.6f}\t{wall:.6f}\n")
        if profile is not None:
            if task.name in _profiles:
                _profiles[task.name].add(profile)
            else:
                _profiles[task.name] = pstats.Stats(profile)


def _dump(**kwargs) -> None:
    with _lock:
        for name, stats in _profiles.items():
            stats.dump_stats(_options["out"] / f"{name.rsplit('.', 1)[-1]}.{os.getpid()}.prof")


def main() -> None:
    separator = sys.argv.index("--")
    own, celery_args = sys.argv[1:separator], sys.argv[separator + 1 :]
    _options["out"] = Path(own[0])
    _options["out"].mkdir(parents=True, exist_ok=True)
    _options["profile"] = "--profile" in own
    if "--skip" in own:
        _options["skip"] = int(own[own.index("--skip") + 1])
    from celery.signals import task_postrun, task_prerun, worker_process_shutdown, worker_shutdown

    # Connected before the app loads: the clock covers the task and the app's prerun handler.
    task_prerun.connect(_start, weak=False)
    task_postrun.connect(_stop, weak=False)
    worker_shutdown.connect(_dump, weak=False)
    worker_process_shutdown.connect(_dump, weak=False)
    from celery.__main__ import main as celery_main

    sys.argv = ["celery", *celery_args]
    celery_main()


if __name__ == "__main__":
    main()
