"""Where a phase task's CPU goes: the provider call, image work, and the engine's own.

A worker box keeps hundreds of chains in flight only if the engine's own work per
task (loading, claiming, writing, enqueueing) stays a few milliseconds next to a
provider call of seconds. So every phase task measures itself and logs the split
(`chains.tasks.run_phase`), and `bench/bench_engine_cost.py` reads those lines
instead of guessing from wall times.

CPU is the running thread's clock (`time.thread_time`): exact per task under the
prefork and threads pools, where one task runs start to end on one OS thread (it
would count other greenlets' work under gevent). Sections do not nest: image work
done inside a provider call (a backend decoding its own picture) counts as provider.
Outside a clocked task every helper here is a no-op, so web requests pay nothing.
"""

from __future__ import annotations

import functools
import time
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Iterator

PROVIDER = "provider"
IMAGE = "image"


@dataclass
class TaskClock:
    """CPU and wall seconds of one task, and of its sections by name."""

    cpu_started: float = field(default_factory=time.thread_time)
    wall_started: float = field(default_factory=time.perf_counter)
    section_cpu: dict[str, float] = field(default_factory=dict)
    section_wall: dict[str, float] = field(default_factory=dict)
    open_section: str | None = None

    def add(self, name: str, cpu: float, wall: float) -> None:
        self.section_cpu[name] = self.section_cpu.get(name, 0.0) + cpu
        self.section_wall[name] = self.section_wall.get(name, 0.0) + wall

    def figures(self) -> dict[str, float]:
        """Milliseconds: total CPU and wall, each section's CPU, and what is left: the engine."""
        cpu = time.thread_time() - self.cpu_started
        provider_cpu = self.section_cpu.get(PROVIDER, 0.0)
        image_cpu = self.section_cpu.get(IMAGE, 0.0)
        return {
            "cpu_ms": _ms(cpu),
            "engine_cpu_ms": _ms(cpu - provider_cpu - image_cpu),
            "image_cpu_ms": _ms(image_cpu),
            "provider_cpu_ms": _ms(provider_cpu),
            "provider_ms": _ms(self.section_wall.get(PROVIDER, 0.0)),
            "wall_ms": _ms(time.perf_counter() - self.wall_started),
        }


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 2)


_clock: ContextVar[TaskClock | None] = ContextVar("telephone_task_clock", default=None)


@contextmanager
def clocked_task() -> Iterator[TaskClock]:
    """Measure everything run inside the block as one task."""
    clock = TaskClock()
    token = _clock.set(clock)
    try:
        yield clock
    finally:
        _clock.reset(token)


@contextmanager
def section(name: str) -> Iterator[None]:
    """Count the block's CPU and wall time under `name` (once, if sections nest)."""
    clock = _clock.get()
    if clock is None or clock.open_section is not None:
        yield
        return
    clock.open_section = name
    cpu, wall = time.thread_time(), time.perf_counter()
    try:
        yield
    finally:
        clock.add(name, time.thread_time() - cpu, time.perf_counter() - wall)
        clock.open_section = None


def in_section(name: str):
    """Decorator form of `section`, for functions that are all one kind of work."""

    def decorate(function):
        @functools.wraps(function)
        def timed(*args, **kwargs):
            with section(name):
                return function(*args, **kwargs)

        return timed

    return decorate


def format_figures(figures: dict[str, float]) -> str:
    """`cpu_ms=3.1 engine_cpu_ms=2.9 ...`: grep-able in the plain log, parsed by the bench."""
    return " ".join(f"{key}={value:.2f}" for key, value in figures.items())
