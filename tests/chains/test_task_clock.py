"""Each phase task measures where its CPU went, and provider calls are clocked apart."""

from __future__ import annotations

import logging
import re
import time

import pytest

from chains import task_clock
from chains.providers import build_providers
from chains.providers.timed import TimedRole
from chains.services import chain_start
from tests.factories import make_chain
from tests.support import providers as scripted

PHASE_LINE = re.compile(
    r"phase=step_\w+ step=\d+ outcome=done cpu_ms=(?P<cpu>[\d.]+) engine_cpu_ms=(?P<engine>-?[\d.]+) "
    r"image_cpu_ms=(?P<image>[\d.]+) provider_cpu_ms=(?P<provider_cpu>[\d.]+) provider_ms=(?P<provider>[\d.]+) "
    r"wall_ms=(?P<wall>[\d.]+)"
)


def burn(seconds: float) -> None:
    until = time.thread_time() + seconds
    while time.thread_time() < until:
        pass


def test_sections_are_taken_out_of_the_engine_share():
    with task_clock.clocked_task() as clock:
        burn(0.004)
        with task_clock.section(task_clock.IMAGE):
            burn(0.006)
        with task_clock.section(task_clock.PROVIDER):
            time.sleep(0.02)  # waiting is wall time, not CPU
            with task_clock.section(task_clock.IMAGE):  # nested: stays provider
                burn(0.003)
        figures = clock.figures()
    assert figures["image_cpu_ms"] >= 6
    assert figures["provider_cpu_ms"] >= 3
    assert figures["provider_ms"] >= 20
    assert figures["engine_cpu_ms"] == pytest.approx(
        figures["cpu_ms"] - figures["image_cpu_ms"] - figures["provider_cpu_ms"], abs=0.02
    )
    assert figures["engine_cpu_ms"] >= 4
    assert figures["image_cpu_ms"] < 9  # the nested image burn went to the provider


def test_outside_a_clocked_task_sections_cost_nothing_and_record_nothing():
    with task_clock.section(task_clock.IMAGE):
        burn(0.001)
    with task_clock.clocked_task() as clock:
        pass
    assert clock.section_cpu == {}


def test_provider_roles_are_clocked_and_still_look_like_themselves():
    providers = build_providers("local")
    assert isinstance(providers.painter, TimedRole)
    with task_clock.clocked_task() as clock:
        providers.embedder.embed(["a red kite over a grey sea"])
    assert clock.section_wall[task_clock.PROVIDER] > 0
    assert getattr(providers.painter, "no_such_method", None) is None


@pytest.mark.django_db(transaction=True)
def test_every_phase_task_logs_its_cpu_split(caplog):
    scripted.reset()
    caplog.set_level(logging.INFO, logger="chains.tasks")
    chain_start(chain=make_chain(target_length=1))
    lines = [
        PHASE_LINE.search(record.getMessage())
        for record in caplog.records
        if record.name == "chains.tasks" and "outcome=done" in record.getMessage()
    ]
    assert len(lines) == 8 and all(lines)  # caption, screen, embed, paint, screen, caption, screen, embed
    paint = next(record for record in caplog.records if "phase=step_paint_next" in record.getMessage())
    assert paint.image_cpu_ms > 0  # the painted picture was cleaned inside the task
    assert all(float(line["cpu"]) >= float(line["engine"]) for line in lines)
