"""What the worker benchmarks share: a throw-away database, a clean queue, real workers.

Every bench runs against PostgreSQL (database `telephone_bench`) and Redis DB 14,
never the developer's data, and talks to real `celery worker` subprocesses started in
their own process group so that `finally` can always take them down, children and all.
The environment is set here once, before `django.setup()`, so the bench process and
its workers agree on the database, the broker, the cache and the media folder.
"""

from __future__ import annotations

import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Callable, Iterable, Sequence

ROOT = Path(__file__).resolve().parents[1]
PG_SERVER = os.environ.get("BENCH_PG_SERVER", "postgres://postgres@127.0.0.1:5432")
DB_NAME = os.environ.get("BENCH_DB_NAME", "telephone_bench")
DATABASE_URL = f"{PG_SERVER}/{DB_NAME}"
BROKER_URL = os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/14")

READY_LINE = re.compile(r" ready\.\s*$", re.MULTILINE)
DB_ERROR = re.compile(
    r"OperationalError|InterfaceError|DatabaseError|IntegrityError|connection already closed"
    r"|too many clients|server closed the connection"
)
PHASE_TASKS = (
    "chains.tasks.caption_step",
    "chains.tasks.embed_step",
    "chains.tasks.paint_next_step",
    "chains.tasks.screen_step",
)
_PHASE = "(?:" + "|".join(re.escape(name) for name in PHASE_TASKS) + ")"
TASK_RECEIVED = re.compile(rf"Task {_PHASE}\[[\w-]+\] received")
TASK_ENDED = re.compile(rf"Task {_PHASE}\[[\w-]+\] (?:succeeded in|raised|retry:|INTERNAL ERROR)")
TASK_CRASHED = re.compile(r"^.*Task \S+\[[\w-]+\] raised unexpected.*$", re.MULTILINE)
TASK_LINE = re.compile(
    r"^(?P<stamp>\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}) \w+ \S+ Task (?P<name>[\w.]+)\[(?P<id>[\w-]+)\] "
    r"(?:(?P<received>received)|succeeded in (?P<runtime>[\d.e-]+)s)",
    re.MULTILINE,
)


# --- environment and database -----------------------------------------------------------


def prepare_environment(work_dir: Path) -> dict:
    """Point this process (and the workers it starts) at the bench database and broker.

    Must run before `django.setup()`: the settings module reads these at import.
    Returns the environment to hand to subprocesses.
    """
    media = work_dir / "media"
    var = work_dir / "var"
    media.mkdir(parents=True, exist_ok=True)
    var.mkdir(parents=True, exist_ok=True)
    os.environ.update(
        DJANGO_SETTINGS_MODULE="telephone_site.settings",
        DATABASE_URL=DATABASE_URL,
        CELERY_BROKER_URL=BROKER_URL,
        REDIS_URL=BROKER_URL,  # the page cache in Redis too, as in production
        CELERY_TASK_ALWAYS_EAGER="false",
        MEDIA_ROOT=str(media),
        TELEPHONE_VAR_DIR=str(var),
        DEBUG="false",  # DEBUG=True would make Django keep every query in memory
        PYTHONHASHSEED=os.environ.get("PYTHONHASHSEED", "0"),
    )
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    return dict(os.environ)


def ensure_database(name: str = DB_NAME) -> None:
    """Create the bench database when it is missing (CREATE DATABASE cannot run in a transaction)."""
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def flush_redis(url: str) -> None:
    """Empty one Redis database (a bench's own): no page cached by an earlier run answers."""
    import redis

    redis.Redis.from_url(url).flushdb()


def site_environment(*, db_name: str, redis_url: str, work_dir: Path, media_root: Path | None = None) -> dict:
    """The production-style environment the page benches' seeder, server and client share.

    Forced rather than defaulted, so a developer's DATABASE_URL or REDIS_URL can never
    point a benchmark at real data.
    """
    for folder in ("media", "static", "var"):
        (work_dir / folder).mkdir(parents=True, exist_ok=True)
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "bench._pages_settings",
            "DATABASE_URL": f"{PG_SERVER}/{db_name}",
            "REDIS_URL": redis_url,
            "DEBUG": "false",
            "SECRET_KEY": f"bench-{db_name}-only-not-a-secret-0123456789abcdefghijklmnopqrstuvwxyz",
            "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
            "SERVE_MEDIA": "true",
            "MEDIA_ROOT": str(media_root or work_dir / "media"),
            "STATIC_ROOT": str(work_dir / "static"),
            "TELEPHONE_VAR_DIR": str(work_dir / "var"),
            "TELEPHONE_PROVIDER": "local",
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "LOG_LEVEL": "WARNING",
            "PYTHONHASHSEED": "0",
        }
    )
    for path in (str(ROOT), str(ROOT / "bench")):
        if path not in sys.path:
            sys.path.insert(0, path)
    return dict(os.environ)


