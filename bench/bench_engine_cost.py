"""Engine cost per phase task: CPU the worker spends beyond the provider call.

Sleepy chains (`bench.sleepy_provider`, answering photo-like PNGs of `--side` px) run
one at a time through ONE worker (`--pool threads --concurrency 1`, so nothing else
shares the GIL), started by `_profiled_worker.py`, which reads each phase task's
thread CPU clock (`time.thread_time`) around the task. The worker's own figures come
from its log: each phase line carries `cpu_ms`, `image_cpu_ms`, `provider_cpu_ms` and
`engine_cpu_ms` (`chains.metering`). Separately, in this process, the image work of
one painted answer is timed part by part with `time.process_time`.

Bars (issue 11): engine CPU per phase task, median, excluding image decoding and
encoding <= 5 ms; image work for a 1024x1024 PNG answer (verify, re-encode,
thumbnails, descriptor) <= 80 ms CPU.

    python bench/bench_engine_cost.py [--chains 4] [--steps 5] [--side 1024] [--profile]

`--profile` adds cProfile inside every phase task and prints where the CPU goes:
inclusive time of the engine's named steps, and exclusive time by library.
"""

from __future__ import annotations

import argparse
import pstats
import re
import sys
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import _harness as h

ENGINE_BAR_MS = 5.0
WARMUP_STEPS = 5  # a chain that long ends through t-SNE: every first-use import is paid
WARMUP_TASKS = (WARMUP_STEPS + 1) * 2 + WARMUP_STEPS
IMAGE_BAR_MS = 80.0
PHASE_NAMES = {
    "chains.tasks.caption_step": "caption",
    "chains.tasks.embed_step": "embed",
    "chains.tasks.paint_next_step": "paint",
    "chains.tasks.screen_step": "screen",
}
METER_LINE = re.compile(
    r"phase=step_(?P<phase>caption|embed|paint|screen)\w* step=\d+ outcome=(?P<outcome>[\w ]+?) "
    r"(?P<fields>(?:\w+_ms=[\d.-]+ ?)+)"
)
# Engine steps whose inclusive cProfile time is shown (any that exist in this version).
NAMED_STEPS = [
    ("chains/tasks.py", "run_phase", "the whole phase (run_phase)"),
    ("chains/services/phases.py", "_load_step", "load step + chain"),
    ("chains/services/phases.py", "chain_claim", "claim"),
    ("chains/services/phases.py", "chain_release", "release claim"),
    ("chains/services/phases.py", "_out_of_budget", "budget check"),
    ("chains/providers/__init__.py", "build_providers", "build_providers (cached)"),
    ("chains/providers/__init__.py", "build_role", "the role's provider (clients cached)"),
    ("bench/sleepy_provider.py", "caption", "provider: caption"),
    ("bench/sleepy_provider.py", "embed", "provider: embed"),
    ("bench/sleepy_provider.py", "paint", "provider: paint"),
    ("chains/images.py", "load_stored_original", "crash-recovery exists check"),
    ("chains/images.py", "clean_image", "image: clean_image (decode, re-encode, thumbnails)"),
    ("chains/images.py", "store_step_images", "storage: write original + thumbnails"),
    ("chains/services/analysis.py", "step_describe_image", "image descriptor + similarities"),
    ("chains/services/drift.py", "step_record_similarities", "caption similarities + drift curve"),
    ("chains/services/phases.py", "_create_painted_step", "insert the painted step"),
    ("chains/services/painting.py", "_create_painted_step", "insert the painted step"),
    ("chains/services/phases.py", "open_call", "ledger: the intent row (+ closing calls left open)"),
    ("chains/services/ledger.py", "call_complete", "ledger: answer + settle (one write)"),
    ("chains/services/ledger.py", "call_settle_answered", "ledger: settle the paid picture"),
    ("chains/services/phases.py", "_finish_phase", "chain: totals + progress + release (one write)"),
    ("chains/services/drift.py", "step_similarities", "caption similarities + drift curve (one read)"),
    ("chains/services/ledger.py", "calls_abandon", "ledger: close calls a crash left open"),
    ("chains/services/ledger.py", "call_open", "ledger: the intent row"),
    ("chains/services/ledger.py", "call_answered", "ledger: the answer"),
    ("chains/services/ledger.py", "call_settle", "ledger: settle + chain totals"),
    ("chains/services/screening.py", "_publish", "screening: publish"),
    ("chains/services/phases.py", "_record_progress", "chain totals"),
    ("chains/cache.py", "content_changed", "page-cache version bumps"),
    ("chains/services/lifecycle.py", "chain_enqueue_next", "next work: select + publish"),
    ("chains/services/lifecycle.py", "chain_enqueue", "next work: publish (derived from what was written)"),
    ("chains/selectors/chains.py", "chain_next_work", "  of which: next-work selector"),
    ("chains/services/dispatch.py", "enqueue_work", "  of which: publish to the broker"),
    ("chains/services/screening.py", "step_screen", "screening"),
    ("chains/compiled.py", "first", "statements compiled once: reads"),
    ("chains/compiled.py", "update", "statements compiled once: updates"),
    ("chains/compiled.py", "insert", "statements compiled once: inserts"),
    ("django/db/backends/base/base.py", "commit", "COMMITs"),
    ("logging/__init__.py", "_log", "logging"),
]
# Exclusive time, by where the code lives.
LIBRARIES = [
    ("PostgreSQL driver (psycopg)", ("psycopg",)),
    ("Django ORM and DB layer", ("django/db",)),
    ("other Django", ("django/",)),
    ("Redis / kombu / Celery", ("redis/", "kombu/", "celery/", "billiard/", "amqp/")),
    ("Pillow", ("PIL/",)),
    ("NumPy", ("numpy/",)),
    ("logging", ("logging/",)),
    ("the project", ("/chains/", "/telephone_site/", "/bench/")),
]


