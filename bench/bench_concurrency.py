"""Chains in flight: how many can one worker box keep going while providers take seconds?

Sleepy chains (`bench.sleepy_provider`: every caption, paint and embed waits
`delay` seconds, paints answer photo-like PNGs of `side` px) run through real
`celery worker` processes on PostgreSQL and Redis, with the production pool: one
process per core (`--processes`, each pinned to its own core), each
`--pool threads --concurrency <threads>` on the captions and paints queues, with a
database pool of `pool` connections per process (DATABASE_POOL_SIZE), beside one
worker of concurrency 1 for the celery and renders queues (share cards, atlas), as
deploy/ runs a box. Scenarios (issue 11):

* `inflight`: 100 chains x 3 steps, 2 s per call, 1024 px answers. Bar: all at once
  take <= 1.5x the wall of one chain alone; worker RSS <= 1.5 GiB; no database error;
  connections bounded by processes x pool.
* `wide`: 400 chains x 1 step, same provider. Bar: no error, and wall <= 1.5x the
  CPU bound: the workers' total measured CPU (every process of the box: phase tasks
  with their image work, chain completions, share cards) spread over the cores, or
  the chain's own sleeps when larger. (The median task x the task count, used
  before, left out paint's image work, most of the box's CPU.)
* `scaleout`: CPU-bound (no sleep, 1024 px answers): the same chains through 1
  worker process on one core, then through 2 on two cores (standing in for 2
  machines). Bar: 2 are >= 1.8x faster.
* `smoke`: 16 chains x 2 steps, 0.5 s per call, small answers; CI runs this size
  through `tests/integration/test_concurrency_smoke.py` with a generous bound.
* `classic`: the original 8 chains x 5 steps, 0.3 s, 64 px, one process of 8 threads.

    python bench/bench_concurrency.py inflight [--rounds 1] [--processes 2] [--threads 50]

Exit 0 when the scenario's bars are met, 1 when one is missed, 2 when a run broke.
"""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import dataclass, replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import _harness as h
from bench import _resources as r


@dataclass(frozen=True)
class Scenario:
    chains: int
    steps: int
    delay: float
    side: int
    processes: int
    threads: int
    pool: int = 8
    ratio_bar: float = 1.5  # all at once vs one alone (inflight, smoke, classic)
    rss_bar_gib: float = 1.5
    worker_pool: str = "threads"  # bin/worker's; `--worker-pool gevent` to compare


SCENARIOS = {
    "inflight": Scenario(chains=100, steps=3, delay=2.0, side=1024, processes=2, threads=50),
    "wide": Scenario(chains=400, steps=1, delay=2.0, side=1024, processes=2, threads=200),
    "scaleout": Scenario(chains=24, steps=2, delay=0.0, side=1024, processes=2, threads=4),
    "smoke": Scenario(chains=16, steps=2, delay=0.5, side=256, processes=1, threads=16, pool=4, ratio_bar=3.0),
    "classic": Scenario(chains=8, steps=5, delay=0.3, side=0, processes=1, threads=8, ratio_bar=1.5),
}
SCALEOUT_BAR = 1.8
# As deploy/ runs a box: processes for the loop's queues, and one worker of concurrency 1
# for the rest (reconciler, atlas, share cards, animations), as `@celery` and `@renders`.
BOX_QUEUES = "captions,paints"
AUX_QUEUES = "celery,renders"
AUX_POOL = 2
AUX_NICE = 10  # deploy/systemd: the renders instance runs with Nice=10
# What deploy/ sets for workers: glibc's per-thread malloc arenas otherwise hold on to
# freed picture buffers in each of dozens of threads (MALLOC_ARENA_MAX=2 -> RSS).
WORKER_ENV = {"MALLOC_ARENA_MAX": os.environ.get("BENCH_MALLOC_ARENA_MAX", "2")}
DIMENSION = 1536


def phase_tasks_per_chain(steps: int) -> int:
    """caption + embed for steps 0..N, paint for 1..N (screening tasks, if any, come on top)."""
    return (steps + 1) * 2 + steps


