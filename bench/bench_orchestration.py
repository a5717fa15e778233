"""Orchestration overhead: what does running a chain as Celery tasks cost over a plain loop?

A 20-step chain (offline LOCAL provider by default; --provider bench.sleepy_provider
for API-like latency) is run through real Redis and one
worker (prefork, concurrency 1, no mingle/gossip/beat), timed from `chain_start` to
the chain being seen completed (DB polled every 20 ms). The same provider calls are
then made in a plain loop in this process (caption -> embed -> paint for 20 steps,
plus the last caption and embed; each painted image fed straight to the next
caption; the same seeds and prompts via chains.modes; the same starting image).

    ratio = worker wall time / plain-loop wall time        bar: ratio <= 1.15

Rounds alternate worker / plain loop (default 5) and medians are compared, since a
shared 2-core machine is noisy. The worker is started and seen "ready", and warmed
with a 5-step chain, before anything is timed. OPENBLAS_NUM_THREADS=OMP_NUM_THREADS=1
is set for both sides by default (--native-threads): the local provider's tiny matrix
products otherwise wake OpenBLAS threads that spin on the second core, and every
figure swings by up to 2x with whatever else the shared machine is doing.

When the bar is missed (or with --profile) the overhead is broken down: per-task
runtimes and the gaps between tasks from the worker log, provider time from the step
rows, and an instrumented in-process run of the same engine code (`chain_run_inline`:
no broker) that splits the rest into queries, image re-encoding and storage, plus the
measured cost of a PostgreSQL connect and a Redis publish.

    python bench/bench_orchestration.py [--rounds 5] [--steps 20] [--profile] [--provider bench.sleepy_provider]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections import defaultdict
from contextlib import ExitStack, contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import _harness as h

PROVIDER = "local"
STEPS = 20
SEED = 424242
WARMUP_STEPS = 5  # long enough to reach every lazy import, the t-SNE projection's included
BAR = 1.15
PHASE_OF_TASK = {
    "chains.tasks.caption_step": "caption",
    "chains.tasks.embed_step": "embed",
    "chains.tasks.paint_next_step": "paint",
}


def wait_for_local_provider(timeout: float = 600) -> None:
    """The local backend may still be being written; wait until it has its `build`."""
    import importlib

    def ready():
        try:
            return hasattr(importlib.reload(importlib.import_module("chains.providers.local")), "build")
        except Exception:  # noqa: BLE001 - a half-written module fails to import in any way
            return False

    h.wait_until(ready, timeout=timeout, interval=5, what="chains.providers.local.build")


# --- the two contenders ----------------------------------------------------------------------


def new_chain(start_image: bytes, steps: int):
    from chains.services import chain_create

    return chain_create(image=start_image, target_length=steps, provider=PROVIDER, seed=SEED)


def run_worker_chain(worker: h.Worker, start_image: bytes, steps: int) -> dict:
    """One chain through the worker; returns its wall time, the chain and its log slice."""
    chain = new_chain(start_image, steps)
    offset = worker.log_size()
    started_at = time.time()
    wall = h.run_chains([chain], timeout=600, worker=worker)
    h.check_complete(chain)
    return {
        "wall": wall,
        "chain": chain,
        "started_at": started_at,
        "seen_at": started_at + wall,
        "log": worker.wait_idle(offset),
    }


def plain_loop(start_image: bytes, steps: int, chain_template) -> float:
    """The provider calls a chain makes, back to back in this process; returns seconds."""
    from chains import modes
    from chains.providers import build_providers
    from chains.providers.base import CaptionRequest, PaintRequest

    chain = chain_template
    providers = build_providers(chain.provider, chain.provider_settings)
    image = start_image
    started = time.perf_counter()
    for index in range(steps + 1):
        caption = providers.captioner.caption(
            CaptionRequest(
                image=image,
                instructions=modes.caption_instructions(
                    mode=chain.mode, detail=chain.detail, theme=chain.theme, step_index=index
                ),
                detail=chain.detail,
                mode=chain.mode,
                theme=chain.theme,
                step_index=index,
                seed=chain.seed + index,
            )
        )
        providers.embedder.embed([caption.text])
        if index < steps:
            prompt = modes.paint_prompt(mode=chain.mode, caption=caption.text, theme=chain.theme, step_index=index)
            image = providers.painter.paint(
                PaintRequest(prompt=prompt, seed=chain.seed + index + 1, step_index=index + 1)
            ).image
    return time.perf_counter() - started


# --- profiling -------------------------------------------------------------------------------


def worker_breakdown(run: dict) -> dict:
    """Partition one worker run's wall time along the timeline the worker log gives.

    first hop (chain_start -> first task starts) + time inside tasks + gaps between
    tasks + the poll's lag = wall. The chain turns "completed" inside its last task,
    whose remaining work (the end-of-chain bookkeeping) is reported apart as the tail.
    """
    from chains.models import Step

    runs = [task for task in h.task_runs(run["log"]) if task.name in PHASE_OF_TASK]
    starts = [task.finished.timestamp() - task.runtime for task in runs]
    ends = [task.finished.timestamp() for task in runs]
    seen = run["seen_at"]
    by_phase: dict[str, list[float]] = defaultdict(list)
    for task in runs:
        by_phase[PHASE_OF_TASK.get(task.name, task.name)].append(task.runtime)
    inside = sum(min(end, seen) - start for start, end in zip(starts, ends, strict=True))
    gaps = [start - end for end, start in zip(ends, starts[1:], strict=False)]
    steps = Step.objects.filter(chain=run["chain"])
    provider_ms = sum((s.caption_ms or 0) + (s.embed_ms or 0) + (s.paint_ms or 0) for s in steps)
    return {
        "tasks": len(runs),
        "by_phase": dict(by_phase),
        "gaps": gaps,
        "wall": run["wall"],
        "first_hop": starts[0] - run["started_at"] if runs else 0.0,
        "inside": inside,
        "provider": provider_ms / 1000,
        "poll_lag": max(0.0, seen - min(ends[-1], seen)) if runs else 0.0,
        "tail": max(0.0, ends[-1] - seen) if runs else 0.0,
    }


class Meter:
    """Accumulated seconds and call counts per label."""

    def __init__(self):
        self.seconds: dict[str, float] = defaultdict(float)
        self.calls: dict[str, int] = defaultdict(int)

    def wrap(self, label: str, function):
        def timed(*args, **kwargs):
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                self.seconds[label] += time.perf_counter() - started
                self.calls[label] += 1

        return timed

    def db(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds["db queries"] += time.perf_counter() - started
            self.calls["db queries"] += 1


@contextmanager
def instrumented(meter: Meter, chain):
    """Time the provider, image and storage calls and every query the engine makes."""
    from django.db import connection

    from chains import images
    from chains.providers import build_providers

    providers = build_providers(chain.provider, chain.provider_settings)
    targets = [
        (providers.captioner, "caption", "provider"),
        (providers.embedder, "embed", "provider"),
        (providers.painter, "paint", "provider"),
        (images, "clean_image", "image re-encoding (clean_image)"),
        (images, "store_step_images", "storage writes"),
        (images, "load_stored_original", "storage exists-check"),
        # Later additions to the engine; skipped where absent.
        (_module("chains.services.phases"), "step_record_similarities", "drift similarities (embed)"),
        (_module("chains.services.lifecycle"), "chain_refresh_projection", "2-D projection at completion"),
        (_module("chains.cache"), "_bump", "page-cache version bumps"),
    ]
    targets = [target for target in targets if target[0] is not None and hasattr(target[0], target[1])]
    with ExitStack() as stack:
        for owner, name, label in targets:
            original = getattr(owner, name)
            setattr(owner, name, meter.wrap(label, original))
            stack.callback(_restore, owner, name, original)
        stack.enter_context(connection.execute_wrapper(meter.db))
        yield


def _module(name: str):
    import importlib

    try:
        return importlib.import_module(name)
    except ImportError:
        return None


def _restore(owner, name, original):
    if isinstance(owner, type(sys)):
        setattr(owner, name, original)
    else:
        delattr(owner, name)  # the instance attribute hid the class method


def inline_breakdown(start_image: bytes, steps: int) -> dict:
    """The same engine phases run in-process with no broker, instrumented."""
    from chains.services import chain_run_inline

    chain_run_inline(chain=new_chain(start_image, WARMUP_STEPS))  # first-use imports, untimed
    chain = new_chain(start_image, steps)
    meter = Meter()
    with instrumented(meter, chain):
        started = time.perf_counter()
        chain = chain_run_inline(chain=chain)
        wall = time.perf_counter() - started
    h.check_complete(chain)
    return {"wall": wall, "seconds": dict(meter.seconds), "calls": dict(meter.calls)}


def connect_seconds(samples: int = 20) -> float:
    """Opening a PostgreSQL connection: Celery's Django fixup closes it around every task."""
    from django.db import connection

    total = 0.0
    for _ in range(samples):
        connection.close()
        started = time.perf_counter()
        connection.ensure_connection()
        total += time.perf_counter() - started
    return total / samples


