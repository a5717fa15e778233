"""Orchestration overhead: what does running a chain as Celery tasks cost over a plain loop?

A 20-step chain with the offline LOCAL provider is run through real Redis and one
worker (prefork, concurrency 1, no mingle/gossip/beat), timed from `chain_start` to
the chain being seen completed (DB polled every 20 ms). The same provider calls are
then made in a plain loop in this process (caption -> embed -> paint for 20 steps,
plus the last caption and embed; each painted image fed straight to the next
caption; the same seeds and prompts via chains.modes; the same starting image).

    ratio = worker wall time / plain-loop wall time        bar: ratio <= 1.15

Rounds alternate worker / plain loop (default 5) and medians are compared, since a
shared 2-core machine is noisy. The worker is started and seen "ready", and warmed
with a 1-step chain, before anything is timed. OPENBLAS_NUM_THREADS=1 is set for both
sides by default: the local provider's tiny matrix products otherwise start OpenBLAS
threads that spin on the second core and make every figure swing by up to 2x.

When the bar is missed (or with --profile) the overhead is broken down: per-task
runtimes and the gaps between tasks from the worker log, provider time from the step
rows, and an instrumented in-process run of the same engine code (`chain_run_inline`:
no broker) that splits the rest into queries, image re-encoding and storage, plus the
measured cost of a PostgreSQL connect and a Redis publish. --trials re-times the
worker with each candidate fix applied in the worker only (bench/_fix_trials.py).

    python bench/bench_orchestration.py [--rounds 5] [--steps 20] [--profile] [--trials]
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

from bench import _harness as h  # noqa: E402

PROVIDER = "local"
STEPS = 20
SEED = 424242
BAR = 1.15
PHASE_OF_TASK = {"chains.tasks.caption_step": "caption", "chains.tasks.embed_step": "embed",
                 "chains.tasks.paint_next_step": "paint"}


def wait_for_local_provider(timeout: float = 600) -> None:
    """The local backend may still be being written; wait until it has its `build`."""
    import importlib

    def ready():
        try:
            return hasattr(importlib.reload(importlib.import_module("chains.providers.local")), "build")
        except Exception:
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
    wall = h.run_chains([chain], timeout=600)
    h.check_complete(chain)
    time.sleep(0.2)  # let the last "succeeded" line reach the log file
    return {"wall": wall, "chain": chain, "log": worker.log_since(offset)}


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
        caption = providers.captioner.caption(CaptionRequest(
            image=image,
            instructions=modes.caption_instructions(mode=chain.mode, detail=chain.detail,
                                                    theme=chain.theme, step_index=index),
            detail=chain.detail, mode=chain.mode, theme=chain.theme,
            step_index=index, seed=chain.seed + index,
        ))
        providers.embedder.embed([caption.text])
        if index < steps:
            prompt = modes.paint_prompt(mode=chain.mode, caption=caption.text, theme=chain.theme,
                                        step_index=index)
            image = providers.painter.paint(
                PaintRequest(prompt=prompt, seed=chain.seed + index + 1, step_index=index + 1)
            ).image
    return time.perf_counter() - started


# --- profiling -------------------------------------------------------------------------------


def worker_breakdown(run: dict) -> dict:
    """Split one worker run's wall time into task runtimes and the gaps between tasks."""
    from chains.models import Step

    runs = h.task_runs(run["log"])
    by_phase: dict[str, list[float]] = defaultdict(list)
    for task in runs:
        by_phase[PHASE_OF_TASK.get(task.name, task.name)].append(task.runtime)
    gaps = []
    for previous, current in zip(runs, runs[1:]):
        start = current.finished.timestamp() - current.runtime
        gaps.append(start - previous.finished.timestamp())
    steps = Step.objects.filter(chain=run["chain"])
    provider_ms = sum((s.caption_ms or 0) + (s.embed_ms or 0) + (s.paint_ms or 0) for s in steps)
    runtime = sum(task.runtime for task in runs)
    return {"tasks": len(runs), "runtime": runtime, "by_phase": dict(by_phase), "gaps": gaps,
            "provider": provider_ms / 1000, "wall": run["wall"]}


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
        (providers.captioner, "caption", "provider"), (providers.embedder, "embed", "provider"),
        (providers.painter, "paint", "provider"),
        (images, "clean_image", "image re-encoding (clean_image)"),
        (images, "store_step_images", "storage writes"),
        (images, "load_stored_original", "storage exists-check"),
    ]
    with ExitStack() as stack:
        for owner, name, label in targets:
            original = getattr(owner, name)
            setattr(owner, name, meter.wrap(label, original))
            stack.callback(_restore, owner, name, original)
        stack.enter_context(connection.execute_wrapper(meter.db))
        yield


def _restore(owner, name, original):
    if isinstance(owner, type(sys)):
        setattr(owner, name, original)
    else:
        delattr(owner, name)  # the instance attribute hid the class method


