"""What a run costs the machine: worker memory, worker CPU, database connections.

Read from /proc and pg_stat_activity while a benchmark runs, so its figures say not
only how fast the chains went but what the workers held to get there: the issue's
bars are on resident memory (all of a worker's processes) and on a bounded number of
database connections.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field
from pathlib import Path

PAGE_BYTES = os.sysconf("SC_PAGE_SIZE")
TICKS = os.sysconf("SC_CLK_TCK")


def group_pids(pgid: int) -> list[int]:
    """Every live process in a process group (a worker and any children it forked)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[2]) == pgid:  # fields after the name: state, ppid, pgrp, ...
            pids.append(int(entry.name))
    return pids


def rss_bytes(pid: int) -> int:
    try:
        return int((Path("/proc") / str(pid) / "statm").read_text().split()[1]) * PAGE_BYTES
    except (OSError, IndexError, ValueError):
        return 0


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a process so far (its reaped children's too)."""
    try:
        fields = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return 0.0
    utime, stime, cutime, cstime = (int(value) for value in fields[11:15])
    return (utime + stime + cutime + cstime) / TICKS


def group_cpu_seconds(pgids: list[int]) -> float:
    return sum(cpu_seconds(pid) for pgid in pgids for pid in group_pids(pgid))


def database_connections(database: str, server_url: str, application_name: str = "") -> int:
    """Backends connected to `database` (the sampler's own connection is not counted);
    only those of clients started with PGAPPNAME=`application_name`, when given, so a
    count is one process's, not whatever else (a test's own, a closing one) is there."""
    import psycopg

    sql = "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()"
    params: tuple[str, ...] = (database,)
    if application_name:
        sql += " AND application_name = %s"
        params += (application_name,)
    with psycopg.connect(f"{server_url}/postgres", autocommit=True) as conn:
        row = conn.execute(sql, params).fetchone()
    return int(row[0])


@dataclass
class Sampler:
    """Samples every `interval` s in a thread: peak RSS per worker group, peak DB connections."""

    pgids: list[int]
    database: str
    server_url: str
    application_name: str = ""
    interval: float = 0.25
    peak_rss: int = 0
    peak_rss_by_group: dict[int, int] = field(default_factory=dict)
    peak_connections: int = 0
    samples: int = 0
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def __enter__(self) -> "Sampler":
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(self.interval)

    def sample(self) -> None:
        by_group = {pgid: sum(rss_bytes(pid) for pid in group_pids(pgid)) for pgid in self.pgids}
        for pgid, value in by_group.items():
            self.peak_rss_by_group[pgid] = max(self.peak_rss_by_group.get(pgid, 0), value)
        self.peak_rss = max(self.peak_rss, sum(by_group.values()))
        try:
            self.peak_connections = max(
                self.peak_connections, database_connections(self.database, self.server_url, self.application_name)
            )
        except Exception:  # noqa: BLE001 - a missed sample is not worth a failed bench
            pass
        self.samples += 1