def make_chains(count: int, scenario: Scenario) -> list:
    from bench.bench_engine_cost import make_chains as make

    return make(count, steps=scenario.steps, side=scenario.side, delay=scenario.delay, dimension=DIMENSION)


def start_workers(
    scenario: Scenario, processes: int, work_dir: Path, env: dict, tag: str, *, pin: bool = False
) -> list[h.Worker]:
    """`pin`: each process on a core of its own, standing in for a machine (scale-out)."""
    cores = sorted(os.sched_getaffinity(0))
    workers = []
    for number in range(processes):
        worker = h.Worker(
            log_path=work_dir / f"{tag}-worker{number + 1}.log",
            env=env,
            pool=scenario.worker_pool,
            concurrency=scenario.threads,
            name=f"{tag}{number + 1}",
            cpus={cores[number % len(cores)]} if pin else None,
            queues=BOX_QUEUES,
            extra_env={"DATABASE_POOL_SIZE": str(scenario.pool), **WORKER_ENV},
        )
        workers.append(worker.start())
    aux = h.Worker(
        log_path=work_dir / f"{tag}-aux.log",
        env=env,
        pool="threads",
        concurrency=1,
        name=f"{tag}-aux",
        queues=AUX_QUEUES,
        nice=AUX_NICE,
        extra_env={"DATABASE_POOL_SIZE": str(AUX_POOL), **WORKER_ENV},
    )
    workers.append(aux.start())
    for worker in workers:
        worker.wait_ready()
    return workers


def stop_workers(workers: list[h.Worker]) -> None:
    for worker in workers:
        worker.stop()


@dataclass
class RunResult:
    wall: float
    tasks: int
    task_cpu_ms: list[float]
    worker_cpu: float
    peak_rss: int
    peak_connections: int
    log: str


def timed_run(workers: list[h.Worker], chains: list, timeout: float) -> RunResult:
    """Start every chain, wait for all to complete, with the machine sampled meanwhile."""
    from bench.bench_engine_cost import metered

    offsets = [worker.log_size() for worker in workers]
    pgids = [worker.process.pid for worker in workers]
    cpu_before = r.group_cpu_seconds(pgids)
    with r.Sampler(pgids=pgids, database=h.DB_NAME, server_url=h.PG_SERVER) as sampler:
        wall = h.run_chains(chains, timeout=timeout, workers=workers)
    for chain in chains:
        h.check_complete(chain)
    log = "".join(worker.wait_idle(offset, timeout=120) for worker, offset in zip(workers, offsets, strict=True))
    figures = metered(log)
    cpu = [value for phase in figures.values() for value in phase.get("cpu_ms", [])]
    return RunResult(
        wall=wall,
        tasks=len(cpu),
        task_cpu_ms=cpu,
        worker_cpu=r.group_cpu_seconds(pgids) - cpu_before,
        peak_rss=sampler.peak_rss,
        peak_connections=sampler.peak_connections,
        log=log,
    )


def warm_up(workers: list[h.Worker], scenario: Scenario) -> None:
    """Imports (scikit-learn's, first needed when a chain of 3+ captions ends, cost a
    second of CPU), connections and each process's photos, before anything is timed."""
    timed_run(workers, make_chains(4 * len(workers), replace(scenario, steps=max(scenario.steps, 3))), timeout=600)


def run_inflight(scenario: Scenario, work_dir: Path, env: dict, rounds: int) -> bool:
    """One chain alone, then all of them at once, through the same workers."""
    workers = start_workers(scenario, scenario.processes, work_dir, env, "box")
    try:
        warm_up(workers, scenario)
        alone = [timed_run(workers, make_chains(1, scenario), timeout=600) for _ in range(rounds)]
        together = [timed_run(workers, make_chains(scenario.chains, scenario), timeout=1800) for _ in range(rounds)]
    finally:
        stop_workers(workers)
    return report_inflight(scenario, alone, together)