def make_chains(count: int, *, steps: int, side: int, delay: float, dimension: int) -> list:
    """Sleepy chains with realistic answers; creation (and its image work) is not timed."""
    from bench.sleepy_provider import BACKEND, photo_png, small_png
    from chains.models import Chain
    from chains.services import chain_create

    chains = []
    for n in range(count):
        start = photo_png(n, side) if side else small_png(n)
        chain = chain_create(image=start, target_length=steps, provider=BACKEND, seed=1000 + n)
        snapshot = {**chain.provider_settings, "delay_seconds": delay, "image_side": side, "dimension": dimension}
        Chain.objects.filter(pk=chain.pk).update(provider_settings=snapshot)
        chain.provider_settings = snapshot
        chains.append(chain)
    return chains


def run_alone(worker: h.Worker, chains: list) -> None:
    for chain in chains:
        offset = worker.log_size()
        h.run_chains([chain], timeout=120, worker=worker)
        h.check_complete(chain)
        worker.wait_idle(offset)


def task_cpu(measure_dir: Path, skip: int) -> dict[str, list[float]]:
    """Thread CPU ms per phase task, from the launcher's lines (the first `skip` are warm-up)."""
    lines = []
    for path in sorted(measure_dir.glob("tasks.*.tsv")):
        lines += path.read_text().splitlines()
    by_phase: dict[str, list[float]] = defaultdict(list)
    for line in lines[skip:]:
        name, cpu, _wall = line.split("\t")
        by_phase[PHASE_NAMES[name]].append(float(cpu) * 1000)
    return by_phase


def task_lines(measure_dir: Path) -> int:
    return sum(len(path.read_text().splitlines()) for path in measure_dir.glob("tasks.*.tsv"))


def metered(log_text: str) -> dict[str, dict[str, list[float]]]:
    """The worker's own figures per phase: {"paint": {"engine_cpu_ms": [...], ...}}."""
    figures: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    for match in METER_LINE.finditer(log_text):
        if match["outcome"] != "done":
            continue
        for field in match["fields"].split():
            key, value = field.split("=")
            figures[match["phase"]][key].append(float(value))
    return figures


def image_work(side: int, samples: int = 7) -> dict[str, float]:
    """CPU ms (median) of each part of handling one painted answer of `side` px."""
    import functools
    import inspect
    import io
    import tempfile

    from django.core.files.storage import FileSystemStorage
    from PIL import Image

    from bench.sleepy_provider import photo_png
    from chains import images
    from chains.metrics import descriptors

    answer = photo_png(3, side)
    storage = FileSystemStorage(location=tempfile.mkdtemp(prefix="bench-image-"))
    store = images.store_step_images
    if "token" in inspect.signature(store).parameters:  # keys named by the ledger call's token
        store = functools.partial(store, token="bench")
    parts: dict[str, list[float]] = defaultdict(list)
    for _ in range(samples):
        t0 = time.process_time()
        images.open_still_image(answer)
        t1 = time.process_time()
        clean = images.clean_image(answer)
        t2 = time.process_time()
        source = clean.thumbnails.get(320) or clean.original
        descriptors.image_descriptor(source)
        t3 = time.process_time()
        store(chain_id=1, index=1, image=clean, storage=storage)
        t4 = time.process_time()
        Image.open(io.BytesIO(clean.original)).load()
        t5 = time.process_time()
        parts["verify: sniff + decode the PNG"].append(t1 - t0)
        parts["clean_image: decode, re-encode, thumbnails"].append(t2 - t1)
        parts["descriptor (from the 320 px thumbnail)"].append(t3 - t2)
        parts["IMAGE WORK (clean_image + descriptor)"].append(t3 - t1)
        parts["storage: write 4 files (local disk)"].append(t4 - t3)
        parts["(next caption) read back the stored original"].append(t5 - t4)
    figures = {part: h.median(values) * 1000 for part, values in parts.items()}
    figures["answer size (KB)"] = len(answer) / 1024
    return figures