def publish_seconds(samples: int = 50) -> float:
    """One `task.delay()` to Redis, as chain_enqueue_next does after each commit.

    Runs while no worker is up; the messages (for a step that does not exist) are purged.
    """
    from chains import tasks

    started = time.perf_counter()
    for _ in range(samples):
        tasks.embed_step.delay(-1)
    elapsed = (time.perf_counter() - started) / samples
    h.purge_queue()
    return elapsed


def clean_image_parts(chain, samples: int = 5) -> dict:
    """Where clean_image's time goes on a painted 512x512 image."""
    import io

    from PIL import Image

    from chains import images
    from chains.providers import build_providers
    from chains.providers.base import PaintRequest

    painter = build_providers(chain.provider, chain.provider_settings).painter
    painted = painter.paint(PaintRequest(prompt="a red sun over green hills", seed=1)).image
    parts: dict[str, float] = defaultdict(float)
    for _ in range(samples):
        t0 = time.perf_counter()
        picture = images.to_rgb(images.upright(images.open_still_image(painted)))
        t1 = time.perf_counter()
        stored = images.encode(picture, images.ORIGINAL_FORMAT, quality=images.ORIGINAL_QUALITY)
        t2 = time.perf_counter()
        parts["decode PNG"] += t1 - t0
        parts[f"encode original {images.ORIGINAL_FORMAT} q{images.ORIGINAL_QUALITY}"] += t2 - t1
        t3 = time.perf_counter()
        images.make_thumbnails(picture)
        parts["thumbnails (WebP, each from the next larger)"] += time.perf_counter() - t3
        t4 = time.perf_counter()
        Image.open(io.BytesIO(stored)).load()
        parts["(next caption) decode the stored original"] += time.perf_counter() - t4
    size = Image.open(io.BytesIO(painted)).size
    return {"size": size, "parts": {k: v / samples for k, v in parts.items()}}