def report_inflight(scenario: Scenario, alone: list[RunResult], together: list[RunResult]) -> bool:
    one = h.median([run.wall for run in alone])
    wall = h.median([run.wall for run in together])
    worst = max(together, key=lambda run: run.wall)
    cpu = [value for run in together for value in run.task_cpu_ms]
    connections_bound = scenario.processes * scenario.pool + AUX_POOL + 1  # + the bench's own
    errors = h.db_errors(worst.log)
    problems = h.log_problems(worst.log)
    rows = [
        (
            "chains x steps, provider",
            f"{scenario.chains} x {scenario.steps}, {scenario.delay} s/call, {scenario.side or 64} px answers",
        ),
        (
            "workers",
            f"{scenario.processes} process(es) x --pool {scenario.worker_pool} --concurrency {scenario.threads}, "
            f"DB pool {scenario.pool} each; + 1 worker of concurrency 1 for {AUX_QUEUES}",
        ),
        ("one chain alone (median)", f"{one:.2f} s"),
        ("all at once (median)", f"{wall:.2f} s"),
        ("ratio all / one (bar)", f"{wall / one:.2f} (<= {scenario.ratio_bar})"),
        ("phase tasks in the last round", f"{worst.tasks}"),
        ("CPU per task, median / p90", f"{h.median(cpu):.1f} / {percentile(cpu, 0.9):.1f} ms"),
        (
            "worker CPU in the slowest round",
            f"{worst.worker_cpu:.1f} s ({worst.worker_cpu / worst.wall:.2f} cores busy)",
        ),
        (
            "peak worker RSS, all processes (bar)",
            f"{max(run.peak_rss for run in together) / 2**30:.2f} GiB (<= {scenario.rss_bar_gib})",
        ),
        ("peak DB connections (bound)", f"{max(run.peak_connections for run in together)} (<= {connections_bound})"),
        ("worker log: DB errors / other errors", f"{len(errors)} / {len(problems)}"),
        ("machine", h.machine_note()),
    ]
    h.print_table("In flight: all chains at once against one chain alone", ["figure", "value"], rows)
    for line in (errors + problems)[:10]:
        print("  worker: " + line)
    passed = (
        wall / one <= scenario.ratio_bar
        and not errors
        and not problems
        and max(run.peak_rss for run in together) <= scenario.rss_bar_gib * 2**30
        and max(run.peak_connections for run in together) <= connections_bound
    )
    print(f"\nBar -> {'PASS' if passed else 'FAIL'}")
    return passed


def run_wide(scenario: Scenario, work_dir: Path, env: dict) -> bool:
    """Many short chains: is the box's CPU the only limit?"""
    workers = start_workers(scenario, scenario.processes, work_dir, env, "box")
    try:
        warm_up(workers, scenario)
        run = timed_run(workers, make_chains(scenario.chains, scenario), timeout=1800)
    finally:
        stop_workers(workers)
    cores = min(scenario.processes, len(os.sched_getaffinity(0)))
    median_cpu = h.median(run.task_cpu_ms) / 1000
    tasks_cpu = sum(run.task_cpu_ms) / 1000
    tasks = scenario.chains * phase_tasks_per_chain(scenario.steps)
    cpu_bound = run.worker_cpu / cores
    critical_path = phase_tasks_per_chain(scenario.steps) * scenario.delay
    predicted = max(cpu_bound, critical_path)
    errors, problems = h.db_errors(run.log), h.log_problems(run.log)
    rows = [
        ("chains x steps", f"{scenario.chains} x {scenario.steps} ({tasks} loop tasks; {run.tasks} phase tasks ran)"),
        ("workers", f"{scenario.processes} x {scenario.worker_pool} {scenario.threads}, DB pool {scenario.pool} each"),
        ("wall", f"{run.wall:.2f} s"),
        ("CPU per task (median, worker's own figure)", f"{median_cpu * 1000:.1f} ms"),
        ("phase tasks' CPU, summed (their own figures)", f"{tasks_cpu:.1f} s"),
        ("worker CPU measured (all processes)", f"{run.worker_cpu:.1f} s"),
        ("CPU bound: worker CPU / cores", f"{cpu_bound:.2f} s on {cores} cores"),
        ("(old figure: tasks x median / cores)", f"{run.tasks * median_cpu / cores:.2f} s"),
        ("one chain's sleeps (critical path)", f"{critical_path:.2f} s"),
        ("predicted bound = the larger", f"{predicted:.2f} s"),
        ("wall / predicted (bar <= 1.5)", f"{run.wall / predicted:.2f}"),
        ("cores the workers had, on average", f"{run.worker_cpu / run.wall:.2f}"),
        ("peak worker RSS", f"{run.peak_rss / 2**30:.2f} GiB"),
        ("peak DB connections", f"{run.peak_connections} (<= {scenario.processes * scenario.pool + AUX_POOL + 1})"),
        ("worker log: DB errors / other errors", f"{len(errors)} / {len(problems)}"),
        ("machine", h.machine_note()),
    ]
    h.print_table("Wide: many one-step chains", ["figure", "value"], rows)
    for line in (errors + problems)[:10]:
        print("  worker: " + line)
    passed = run.wall <= 1.5 * predicted and not errors and not problems
    print(f"\nBar -> {'PASS' if passed else 'FAIL'}")
    return passed