def prepare_site(*, db_name: str, redis_url: str, work_dir: Path, media_root: Path | None = None) -> dict:
    """Environment, database, Django and schema, in the order they depend on each other."""
    env = site_environment(db_name=db_name, redis_url=redis_url, work_dir=work_dir, media_root=media_root)
    ensure_database(db_name)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", "--noinput", verbosity=0)
    return env


def migrate(env: dict) -> None:
    """Bring the bench schema up to date in a subprocess, as a deploy would."""
    result = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if result.returncode != 0:
        raise SystemExit(f"migrate failed:\n{result.stdout}\n{result.stderr}")


def setup(prefix: str) -> tuple[Path, dict]:
    """Temp dir, env, database, schema and Django, in that order; returns (work_dir, env)."""
    work_dir = Path(tempfile.mkdtemp(prefix=f"{prefix}-"))
    env = prepare_environment(work_dir)
    ensure_database()
    migrate(env)
    import logging

    import django

    django.setup()
    logging.getLogger().setLevel(logging.WARNING)  # the engine's INFO lines are for workers
    return work_dir, env


def clear_chains() -> None:
    """Earlier runs' chains would only slow queries down and muddle the counts."""
    from chains.models import Chain

    Chain.objects.all().delete()


def purge_queue() -> int:
    """Empty the Celery queue and anything else left in the bench's own Redis DB.

    The DB is the bench's alone, so flushing it also drops unacked messages a killed
    worker left behind, which Redis would otherwise redeliver mid-run.
    """
    import redis

    from telephone_site.celery import app

    with app.connection_for_write() as conn:
        purged = conn.default_channel.queue_purge("celery") or 0
    redis.Redis.from_url(BROKER_URL).flushdb()
    return purged


# --- workers ------------------------------------------------------------------------------


@dataclass
class Worker:
    """A `celery worker` subprocess in its own process group, logging to a file."""

    log_path: Path
    env: dict
    pool: str = "prefork"
    concurrency: int = 1
    app: str = "telephone_site"
    queues: str | None = None
    measure_dir: Path | None = None  # per-task CPU lines (and cProfile stats) via _profiled_worker
    profile: bool = False
    profile_skip: int = 0  # phase tasks not profiled first (warm-up)
    root: Path = ROOT  # another checkout, to run its engine against this bench (A/B)
    cpus: set[int] | None = None  # CPU affinity: one core stands in for one machine
    nice: int = 0  # lower CPU priority, as deploy/ gives the renders worker
    extra_env: dict = field(default_factory=dict)
    name: str = "bench"
    process: subprocess.Popen | None = field(default=None, init=False)
    start_offset: int = field(default=0, init=False)

    def start(self) -> "Worker":
        launcher = [sys.executable, "-m", "celery"]
        if self.measure_dir is not None:
            launcher = [
                sys.executable,
                str(self.root / "bench" / "_profiled_worker.py"),
                str(self.measure_dir),
                *(["--profile", "--skip", str(self.profile_skip)] if self.profile else []),
                "--",
            ]
        command = [
            *launcher,
            "-A",
            self.app,
            "worker",
            "--pool",
            self.pool,
            "--concurrency",
            str(self.concurrency),
            "--loglevel",
            "INFO",
            "--without-mingle",
            "--without-gossip",
            "--hostname",
            f"{self.name}-{os.getpid()}-{time.monotonic_ns()}@%h",
            *(["-Q", self.queues] if self.queues else []),
        ]
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self.start_offset = self.log_size()  # the log may hold an earlier worker's lines
        with open(self.log_path, "ab") as log:
            cpus = self.cpus
            self.process = subprocess.Popen(
                command,
                cwd=self.root,
                env={**self.env, **self.extra_env},
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                preexec_fn=_placement(cpus, self.nice) if cpus or self.nice else None,
            )
        return self

    def wait_ready(self, timeout: float = 60.0) -> float:
        """Block until the worker logs "<hostname> ready."; returns the seconds it took."""
        started = time.perf_counter()
        wait_until(
            lambda: self.check_alive() and READY_LINE.search(self.log_since(self.start_offset)),
            timeout=timeout,
            interval=0.05,
            what="the worker to be ready",
        )
        return time.perf_counter() - started

    def check_alive(self) -> bool:
        if self.process is None or self.process.poll() is not None:
            raise RuntimeError(f"worker exited:\n{self.log_since(self.start_offset)[-3000:]}")
        return True

    def stop(self) -> None:
        """SIGTERM the group (warm shutdown), then SIGKILL whatever is left after 15 s."""
        if self.process is None or self.process.poll() is not None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
        except ProcessLookupError:
            pass

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def log_size(self) -> int:
        return self.log_path.stat().st_size if self.log_path.exists() else 0

    def log_since(self, offset: int) -> str:
        with open(self.log_path, "rb") as handle:
            handle.seek(offset)
            return handle.read().decode(errors="replace")

    def wait_idle(self, offset: int, timeout: float = 60.0) -> str:
        """Wait until every phase task received since `offset` has ended; returns the log slice.

        A chain is "completed" a little before its last task returns (the engine still
        has bookkeeping to do), and the next measurement must not overlap that tail.
        Tasks other than the three phases (e.g. a debounced recompute sent with a
        countdown) are not waited for; `task_runs` shows when they ran.
        """

        def idle():
            text = self.log_since(offset)
            return text if len(TASK_ENDED.findall(text)) >= len(TASK_RECEIVED.findall(text)) else ""

        return wait_until(idle, timeout=timeout, interval=0.02, what="the worker to go idle")