def inline_breakdown(start_image: bytes, steps: int) -> dict:
    """The same engine phases run in-process with no broker, instrumented."""
    from chains.services import chain_run_inline

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

    from PIL import Image, ImageOps

    from chains import images
    from chains.providers import build_providers
    from chains.providers.base import PaintRequest

    painter = build_providers(chain.provider, chain.provider_settings).painter
    painted = painter.paint(PaintRequest(prompt="a red sun over green hills", seed=1)).image
    parts: dict[str, float] = defaultdict(float)
    for _ in range(samples):
        t0 = time.perf_counter()
        picture = images.to_rgb(ImageOps.exif_transpose(images.open_still_image(painted)))
        t1 = time.perf_counter()
        images.encode_webp(picture, images.ORIGINAL_QUALITY)
        t2 = time.perf_counter()
        parts["decode PNG"] += t1 - t0
        parts["encode original WebP q90"] += t2 - t1
        for width in images.settings.TELEPHONE_THUMBNAIL_WIDTHS:
            t3 = time.perf_counter()
            small = images.thumbnail(picture, width)
            images.encode_webp(small, images.THUMBNAIL_QUALITY)
            same = " (same size as original!)" if small.size == picture.size else ""
            parts[f"thumbnail w{width}: resize+encode{same}"] += time.perf_counter() - t3
        stored = images.encode_webp(picture, images.ORIGINAL_QUALITY)
        t4 = time.perf_counter()
        Image.open(io.BytesIO(stored)).load()
        parts["(next caption) decode the stored WebP"] += time.perf_counter() - t4
    size = Image.open(io.BytesIO(painted)).size
    return {"size": size, "parts": {k: v / samples for k, v in parts.items()}}


def print_profile(worker_run: dict, plain: float, probes: dict) -> None:
    """Four tables: the worker run split up, per phase, in-process instrumented, clean_image."""
    w = worker_breakdown(worker_run)
    tasks = max(w["tasks"], 1)
    inside = w["runtime"] - w["provider"]
    between = w["wall"] - w["runtime"]
    h.print_table(
        "Profile 1 - the median worker run, from its log and the step rows",
        ["part", "seconds", "share", "per task ms"],
        [
            ("wall: chain_start -> completed seen", w["wall"], "100%", w["wall"] / tasks * 1000),
            ("  provider calls (Step.caption_ms/embed_ms/paint_ms)", w["provider"],
             _share(w["provider"], w["wall"]), w["provider"] / tasks * 1000),
            ("  rest inside tasks: DB, connect, clean_image, storage, publish", inside,
             _share(inside, w["wall"]), inside / tasks * 1000),
            ("  between tasks: ack, broker hop, hand-off to child, poll", between,
             _share(between, w["wall"]), between / tasks * 1000),
            ("plain loop, same provider calls (for scale)", plain, _share(plain, w["wall"]),
             plain / tasks * 1000),
        ],
    )
    rows = [(phase, len(times), sum(times), h.median(times) * 1000)
            for phase, times in sorted(w["by_phase"].items())]
    if w["gaps"]:
        rows.append(("gap: end of task k -> start of task k+1", len(w["gaps"]), sum(w["gaps"]),
                     h.median(w["gaps"]) * 1000))
    h.print_table(f"Profile 2 - worker log: {w['tasks']} tasks (\"succeeded in Xs\") and the gaps",
                  ["what", "count", "total s", "median ms"], rows)

    inline = probes["inline"]
    seconds, calls = inline["seconds"], inline["calls"]
    other = inline["wall"] - sum(seconds.values())
    rows = [(label, calls.get(label, 0), value, _share(value, inline["wall"]))
            for label, value in sorted(seconds.items(), key=lambda item: -item[1])]
    rows += [
        ("other: ORM building/reading rows, COMMITs, reading step files", "", other,
         _share(other, inline["wall"])),
        ("TOTAL chain_run_inline (same phases, no broker, one connection)", "", inline["wall"], "100%"),
        ("worker only: a new PostgreSQL connection per task (measured)", tasks,
         probes["connect"] * tasks, f"{probes['connect'] * 1000:.1f} ms each"),
        ("worker only: one task.delay() publish to Redis (measured)", tasks - 1,
         probes["publish"] * (tasks - 1), f"{probes['publish'] * 1000:.2f} ms each"),
    ]
    h.print_table("Profile 3 - the same engine code in this process, instrumented",
                  ["part", "calls", "seconds", "share"], rows)

    clean = probes["clean"]
    h.print_table(f"Profile 4 - clean_image on one painted {clean['size'][0]}x{clean['size'][1]} PNG",
                  ["part", "ms"], [(k, v * 1000) for k, v in clean["parts"].items()])


def _share(part: float, whole: float) -> str:
    return f"{part / whole * 100:.0f}%" if whole else "-"


TRIALS = ["", "db-reuse", "thumb-reuse", "thumb-reuse,webp-m2", "db-reuse,thumb-reuse,webp-m2"]


