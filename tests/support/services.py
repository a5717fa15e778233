"""Private, real service processes that a test may stop, start and restart at will.

Fault tests take Redis away and restart PostgreSQL. Doing that to the machine's
shared servers (127.0.0.1:6379 and :5432) would also pull them from under anything
else using them at the time (another test run, a benchmark, a developer's worker),
so each fault test gets its own `redis-server` or its own `initdb` cluster on a free
loopback port: the same binaries as the shared ones, stopped and started for real.
Every class here cleans up in `close()`, and the fixtures call it in `finally`, so a
failing test never leaves a server behind (or the shared ones down).
"""

from __future__ import annotations

import glob
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def port_open(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def wait_for(predicate, *, timeout: float, what: str, interval: float = 0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


def _stop_group(process: subprocess.Popen | None, *, timeout: float = 10) -> None:
    if process is None or process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
    except ProcessLookupError:
        pass


# --- Redis -------------------------------------------------------------------------------


class RedisServer:
    """`redis-server` on its own port, no persistence: a restart starts empty, as CI's does."""

    def __init__(self, workdir: Path):
        self.binary = shutil.which("redis-server")
        if self.binary is None:
            raise RuntimeError("redis-server is not installed (apt-get install redis-server)")
        self.workdir = workdir
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def start(self) -> "RedisServer":
        self.workdir.mkdir(parents=True, exist_ok=True)
        log = open(self.workdir / "redis.log", "ab")
        self.process = subprocess.Popen(
            [
                self.binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.workdir),
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        wait_for(lambda: port_open(self.port), timeout=15, what=f"redis-server on {self.port}")
        return self

    def stop(self) -> None:
        """Like `redis-cli shutdown nosave`: the server goes away, and its data with it."""
        _stop_group(self.process)
        wait_for(lambda: not port_open(self.port), timeout=10, what="redis-server to stop")

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def close(self) -> None:
        _stop_group(self.process)


# --- PostgreSQL ----------------------------------------------------------------------------


def postgres_bindir() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    if initdb is None:
        raise RuntimeError("PostgreSQL's server binaries (initdb, pg_ctl) are not installed")
    return Path(initdb).parent


class PostgresCluster:
    """A throw-away cluster (initdb, trust auth, fsync off) that a test can restart.

    PostgreSQL refuses to run as root, so as root the commands run as `postgres`, in
    a folder of its own directly under the temp dir (pytest's are root-only).
    """

    def __init__(self):
        self.bindir = postgres_bindir()
        self.workdir = Path(tempfile.mkdtemp(prefix="telephone-pg-"))
        self.data = self.workdir / "data"
        self.port = free_port()

    def _run(self, *command: str, check: bool = True) -> subprocess.CompletedProcess:
        prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        result = subprocess.run([*prefix, *command], capture_output=True, text=True, cwd="/", timeout=120)
        if check and result.returncode != 0:
            raise RuntimeError(f"{' '.join(command)} failed:\n{result.stdout}\n{result.stderr}")
        return result

    def url(self, database: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def start(self) -> "PostgresCluster":
        if os.geteuid() == 0:
            shutil.chown(self.workdir, "postgres")
        if not self.data.exists():
            self._run(
                str(self.bindir / "initdb"),
                "-D",
                str(self.data),
                "-A",
                "trust",
                "-U",
                "postgres",
                "-E",
                "UTF8",
                "--no-sync",
            )
        self._pg_ctl("start")
        return self

    def _pg_ctl(self, action: str, *extra: str) -> None:
        options = (
            f"-p {self.port} -k {self.workdir} -c listen_addresses=127.0.0.1 "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        self._run(
            str(self.bindir / "pg_ctl"),
            "-D",
            str(self.data),
            "-l",
            str(self.workdir / "log"),
            "-w",
            "-t",
            "60",
            "-o",
            options,
            action,
            *extra,
        )

    def stop(self, mode: str = "fast") -> None:
        """`fast` ends every session at once, as a `systemctl restart postgresql` does."""
        self._pg_ctl("stop", "-m", mode)

    def restart(self) -> None:
        self._pg_ctl("restart", "-m", "fast")

    def create_database(self, name: str) -> str:
        import psycopg

        with psycopg.connect(self.url("postgres"), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def close(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-w", "stop", "-m", "immediate", check=False)
        shutil.rmtree(self.workdir, ignore_errors=True)


# --- the web server --------------------------------------------------------------------------


class WebServer:
    """gunicorn with the production config file, sharing the test database."""

    def __init__(self, *, env: dict, log_path: Path, workers: int = 2):
        self.port = free_port()
        self.log_path = log_path
        self.env = {
            **env,
            "GUNICORN_BIND": f"127.0.0.1:{self.port}",
            "WEB_CONCURRENCY": str(workers),
            "GUNICORN_LOG_LEVEL": "info",
        }
        self.process: subprocess.Popen | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 60) -> "WebServer":
        log = open(self.log_path, "ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "telephone_site" / "gunicorn.conf.py")],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

        def answers():
            if self.process.poll() is not None:
                raise AssertionError(f"gunicorn exited:\n{self.log()}")
            try:
                with urllib.request.urlopen(self.base_url + "/healthz", timeout=5):
                    return True
            except urllib.error.HTTPError:
                return True  # 503 is an answer too
            except OSError:
                return False

        wait_for(answers, timeout=timeout, what="gunicorn to answer")
        return self

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-6000:] if self.log_path.exists() else ""

    def close(self) -> None:
        _stop_group(self.process)


def collect_static(env: dict, static_root: Path) -> None:
    """DEBUG off means hashed static files from a manifest, which only collectstatic writes."""
    result = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput"],
        cwd=ROOT,
        env={**env, "STATIC_ROOT": str(static_root)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    if result.returncode != 0:
        raise AssertionError(f"collectstatic failed:\n{result.stdout}\n{result.stderr}")


# --- S3 ------------------------------------------------------------------------------------


class S3Server:
    """moto's S3 over HTTP on loopback (tests/support/s3_server.py), in its own process."""

    def __init__(self, workdir: Path):
        self.port = free_port()
        self.workdir = workdir
        self.process: subprocess.Popen | None = None

    @property
    def endpoint_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> "S3Server":
        self.workdir.mkdir(parents=True, exist_ok=True)
        log = open(self.workdir / "s3.log", "ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.support.s3_server", str(self.port)],
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        wait_for(lambda: port_open(self.port), timeout=60, what="the S3 server")
        return self

    def close(self) -> None:
        _stop_group(self.process)