def _placement(cpus: set[int] | None, nice: int):
    """What a worker's process does before it starts: its cores, its priority."""

    def place():
        if cpus:
            os.sched_setaffinity(0, cpus)
        if nice:
            os.nice(nice)

    return place


def db_errors(log_text: str) -> list[str]:
    """Log lines naming a database error; a thread pool sharing connections would show here."""
    return [line for line in log_text.splitlines() if DB_ERROR.search(line)]


def log_problems(log_text: str) -> list[str]:
    """ERROR/CRITICAL lines and tracebacks, besides database errors."""
    return [
        line
        for line in log_text.splitlines()
        if " ERROR " in line or " CRITICAL " in line or line.startswith("Traceback")
    ]


# --- task timings from the worker log --------------------------------------------------------


@dataclass(frozen=True)
class TaskRun:
    name: str
    received: datetime | None
    finished: datetime | None
    runtime: float


def task_runs(log_text: str) -> list[TaskRun]:
    """Each task that finished in `log_text` ("succeeded in Xs"), in the order it started.

    `received` is None for a task received before the slice began (a countdown task).
    """
    received: dict[str, datetime] = {}
    runs: list[TaskRun] = []
    for match in TASK_LINE.finditer(log_text):
        stamp = datetime.strptime(match["stamp"], "%Y-%m-%d %H:%M:%S,%f")
        if match["received"]:
            received[match["id"]] = stamp
        else:
            runs.append(
                TaskRun(
                    name=match["name"],
                    received=received.get(match["id"]),
                    finished=stamp,
                    runtime=float(match["runtime"]),
                )
            )
    return sorted(runs, key=lambda run: run.finished.timestamp() - run.runtime)


# --- small utilities --------------------------------------------------------------------------