def run_trials(env: dict, work_dir: Path, start_image: bytes, steps: int, rounds: int,
               plain: float) -> None:
    """Re-time the worker with each candidate fix (bench/_fix_trials.py), interleaved.

    Every configuration gets a fresh worker per round, in rotation with the unfixed
    baseline, so a burst of load on the shared machine hits them all alike.
    """
    walls: dict[str, list[float]] = {trial: [] for trial in TRIALS}
    for _ in range(rounds):
        for trial in TRIALS:
            h.purge_queue()
            worker = h.Worker(log_path=work_dir / f"worker-trial-{trial or 'none'}.log",
                              app="bench._fix_trials", env=dict(env, BENCH_TRIALS=trial))
            try:
                worker.start()
                worker.wait_ready()
                run_worker_chain(worker, start_image, 1)
                walls[trial].append(run_worker_chain(worker, start_image, steps)["wall"])
            finally:
                worker.stop()
    baseline = h.median(walls[""])
    rows = []
    for trial in TRIALS:
        wall = h.median(walls[trial])
        rows.append((trial or "none (baseline)", wall, wall / plain,
                     f"{(baseline - wall) * 1000:.0f}" if trial else "",
                     " ".join(f"{t:.2f}" for t in walls[trial])))
    h.print_table(f"Trials - candidate fixes in the worker only, {rounds} interleaved rounds "
                  f"(ratio vs the plain loop's {plain:.3f} s)",
                  ["fix", "median s", "ratio", "ms saved", "runs"], rows)


# --- main ------------------------------------------------------------------------------------


def measure(worker: h.Worker, start_image: bytes, rounds: int, steps: int) -> dict:
    """Warm both contenders, then alternate worker / plain loop `rounds` times."""
    from chains import images

    run_worker_chain(worker, start_image, 1)  # the child imports the provider, connects
    origin = images.clean_image(start_image).original  # exactly what step 0 stores
    template = new_chain(start_image, steps)
    plain_loop(origin, 1, template)
    worker_runs, plain_times = [], []
    for _ in range(rounds):
        worker_runs.append(run_worker_chain(worker, start_image, steps))
        plain_times.append(plain_loop(origin, steps, template))
    return {"worker": worker_runs, "plain": plain_times, "template": template}


def report(results: dict, ready: float, steps: int, blas: str) -> tuple[bool, dict]:
    worker_times = [run["wall"] for run in results["worker"]]
    plain_times = results["plain"]
    rows = [(i + 1, w, p, w / p) for i, (w, p) in enumerate(zip(worker_times, plain_times))]
    h.print_table("Rounds (seconds)", ["round", "worker", "plain loop", "ratio"], rows)
    worker, plain = h.median(worker_times), h.median(plain_times)
    ratio = worker / plain
    tasks = (steps + 1) * 2 + steps
    h.print_table(
        f"Orchestration: {steps}-step chain, local provider, 1 prefork worker (concurrency 1), Redis",
        ["figure", "value"],
        [
            ("worker: chain_start -> completed (median)", f"{worker:.3f} s"),
            ("plain loop, same provider calls (median)", f"{plain:.3f} s"),
            ("ratio worker / plain (bar <= 1.15)", f"{ratio:.2f}"),
            ("overhead per task", f"{(worker - plain) / tasks * 1000:.1f} ms over {tasks} tasks"),
            ("worker start-up (not timed)", f"{ready:.2f} s"),
            ("OPENBLAS_NUM_THREADS (both sides)", blas),
            ("machine", h.machine_note()),
        ],
    )
    passed = ratio <= BAR
    print(f"\nBar: ratio <= {BAR} -> {'PASS' if passed else 'FAIL'} ({ratio:.2f})")
    median_run = sorted(results["worker"], key=lambda run: run["wall"])[len(results["worker"]) // 2]
    return passed, {"median_run": median_run, "worker": worker, "plain": plain}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=5, help="alternating rounds (medians compared)")
    parser.add_argument("--steps", type=int, default=STEPS)
    parser.add_argument("--profile", action="store_true", help="print the breakdown even when passing")
    parser.add_argument("--trials", action="store_true",
                        help="also time the worker with each candidate fix (bench/_fix_trials.py)")
    parser.add_argument("--trial-rounds", type=int, default=3)
    parser.add_argument("--blas-threads", default="1",
                        help="OPENBLAS_NUM_THREADS for this process and the worker; 'default' leaves "
                             "it unset (the local provider then spins a 2nd core and timings get noisy)")
    args = parser.parse_args()
    if args.blas_threads != "default":
        os.environ["OPENBLAS_NUM_THREADS"] = args.blas_threads  # before numpy is first imported

    work_dir, env = h.setup("bench-orchestration")
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
    passed, figures = report(results, ready, args.steps, args.blas_threads)
    problems = h.db_errors(worker.log()) + h.log_problems(worker.log())
    if problems:
        print(f"\nWorker log problems ({len(problems)}):\n  " + "\n  ".join(problems[:20]))
    if not passed or args.profile:
        probes = {"inline": inline_breakdown(start_image, args.steps), "connect": connect_seconds(),
                  "publish": publish_seconds(),
                  "clean": clean_image_parts(results["template"])}
        print_profile(figures["median_run"], figures["plain"], probes)
    if args.trials:
        run_trials(env, work_dir, start_image, args.steps, args.trial_rounds, figures["plain"])
    return 0 if passed and not problems else 1


if __name__ == "__main__":
    sys.exit(main())
