"""The server under test (gunicorn, production settings) and the load generator (wrk).

Kept apart from the page measurements so each piece stays small: `Gunicorn`, the one
gunicorn wrapper every bench uses, owns its process group and always comes down in
`stop()`; `collectstatic` gives it the files whitenoise serves; `wrk_output` runs one
fixed-length load against one URL from a separate process, so the client never
shares the server's GIL, and `run_wrk` reads wrk's own summary of it.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GUNICORN_CONFIG = ROOT / "telephone_site" / "gunicorn.conf.py"

# A Lua hook that makes every request's URL unique, so the page cache never hits.
# wrk's LuaJIT starts math.random from the same seed in every run: unseeded, each run
# asked again for the URLs of the run before (cached by then), so "misses" were hits.
MISS_SCRIPT = """
math.randomseed(os.time())
local run = math.random(1, 1000000000)
counter = 0
request = function()
  counter = counter + 1
  return wrk.format(nil, wrk.path .. "?bench_miss=" .. run .. "-" .. counter)
end
"""


def collectstatic(env: dict) -> float:
    """Collect the static files into env's STATIC_ROOT, as a deploy does; the seconds it took."""
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--clear"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise SystemExit(f"collectstatic failed:\n{result.stdout}\n{result.stderr}")
    return time.perf_counter() - started


def free_port() -> int:
    """A loopback port nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Gunicorn:
    """gunicorn serving the site, in its own process group.

    Either with the production config file (`config=GUNICORN_CONFIG`: its worker
    count, timeouts and JSON logs, as deployed) or with `workers` sync workers and
    nothing else, to measure the site alone. `ready_path` is asked until it answers
    200: every worker imports Django first."""

    env: dict
    log_path: Path
    workers: int = 4
    port: int = field(default_factory=free_port)
    config: Path | None = None
    ready_path: str = "/bench/trivial/"
    process: subprocess.Popen | None = field(default=None, init=False)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def command(self) -> list[str]:
        if self.config is not None:
            return [sys.executable, "-m", "gunicorn", "-c", str(self.config)]
        return [
            sys.executable,
            "-m",
            "gunicorn",
            "telephone_site.wsgi:application",
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            str(self.workers),
            "--worker-class",
            "sync",
            "--log-level",
            "warning",
            "--chdir",
            str(ROOT),
        ]

    def describe(self) -> str:
        if self.config is not None:
            return f"gunicorn 23 with {self.config.name}, 127.0.0.1:{self.port}"
        return f"gunicorn 23, {self.workers} sync workers, 127.0.0.1:{self.port}"

    def start(self, timeout: float = 60.0) -> "Gunicorn":
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        env = {**self.env, "GUNICORN_BIND": f"127.0.0.1:{self.port}"}
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                self.command(), cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited early:\n{self.log()[-3000:]}")
            try:
                with urllib.request.urlopen(self.base_url + self.ready_path, timeout=5) as reply:
                    if reply.status == 200:
                        return self
            except urllib.error.HTTPError as error:
                raise RuntimeError(f"{self.ready_path} answered {error.code}: {error.read()[:500]!r}") from None
            except OSError:
                time.sleep(0.1)
        raise TimeoutError(f"gunicorn did not answer within {timeout}s:\n{self.log()[-3000:]}")

    def stop(self) -> None:
        """SIGTERM the group (graceful), SIGKILL whatever remains after 30 s."""
        if self.process is None or self.process.poll() is not None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
        except ProcessLookupError:
            pass

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def problems(self) -> list[str]:
        """Errors the server logged: tracebacks, ERROR/CRITICAL lines, timed-out workers."""
        return [
            line
            for line in self.log().splitlines()
            if '"level": "ERROR"' in line or "Traceback" in line or "[CRITICAL]" in line or "WORKER TIMEOUT" in line
        ]

    def cpu_seconds(self) -> float:
        """User+system CPU of the master and its workers so far.

        Throughput on a shared box moves with whatever else runs; CPU per request
        hardly does, so it backs up the RPS ratio when the machine is noisy.
        """
        pids = [self.process.pid, *_children(self.process.pid)]
        return sum(_cpu_ticks(pid) for pid in pids) / os.sysconf("SC_CLK_TCK")


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(child) for child in path.read_text().split()] if path.exists() else []


def _cpu_ticks(pid: int) -> int:
    """utime + stime from /proc/<pid>/stat (fields 14 and 15, after the parenthesised name)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except FileNotFoundError:
        return 0
    return int(fields[11]) + int(fields[12])


# --- wrk ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class LoadResult:
    """One wrk run: throughput, latency percentiles (ms) and anything that went wrong."""

    label: str
    rps: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: int
    non_2xx: int
    bytes_per_request: float
    server_cpu_s: float = 0.0  # CPU the gunicorn processes used during the run

    @property
    def cpu_ms_per_request(self) -> float:
        return 1000 * self.server_cpu_s / self.requests if self.requests else 0.0


def wrk_available() -> bool:
    return shutil.which("wrk") is not None


def run_wrk(
    url: str,
    *,
    label: str,
    seconds: int,
    connections: int,
    threads: int,
    script: Path | None = None,
    headers: list[str] = (),
) -> LoadResult:
    """Load `url` for `seconds` with `connections` open at once; parse wrk's summary."""
    # Every browser asks for compression; a visitor's request without it is unrealistic.
    headers = ["Accept-Encoding: gzip, deflate, br", *headers]
    output = wrk_output(
        url, seconds=seconds, connections=connections, threads=threads, script=script, headers=headers, latency=True
    )
    return parse_wrk(output, label=label)


def wrk_output(
    url: str,
    *,
    seconds: int,
    connections: int,
    threads: int,
    script: Path | None = None,
    headers: list[str] = (),
    latency: bool = False,
) -> str:
    """What wrk printed after loading `url` for `seconds` (a script's `done()` may print its own figures)."""
    command = ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{seconds}s", "--timeout", "10s"]
    if latency:
        command.append("--latency")
    for header in headers:
        command += ["-H", header]
    if script is not None:
        command += ["-s", str(script)]
    result = subprocess.run(command + [url], capture_output=True, text=True, timeout=seconds + 120)
    if result.returncode != 0:
        raise RuntimeError(f"wrk failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def parse_wrk(text: str, *, label: str) -> LoadResult:
    requests = int(_search(r"(\d+) requests in", text))
    read = _size(_search(r"requests in [\d.]+\w+, ([\d.]+\w+) read", text))
    errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", text))
    non_2xx = int(_search(r"Non-2xx or 3xx responses: (\d+)", text, default="0"))
    return LoadResult(
        label=label,
        rps=float(_search(r"Requests/sec:\s+([\d.]+)", text)),
        p50_ms=_duration_ms(_search(r"\s50%\s+([\d.]+\w+)", text)),
        p99_ms=_duration_ms(_search(r"\s99%\s+([\d.]+\w+)", text)),
        requests=requests,
        errors=errors,
        non_2xx=non_2xx,
        bytes_per_request=read / requests if requests else 0.0,
    )


def _search(pattern: str, text: str, default: str | None = None) -> str:
    match = re.search(pattern, text)
    if match:
        return match.group(1)
    if default is not None:
        return default
    raise ValueError(f"wrk output lacks {pattern!r}:\n{text}")


def _duration_ms(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def _size(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(B|KB|MB|GB)", text).groups()
    return float(value) * {"B": 1, "KB": 1024, "MB": 1024**2, "GB": 1024**3}[unit]


def write_miss_script(folder: Path) -> Path:
    path = folder / "miss.lua"
    path.write_text(MISS_SCRIPT)
    return path