def print_profile(worker_run: dict, plain: float, probes: dict) -> None:
    """Four tables: the worker run split up, per phase, in-process instrumented, clean_image."""
    w = worker_breakdown(worker_run)
    tasks = max(w["tasks"], 1)
    wall = w["wall"]
    engine = w["inside"] - w["provider"]
    gaps = sum(w["gaps"])
    timeline = [
        ("wall: chain_start -> completed seen", wall),
        ("  first hop: chain_start -> first task starts", w["first_hop"]),
        ("  inside tasks: provider calls (Step.*_ms)", w["provider"]),
        ("  inside tasks: the engine (DB, connect, images, storage, publish)", engine),
        ("  between tasks: ack, broker hop, hand-off to the child", gaps),
        ("  poll lag + log rounding", wall - w["first_hop"] - w["inside"] - gaps),
    ]
    rows = [(label, value, _share(value, wall), value / tasks * 1000) for label, value in timeline]
    rows += [
        ("after 'completed': the last task's remaining work (not in wall)", w["tail"], "", ""),
        ("plain loop, same provider calls (for scale)", plain, _share(plain, wall), plain / tasks * 1000),
    ]
    h.print_table(
        "Profile 1 - the median worker run, timeline from its log and the step rows",
        ["part", "seconds", "share", "per task ms"],
        rows,
    )
    rows = [(phase, len(times), sum(times), h.median(times) * 1000) for phase, times in sorted(w["by_phase"].items())]
    if w["gaps"]:
        rows.append(
            ("gap: end of task k -> start of task k+1", len(w["gaps"]), sum(w["gaps"]), h.median(w["gaps"]) * 1000)
        )
    h.print_table(
        f'Profile 2 - worker log: {w["tasks"]} tasks ("succeeded in Xs") and the gaps',
        ["what", "count", "total s", "median ms"],
        rows,
    )

    inline = probes["inline"]
    seconds, calls = inline["seconds"], inline["calls"]
    other = inline["wall"] - sum(seconds.values())
    rows = [
        (label, calls.get(label, 0), value, _share(value, inline["wall"]))
        for label, value in sorted(seconds.items(), key=lambda item: -item[1])
    ]
    rows += [
        ("other: ORM, COMMITs, reading step files, imports on first use", "", other, _share(other, inline["wall"])),
        ("TOTAL chain_run_inline (same phases, no broker, one connection)", "", inline["wall"], "100%"),
        (
            "worker only: a new PostgreSQL connection per task (measured)",
            tasks,
            probes["connect"] * tasks,
            f"{probes['connect'] * 1000:.1f} ms each",
        ),
        (
            "worker only: one task.delay() publish to Redis (measured)",
            tasks - 1,
            probes["publish"] * (tasks - 1),
            f"{probes['publish'] * 1000:.2f} ms each",
        ),
    ]
    h.print_table(
        "Profile 3 - the same engine code in this process, instrumented", ["part", "calls", "seconds", "share"], rows
    )

    clean = probes["clean"]
    h.print_table(
        f"Profile 4 - clean_image on one painted {clean['size'][0]}x{clean['size'][1]} PNG",
        ["part", "ms"],
        [(k, v * 1000) for k, v in clean["parts"].items()],
    )