def run_scaleout(scenario: Scenario, work_dir: Path, env: dict, rounds: int) -> bool:
    """The same CPU-bound batch through 1 process on one core, then 2 on two, alternating."""
    walls: dict[int, list[float]] = {1: [], 2: []}
    cpu_seconds: dict[int, list[float]] = {1: [], 2: []}
    for number in range(rounds):
        for processes in (1, 2):
            workers = start_workers(scenario, processes, work_dir, env, f"scale{processes}-r{number + 1}", pin=True)
            try:
                warm_up(workers, scenario)
                run = timed_run(workers, make_chains(scenario.chains, scenario), timeout=1800)
            finally:
                stop_workers(workers)
            walls[processes].append(run.wall)
            cpu_seconds[processes].append(run.worker_cpu)
    one, two = h.median(walls[1]), h.median(walls[2])
    rows = [
        (
            f"{processes} process(es), one core each",
            ", ".join(f"{w:.2f}" for w in walls[processes]),
            h.median(walls[processes]),
            h.median(cpu_seconds[processes]),
        )
        for processes in (1, 2)
    ]
    h.print_table(
        f"Scale-out: {scenario.chains} chains x {scenario.steps} steps, no sleep, "
        f"{scenario.side} px answers, threads {scenario.threads} per process",
        ["workers", "walls s", "median s", "worker CPU s"],
        rows,
    )
    print(f"\nspeedup 2 vs 1: {one / two:.2f}x (bar >= {SCALEOUT_BAR}); machine: {h.machine_note()}")
    passed = one / two >= SCALEOUT_BAR
    print(f"Bar -> {'PASS' if passed else 'FAIL'}")
    return passed


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else float("nan")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("scenario", choices=sorted(SCENARIOS), nargs="?", default="inflight")
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--chains", type=int)
    parser.add_argument("--processes", type=int)
    parser.add_argument("--threads", type=int)
    parser.add_argument("--pool", type=int, help="database connections per worker process")
    parser.add_argument(
        "--worker-pool",
        choices=("threads", "gevent"),
        help="Celery pool (default: bin/worker's threads); under gevent a task's CPU figure counts every greenlet",
    )
    args = parser.parse_args()
    keys = ("chains", "processes", "threads", "pool", "worker_pool")
    overrides = {key: getattr(args, key) for key in keys if getattr(args, key)}
    scenario = replace(SCENARIOS[args.scenario], **overrides)

    work_dir, env = h.setup(f"bench-concurrency-{args.scenario}")
    h.clear_chains()
    h.purge_queue()
    try:
        if args.scenario == "wide":
            passed = run_wide(scenario, work_dir, env)
        elif args.scenario == "scaleout":
            passed = run_scaleout(scenario, work_dir, env, args.rounds)
        else:
            passed = run_inflight(scenario, work_dir, env, args.rounds)
    except (h.ChainFailed, TimeoutError, RuntimeError) as error:
        print(f"bench failed: {error}", file=sys.stderr)
        return 2
    finally:
        h.purge_queue()
    print(f"(logs in {work_dir})")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
