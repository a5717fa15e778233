"""Real Celery worker processes for integration tests and benchmarks.

The worker shares the test database and media folder with the test process, and
the broker the run is configured for (Redis in the PostgreSQL pass, the filesystem
transport in the SQLite pass). It runs in its own process group so a test can
SIGKILL it, children and all, the way an OOM killer or a lost machine would.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.db import connection

from chains.providers.local import SIZE_KEY

ROOT = Path(__file__).resolve().parents[2]
CELERY = [sys.executable, "-m", "celery", "-A", "telephone_site"]

FAST_RECOVERY_ENV = {
    "TELEPHONE_TASK_SOFT_TIME_LIMIT": "8",
    "TELEPHONE_TASK_TIME_LIMIT": "10",
    "TELEPHONE_CLAIM_SECONDS": "12",
    "TELEPHONE_STALL_SECONDS": "2",
    "TELEPHONE_RECONCILE_SECONDS": "1",
    "TELEPHONE_RETRY_BASE_SECONDS": "0.2",
    "TELEPHONE_RETRY_CAP_SECONDS": "2",
}

# For tests whose chains run on the offline provider only (a phase takes well under a
# second): the claim of a phase killed with its worker frees up in 8 s, not 12.
QUICK_CLAIMS_ENV = {
    "TELEPHONE_TASK_SOFT_TIME_LIMIT": "5",
    "TELEPHONE_TASK_TIME_LIMIT": "6",
    "TELEPHONE_CLAIM_SECONDS": "8",
}


# Ends a worker's process as soon as its warm shutdown is over (the module says why).
QUICK_EXIT = "tests.support.worker_exit"


def offline_chains(count: int, *, length: int) -> list:
    """`count` chains on the offline provider (seeds 0, 1, ...) for real workers to run, at
    small pictures: these tests count steps, claims, calls and files, and painting and
    re-encoding full-size pictures was most of their workers' CPU (py-spy, the SIGKILL fault)."""
    from tests.factories import make_chain

    small = {SIZE_KEY: 256}
    return [make_chain(target_length=length, provider="local", seed=n, overrides=small) for n in range(count)]


def chain_loop_queues() -> str:
    """The queues a chain worker consumes in production (deploy/Procfile): captions, paints
    and the default one (the reconciler). Share cards and animations go to a render worker
    of their own; a test that only follows chains leaves them queued (seconds of drawing
    each, after every chain that completes)."""
    names = (settings.TELEPHONE_CAPTION_QUEUE, settings.TELEPHONE_PAINT_QUEUE, settings.CELERY_TASK_DEFAULT_QUEUE)
    return ",".join(names)


def database_url_for_worker() -> str:
    """The URL of the database the tests are using right now (the test_ one)."""
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    user = db.get("USER") or "postgres"
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or 5432
    return f"postgres://{user}@{host}:{port}/{db['NAME']}"


class WorkerProcess:
    def __init__(
        self,
        *,
        log_path: Path,
        pool: str = "prefork",
        concurrency: int = 1,
        beat: bool = True,
        extra_env: dict | None = None,
        queues: str | None = None,
    ):
        self.log_path = log_path
        self.pool = pool
        self.concurrency = concurrency
        self.beat = beat
        self.extra_env = extra_env or {}
        self.queues = queues  # e.g. "paints"; None consumes every queue, as in development
        self.process: subprocess.Popen | None = None
        self.log_offset = 0

    def environment(self) -> dict:
        env = dict(os.environ)
        env.update(FAST_RECOVERY_ENV)
        env.update(
            DATABASE_URL=database_url_for_worker(),
            MEDIA_ROOT=str(settings.MEDIA_ROOT),
            CELERY_BROKER_URL=settings.CELERY_BROKER_URL,
            CELERY_TASK_ALWAYS_EAGER="false",
            TELEPHONE_VAR_DIR=str(settings.VAR_DIR),
        )
        env.update(self.extra_env)
        return env

    def start(self) -> "WorkerProcess":
        command = [
            *CELERY,
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
            f"test-{os.getpid()}-{time.monotonic_ns()}@%h",
            "--include",
            QUICK_EXIT,
        ]
        if self.beat:
            command += ["--beat", "--schedule", str(self.log_path.with_suffix(".beat"))]
        if self.queues:
            command += ["--queues", self.queues]
        self.log_offset = self.log_path.stat().st_size if self.log_path.exists() else 0
        self.process = self._spawn(command, self.log_path)
        return self

    def start_beat_beside(self) -> subprocess.Popen:
        """`celery beat` on its own, as deploy/ runs it beside workers that cannot embed
        it (gevent): the reconciler it schedules picks up a chain whose message was lost.
        The caller stops it (`stop_process`)."""
        schedule = self.log_path.with_suffix(".beat")
        command = [*CELERY, "beat", "--loglevel", "INFO", "--schedule", str(schedule)]
        return self._spawn(command, self.log_path.with_name("beat.log"))

    def _spawn(self, command: list[str], log_path: Path) -> subprocess.Popen:
        log = open(log_path, "ab")  # the child writes it until it exits
        return subprocess.Popen(
            command, cwd=ROOT, env=self.environment(), stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )

    def kill(self) -> None:
        """SIGKILL the whole process group: no warm shutdown, no acks, no cleanup."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        """Warm shutdown: tasks under way finish, so the database is left as they leave it."""
        stop_all(self)

    def _terminate(self) -> None:
        """SIGTERM to the main process only, as systemd stops a worker (KillMode=mixed,
        deploy/systemd): it lets its pool finish the tasks under way. Sent to the whole
        group, it killed the pool processes mid-task, and the main process then waited
        out the lost task's hard time limit (10 s here) before it exited."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)

    def _wait_stopped(self) -> None:
        """Wait for the main process, then SIGKILL whatever is left of its group (systemd's
        final step too): a process that outlived it would go on taking tasks."""
        if self.process is None:
            return
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            pass
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass  # the group is empty: everything exited
        self.process.wait(timeout=10)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-4000:]

    def wait_ready(self, timeout: float = 60) -> None:
        """Until this start's worker logs "<hostname> ready." (it then consumes tasks)."""

        def ready():
            if self.process.poll() is not None:
                raise AssertionError(f"worker exited:\n{self.log()}")
            with open(self.log_path, "rb") as handle:
                handle.seek(self.log_offset)
                return b" ready." in handle.read()

        # Polled often: a test waits for this several times (ten in the SIGKILL fault).
        wait_until(ready, timeout=timeout, interval=0.05, what="the worker to be ready")


def stop_all(*workers: WorkerProcess) -> None:
    """Stop several workers at once: a warm shutdown takes a Celery worker seconds
    however idle it is (its loop and timer wake up on their own clock), so they are
    all told first and then waited for, not one after the other."""
    for worker in workers:
        worker._terminate()
    for worker in workers:
        worker._wait_stopped()


def purge_broker() -> None:
    """Drop messages a previous run left behind, so this run counts only its own."""
    from telephone_site.celery import app

    with app.connection_for_write() as conn:
        for queue in app.conf.task_queues or ():  # captions, paints and the default one
            try:
                conn.default_channel.queue_purge(queue.name)
            except conn.channel_errors:
                pass  # a queue nobody declared yet holds nothing to purge


def wait_until(predicate, *, timeout: float, interval: float = 0.2, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


def stop_process(process: subprocess.Popen) -> None:
    """Stop a process started beside a worker (`start_beat_beside`), politely first."""
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