def _share(part: float, whole: float) -> str:
    return f"{part / whole * 100:.0f}%" if whole else "-"


# --- main ------------------------------------------------------------------------------------


def measure(worker: h.Worker, start_image: bytes, rounds: int, steps: int) -> dict:
    """Warm both contenders, then alternate worker / plain loop `rounds` times."""
    from chains import images

    run_worker_chain(worker, start_image, WARMUP_STEPS)  # the child imports and connects
    origin = images.clean_image(start_image).original  # exactly what step 0 stores
    template = new_chain(start_image, steps)
    plain_loop(origin, 1, template)
    worker_runs, plain_times = [], []
    for _ in range(rounds):
        worker_runs.append(run_worker_chain(worker, start_image, steps))
        plain_times.append(plain_loop(origin, steps, template))
    return {"worker": worker_runs, "plain": plain_times, "template": template}


def other_tasks(run: dict) -> str:
    """Tasks other than the chain's phases that ran in the worker during the timed window."""
    busy = defaultdict(float)
    for task in h.task_runs(run["log"]):
        start = task.finished.timestamp() - task.runtime
        if task.name not in PHASE_OF_TASK and start < run["seen_at"]:
            busy[task.name.rsplit(".", 1)[-1]] += task.runtime
    return ", ".join(f"{name} {seconds:.2f}s" for name, seconds in busy.items())


