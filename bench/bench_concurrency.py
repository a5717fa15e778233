"""Concurrency: does one threaded worker overlap the waiting of many chains?

Real providers spend their time waiting on the network, so the worker's job is to
keep many chains' calls in flight at once. This runs 8 chains of 5 steps with the
sleepy provider (every call sleeps 0.3 s) through ONE worker process with a pool of
8 threads, and compares the wall time with two serial baselines:

* the sum of all provider sleeps: 8 x (6 captions + 6 embeds + 5 paints) x 0.3 s;
* one chain run alone through the same worker, times 8 (sleeps plus real overhead).

Bar: speedup >= 6x against the sum of sleeps (the stricter of the two). PostgreSQL
is used because SQLite would serialise the 8 writers. Worker DB errors are reported.

    python bench/bench_concurrency.py [--rounds 3] [--serial-runs 2]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import _harness as h  # noqa: E402
from bench.sleepy_provider import BACKEND, DEFAULT_DELAY_SECONDS, small_png  # noqa: E402

CHAINS = 8
STEPS = 5
THREADS = 8
BAR = 6.0
CALLS_PER_CHAIN = (STEPS + 1) * 2 + STEPS  # captions and embeds for steps 0..N, paints 1..N


def make_chains(count: int, *, length: int = STEPS) -> list:
    """Create (but do not start) `count` sleepy chains; creation is outside the timing."""
    from chains.services import chain_create

    return [chain_create(image=small_png(n), target_length=length, provider=BACKEND, seed=1000 + n)
            for n in range(count)]


def timed_run(worker: h.Worker, chains: list, timeout: float) -> tuple[float, list[float]]:
    """Start the chains, time them to completion, check them, let the worker go idle.

    Returns the wall time and, per phase task, its runtime beyond the provider's sleep:
    the engine's own work, which 8 threads must share under one GIL.
    """
    offset = worker.log_size()
    wall = h.run_chains(chains, timeout=timeout, worker=worker)
    for chain in chains:
        h.check_complete(chain)
    log = worker.wait_idle(offset)
    engine = [task.runtime - DEFAULT_DELAY_SECONDS for task in h.task_runs(log)
              if task.name in h.PHASE_TASKS]
    return wall, engine


def measure(worker: h.Worker, rounds: int, serial_runs: int) -> dict:
    """Warm up, time one chain alone `serial_runs` times, then all 8 at once `rounds` times."""
    timed_run(worker, make_chains(1), timeout=60)  # imports the provider, opens connections
    singles, single_engine = [], []
    for _ in range(serial_runs):
        wall, engine = timed_run(worker, make_chains(1), timeout=120)
        singles.append(wall)
        single_engine += engine
    concurrent, concurrent_engine, per_chain = [], [], []
    for _ in range(rounds):
        chains = make_chains(CHAINS)
        wall, engine = timed_run(worker, chains, timeout=300)
        concurrent.append(wall)
        concurrent_engine += engine
        per_chain.append(chain_durations(chains))
    return {"singles": singles, "concurrent": concurrent, "per_chain": per_chain,
            "single_engine": single_engine, "concurrent_engine": concurrent_engine}


def chain_durations(chains: list) -> list[float]:
    """Each chain's own started_at..finished_at, as the worker recorded it."""
    durations = []
    for chain in chains:
        chain.refresh_from_db()
        durations.append((chain.finished_at - chain.started_at).total_seconds())
    return durations


def report(results: dict, worker_log: str, ready_seconds: float) -> bool:
    sleep_sum = CHAINS * CALLS_PER_CHAIN * DEFAULT_DELAY_SECONDS
    one_chain_sleeps = CALLS_PER_CHAIN * DEFAULT_DELAY_SECONDS
    single = h.median(results["singles"])
    serial_measured = single * CHAINS
    wall = h.median(results["concurrent"])
    rows = [(f"one chain alone, run {i + 1}", t, one_chain_sleeps, "") for i, t in enumerate(results["singles"])]
    rows += [(f"{CHAINS} chains at once, round {i + 1}", t, sleep_sum,
              f"per chain {min(d):.2f}-{max(d):.2f} s")
             for i, (t, d) in enumerate(zip(results["concurrent"], results["per_chain"], strict=True))]
    h.print_table("Runs (wall seconds, start -> all completed, polled every 20 ms)",
                  ["run", "wall s", "sleeps s", "note"], rows)

    speedup_sleeps = sleep_sum / wall
    speedup_measured = serial_measured / wall
    h.print_table(
        f"Concurrency: {CHAINS} chains x {STEPS} steps, sleepy provider "
        f"({DEFAULT_DELAY_SECONDS:.1f} s/call), 1 worker --pool threads --concurrency {THREADS}",
        ["figure", "value"],
        [
            ("concurrent wall (median)", f"{wall:.3f} s"),
            ("serial: sum of provider sleeps", f"{sleep_sum:.3f} s"),
            ("serial: one chain alone x 8 (median x 8)", f"{serial_measured:.3f} s"),
            ("one chain alone vs its sleeps", f"{single:.3f} s vs {one_chain_sleeps:.1f} s "
                                              f"(+{(single / one_chain_sleeps - 1) * 100:.1f}%)"),
            ("engine time per task beyond its sleep, alone (median)",
             f"{h.median(results['single_engine']) * 1000:.1f} ms"),
            ("engine time per task beyond its sleep, 8 at once (median)",
             f"{h.median(results['concurrent_engine']) * 1000:.1f} ms"),
            ("chain critical path: 17 x (0.3 s + engine) + hops, alone",
             f"{single - one_chain_sleeps:.3f} s over the sleeps"),
            ("speedup vs sum of sleeps", f"{speedup_sleeps:.2f}x"),
            ("speedup vs measured serial", f"{speedup_measured:.2f}x"),
            ("ideal speedup (8 chains, 8 threads)", f"{CHAINS:.2f}x"),
            ("worker start-up (not timed)", f"{ready_seconds:.2f} s"),
            ("machine", h.machine_note()),
        ],
    )
    errors = h.db_errors(worker_log)
    problems = h.log_problems(worker_log)
    print(f"\nWorker log: {len(errors)} database error line(s), {len(problems)} other error line(s).")
    for line in (errors + problems)[:20]:
        print("  " + line)
    passed = speedup_sleeps >= BAR and not errors
    print(f"\nBar: speedup vs sum of sleeps >= {BAR:.1f}x and no DB errors -> "
          f"{'PASS' if passed else 'FAIL'} ({speedup_sleeps:.2f}x)")
    return passed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=3, help="concurrent rounds (median taken)")
    parser.add_argument("--serial-runs", type=int, default=2, help="single-chain runs (median x 8)")
    args = parser.parse_args()

    work_dir, env = h.setup("bench-concurrency")
    h.clear_chains()
    h.purge_queue()
    worker = h.Worker(log_path=work_dir / "worker.log", env=env, pool="threads", concurrency=THREADS)
    try:
        worker.start()
        ready = worker.wait_ready()
        results = measure(worker, args.rounds, args.serial_runs)
    except (h.ChainFailed, TimeoutError, RuntimeError) as error:
        print(f"bench failed: {error}\n--- worker log tail ---\n{worker.log()[-3000:]}", file=sys.stderr)
        return 2
    finally:
        worker.stop()
        h.purge_queue()
    print(f"(worker log: {worker.log_path})")
    return 0 if report(results, worker.log(), ready) else 1


if __name__ == "__main__":
    sys.exit(main())