def image_work_in(root: Path, side: int, env: dict) -> dict[str, float]:
    """`image_work` run by a tree's own code, in a fresh process (for A/B comparisons)."""
    import json
    import subprocess

    script = (
        "import json, django; django.setup(); from bench.bench_engine_cost import image_work; "
        f"print(json.dumps(image_work({side})))"
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=root, env=env, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def print_profiles(measure_dir: Path, counts: dict[str, int]) -> None:
    for path in sorted(measure_dir.glob("*.prof")):
        phase = path.name.split(".")[0].replace("_step", "").replace("paint_next", "paint")
        stats = pstats.Stats(str(path))
        tasks = max(counts.get(phase, 1), 1)
        named = _named(stats, tasks)
        h.print_table(
            f"cProfile, {phase} tasks ({tasks}): inclusive CPU ms per task (profiler inflates)",
            ["engine step", "ms per task"],
            named,
        )
        h.print_table(
            f"cProfile, {phase} tasks: exclusive CPU ms per task by library",
            ["where", "ms per task"],
            _by_library(stats, tasks),
        )
        top = sorted(stats.stats.items(), key=lambda item: -item[1][2])[:12]
        h.print_table(
            f"cProfile, {phase} tasks: top functions by own time",
            ["function", "calls/task", "own ms/task"],
            [(f"{_short(key[0])}:{key[1]} {key[2]}", round(v[1] / tasks, 1), v[2] / tasks * 1000) for key, v in top],
        )


def _named(stats: pstats.Stats, tasks: int) -> list[tuple]:
    rows = []
    for file_part, function, label in NAMED_STEPS:
        total = sum(value[3] for key, value in stats.stats.items() if key[2] == function and key[0].endswith(file_part))
        if total:
            rows.append((label, total / tasks * 1000))
    return rows


def _by_library(stats: pstats.Stats, tasks: int) -> list[tuple]:
    totals: dict[str, float] = defaultdict(float)
    for key, value in stats.stats.items():
        where = next(
            (label for label, parts in LIBRARIES if any(p in key[0] for p in parts)),
            "built-ins (C calls: sockets, encoders, ...)" if key[0] == "~" else "other Python",
        )
        totals[where] += value[2]
    return sorted(((label, seconds / tasks * 1000) for label, seconds in totals.items()), key=lambda r: -r[1])


def _short(filename: str) -> str:
    for marker in ("site-packages/", "/work/", "lib/python3.11/"):
        if marker in filename:
            return filename.split(marker, 1)[1]
    return filename


def report(cpu: dict, meter: dict, image: dict, side: int) -> bool:
    rows = []
    for phase in ("caption", "embed", "paint", "screen"):
        figures = meter.get(phase, {})
        rows.append(
            (
                phase,
                len(cpu.get(phase, [])),
                _med(cpu.get(phase)),
                _med(figures.get("cpu_ms")),
                _med(figures.get("image_cpu_ms")),
                _med(figures.get("provider_cpu_ms")),
                _med(figures.get("engine_cpu_ms")),
            )
        )
    all_cpu = [v for values in cpu.values() for v in values]
    engine_all = [v for figures in meter.values() for v in figures.get("engine_cpu_ms", [])]
    rows.append(
        (
            "all phases",
            len(all_cpu),
            _med(all_cpu),
            _med([v for f in meter.values() for v in f.get("cpu_ms", [])]),
            "",
            "",
            _med(engine_all),
        )
    )
    h.print_table(
        "CPU per phase task, median ms (one task at a time: no GIL sharing)",
        ["phase", "tasks", "thread CPU (launcher)", "cpu_ms (worker log)", "image", "provider", "ENGINE"],
        rows,
    )
    h.print_table(f"Image work for one {side}x{side} PNG answer, CPU ms (median)", ["part", "ms"], list(image.items()))
    engine = h.median(engine_all) if engine_all else float("nan")
    image_ms = image["IMAGE WORK (clean_image + descriptor)"]
    print(f"\nmachine: {h.machine_note()}")
    engine_ok = engine <= ENGINE_BAR_MS
    image_ok = image_ms <= IMAGE_BAR_MS
    print(
        f"Bar: engine CPU per phase task (median) <= {ENGINE_BAR_MS} ms -> "
        f"{'PASS' if engine_ok else 'FAIL'} ({engine:.2f} ms)"
    )
    print(
        f"Bar: image work per {side}px answer <= {IMAGE_BAR_MS} ms CPU -> "
        f"{'PASS' if image_ok else 'FAIL'} ({image_ms:.1f} ms)"
    )
    return engine_ok and image_ok


def _med(values) -> str | float:
    return round(h.median(values), 2) if values else "-"


@dataclass
class Run:
    """One tree's measurement: thread CPU per phase, the worker's own figures, its log."""

    label: str
    cpu: dict[str, list[float]]
    meter: dict[str, dict[str, list[float]]]
    log: str
    measure_dir: Path


def measure_tree(root: Path, label: str, work_dir: Path, env: dict, args) -> Run:
    """Start a worker from `root`, warm it up, run the chains one by one, stop it."""
    run_dir = work_dir / label
    measure_dir = run_dir / "measure"
    worker = h.Worker(
        log_path=run_dir / "worker.log",
        env=env,
        pool="threads",
        concurrency=1,
        measure_dir=measure_dir,
        profile=args.profile,
        profile_skip=WARMUP_TASKS,
        root=root,
    )
    options = dict(steps=args.steps, side=args.side, delay=args.delay, dimension=args.dimension)
    try:
        worker.start()
        worker.wait_ready()
        run_alone(worker, make_chains(1, **{**options, "steps": WARMUP_STEPS}))  # imports, connections
        warm_tasks = task_lines(measure_dir)
        offset = worker.log_size()
        run_alone(worker, make_chains(args.chains, **options))
        log = worker.log_since(offset)
    finally:
        worker.stop()
        h.purge_queue()
    print(f"({label}: worker log {worker.log_path}; measurements {measure_dir})")
    return Run(label, task_cpu(measure_dir, skip=warm_tasks), metered(log), log, measure_dir)


def merge(runs: list[Run]) -> Run:
    """Several rounds of one tree as one sample."""
    cpu: dict[str, list[float]] = defaultdict(list)
    meter: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    for run in runs:
        for phase, values in run.cpu.items():
            cpu[phase] += values
        for phase, figures in run.meter.items():
            for key, values in figures.items():
                meter[phase][key] += values
    return Run(runs[0].label, cpu, meter, "".join(run.log for run in runs), runs[-1].measure_dir)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--chains", type=int, default=4, help="chains per round, run one after another")
    parser.add_argument("--steps", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=1, help="rounds (alternating with --compare)")
    parser.add_argument("--side", type=int, default=1024, help="painted PNG side (0: 64 px square)")
    parser.add_argument("--delay", type=float, default=0.05, help="provider sleep per call, s")
    parser.add_argument("--dimension", type=int, default=1536, help="embedding dimension")
    parser.add_argument("--profile", action="store_true", help="cProfile inside each phase task")
    parser.add_argument(
        "--compare",
        type=Path,
        metavar="TREE",
        help="another checkout (e.g. `git archive` of an older commit, with this "
        "bench/ copied in): its worker is measured in alternating rounds",
    )
    args = parser.parse_args()

    work_dir, env = h.setup("bench-engine-cost")
    h.clear_chains()
    h.purge_queue()
    trees = ([(args.compare.resolve(), "baseline")] if args.compare else []) + [(h.ROOT, "this tree")]
    rounds: dict[str, list[Run]] = defaultdict(list)
    try:
        for number in range(args.rounds):
            for root, label in trees:
                rounds[label].append(measure_tree(root, label, work_dir / f"round{number + 1}", env, args))
    except (h.ChainFailed, TimeoutError, RuntimeError) as error:
        print(f"bench failed: {error}", file=sys.stderr)
        return 2
    side = args.side or 64
    passed, problems = False, []
    for root, label in trees:
        runs = rounds[label]
        run = merge(runs)
        print(f"\n=== {label}: {root} ({len(runs)} round(s)) ===")
        if args.profile:
            print_profiles(run.measure_dir, {phase: len(values) // len(runs) for phase, values in run.cpu.items()})
        passed = report(run.cpu, run.meter, image_work_in(root, side, env), side)
        problems += h.db_errors(run.log) + h.log_problems(run.log)
    for line in problems[:10]:
        print("  worker: " + line)
    return 0 if passed and not problems else 1


if __name__ == "__main__":
    sys.exit(main())