def wait_until(predicate: Callable[[], object], *, timeout: float, interval: float = 0.02, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(interval)


def median(values: Iterable[float]) -> float:
    return statistics.median(list(values))


def print_table(title: str, headers: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
    """A plain aligned text table; floats get three decimals, all-numeric columns align right."""
    cells = [[_cell(value) for value in row] for row in rows]
    columns = list(zip(*cells, strict=False)) if cells else [() for _ in headers]
    widths = [max([len(str(h)), *(len(value) for value in column)]) for h, column in zip(headers, columns, strict=True)]
    right = [bool(column) and all(_numeric(value) for value in column) for column in columns]
    print(f"\n{title}")
    print(
        "  "
        + "  ".join(str(h).rjust(w) if r else str(h).ljust(w) for h, w, r in zip(headers, widths, right, strict=True))
    )
    print("  " + "  ".join("-" * w for w in widths))
    for row in cells:
        print(
            "  "
            + "  ".join(value.rjust(w) if r else value.ljust(w) for value, w, r in zip(row, widths, right, strict=True))
        )


def _cell(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.3f}"
    return str(value)


def _numeric(text: str) -> bool:
    return bool(re.fullmatch(r"-?[\d.,]+[x%s]?", text))


def thumbnail_widths() -> list[int]:
    """The widths clean_image encodes thumbnails at (the engine has kept them in two places)."""
    from chains import images

    widths = getattr(images, "THUMBNAIL_WIDTHS", None)
    if widths is None:
        from django.conf import settings

        widths = settings.TELEPHONE_THUMBNAIL_WIDTHS
    return sorted(widths.values() if isinstance(widths, dict) else widths)


def machine_note() -> str:
    """Enough context to compare runs: cores, load, Python."""
    load = os.getloadavg()
    return f"{os.cpu_count()} cores, load {load[0]:.2f}/{load[1]:.2f}/{load[2]:.2f}, Python {sys.version.split()[0]}"


def sample_image(size: int = 512) -> bytes:
    """A deterministic starting picture with a sky, a sun and some ground, as PNG."""
    import io

    from PIL import Image, ImageDraw

    picture = Image.new("RGB", (size, size), (90, 150, 220))
    draw = ImageDraw.Draw(picture)
    draw.rectangle([0, int(size * 0.65), size, size], fill=(60, 140, 70))
    draw.ellipse([int(size * 0.65), int(size * 0.1), int(size * 0.85), int(size * 0.3)], fill=(250, 220, 60))
    draw.polygon(
        [(size * 0.2, size * 0.65), (size * 0.35, size * 0.35), (size * 0.5, size * 0.65)], fill=(120, 110, 100)
    )
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG")
    return buffer.getvalue()


# --- running chains ---------------------------------------------------------------------------


class ChainFailed(RuntimeError):
    pass


def run_chains(
    chains: Sequence,
    *,
    timeout: float,
    poll: float = 0.02,
    worker: "Worker | None" = None,
    workers: Sequence["Worker"] = (),
) -> float:
    """Start every chain, then poll the DB every `poll` s until all have ended.

    Returns the wall time from the first `chain_start` to the poll that saw the last
    one completed; raises ChainFailed if any ended otherwise. With `worker`, fails
    fast when it dies or a task crashes (a crashed phase leaves its chain running
    until the reconciler's stall period, minutes later).
    """
    from chains.models import ENDED_STATUSES, Chain, Status
    from chains.services import chain_start

    ids = [chain.pk for chain in chains]
    watched = [*([worker] if worker else []), *workers]
    offsets = {id(w): w.log_size() for w in watched}
    started = time.perf_counter()
    for chain in chains:
        chain_start(chain=chain)
    next_check = [time.monotonic() + 0.5]

    def all_ended():
        if watched and time.monotonic() > next_check[0]:  # cheap polls stay cheap
            next_check[0] = time.monotonic() + 0.5
            for each in watched:
                each.check_alive()
                crashed = TASK_CRASHED.search(each.log_since(offsets[id(each)]))
                if crashed:
                    raise ChainFailed(f"a task crashed in the worker: {crashed.group(0)}")
        statuses = list(Chain.objects.filter(pk__in=ids).values_list("status", flat=True))
        return all(status in ENDED_STATUSES for status in statuses)

    wait_until(all_ended, timeout=timeout, interval=poll, what=f"{len(ids)} chain(s) to end")
    wall = time.perf_counter() - started
    bad = Chain.objects.filter(pk__in=ids).exclude(status=Status.COMPLETED)
    if bad.exists():
        raise ChainFailed("; ".join(f"chain {c.pk}: {c.status} {c.error_message}" for c in bad))
    return wall


def check_complete(chain) -> None:
    """Every step 0..N present once, captioned and embedded; anything else is a bug."""
    chain.refresh_from_db()
    steps = list(chain.steps.order_by("index").values_list("index", "caption", "embedding"))
    indexes = [index for index, _, _ in steps]
    if indexes != list(range(chain.target_length + 1)):
        raise ChainFailed(f"chain {chain.pk}: steps {indexes}")
    if any(not caption or embedding is None for _, caption, embedding in steps):
        raise ChainFailed(f"chain {chain.pk}: a step lacks its caption or embedding")