def report(results: dict, ready: float, steps: int, threads: str) -> tuple[bool, dict]:
    worker_times = [run["wall"] for run in results["worker"]]
    plain_times = results["plain"]
    rows = [
        (i + 1, w, p, w / p, other_tasks(run) or "-")
        for i, (w, p, run) in enumerate(zip(worker_times, plain_times, results["worker"], strict=True))
    ]
    h.print_table(
        "Rounds (seconds)", ["round", "worker", "plain loop", "ratio", "other worker tasks in the window"], rows
    )
    worker, plain = h.median(worker_times), h.median(plain_times)
    ratio = worker / plain
    tasks = (steps + 1) * 2 + steps
    h.print_table(
        f"Orchestration: {steps}-step chain, {PROVIDER} provider, 1 prefork worker (concurrency 1), Redis",
        ["figure", "value"],
        [
            ("worker: chain_start -> completed (median)", f"{worker:.3f} s"),
            ("plain loop, same provider calls (median)", f"{plain:.3f} s"),
            ("ratio worker / plain (bar <= 1.15)", f"{ratio:.2f}"),
            ("overhead per task", f"{(worker - plain) / tasks * 1000:.1f} ms over {tasks} tasks"),
            ("worker start-up (not timed)", f"{ready:.2f} s"),
            ("OPENBLAS_NUM_THREADS = OMP_NUM_THREADS (both sides)", threads),
            ("machine", h.machine_note()),
        ],
    )
    passed = ratio <= BAR
    print(f"\nBar: ratio <= {BAR} -> {'PASS' if passed else 'FAIL'} ({ratio:.2f})")
    median_run = sorted(results["worker"], key=lambda run: run["wall"])[len(results["worker"]) // 2]
    return passed, {"median_run": median_run, "worker": worker, "plain": plain}


def main() -> int:
    global PROVIDER
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=5, help="alternating rounds (medians compared)")
    parser.add_argument("--steps", type=int, default=STEPS)
    parser.add_argument(
        "--provider",
        default=PROVIDER,
        help="local (default: ~6 ms per call, a worst case for overhead) or "
        "bench.sleepy_provider (300 ms per call, a stand-in for API latency)",
    )
    parser.add_argument("--profile", action="store_true", help="print the breakdown even when passing")
    parser.add_argument(
        "--native-threads",
        default="1",
        help="OPENBLAS_NUM_THREADS and OMP_NUM_THREADS for this process and the worker; "
        "'default' leaves them unset (numpy/sklearn then spin a 2nd core on tiny "
        "arrays and timings swing by up to 2x)",
    )
    args = parser.parse_args()
    PROVIDER = args.provider
    if args.native_threads != "default":  # before numpy is first imported
        os.environ.update(OPENBLAS_NUM_THREADS=args.native_threads, OMP_NUM_THREADS=args.native_threads)

    work_dir, env = h.setup("bench-orchestration")
    if PROVIDER == "local":
        wait_for_local_provider()
    h.clear_chains()
    h.purge_queue()
    start_image = h.sample_image()
    worker = h.Worker(log_path=work_dir / "worker.log", env=env, pool="prefork", concurrency=1)
    try:
        worker.start()
        ready = worker.wait_ready()
        results = measure(worker, start_image, args.rounds, args.steps)
    except (h.ChainFailed, TimeoutError, RuntimeError) as error:
        print(f"bench failed: {error}\n--- worker log tail ---\n{worker.log()[-3000:]}", file=sys.stderr)
        return 2
    finally:
        worker.stop()
        h.purge_queue()
    print(f"(worker log: {worker.log_path})")
    passed, figures = report(results, ready, args.steps, args.native_threads)
    problems = h.db_errors(worker.log()) + h.log_problems(worker.log())
    if problems:
        print(f"\nWorker log problems ({len(problems)}):\n  " + "\n  ".join(problems[:20]))
    if not passed or args.profile:
        probes = {
            "inline": inline_breakdown(start_image, args.steps),
            "connect": connect_seconds(),
            "publish": publish_seconds(),
            "clean": clean_image_parts(results["template"]),
        }
        print_profile(figures["median_run"], figures["plain"], probes)
    return 0 if passed and not problems else 1


if __name__ == "__main__":
    sys.exit(main())
