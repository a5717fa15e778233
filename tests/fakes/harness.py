"""A small HTTP harness the fake servers share: real sockets on 127.0.0.1, an ephemeral port.

Each fake subclasses `FakeServer` and answers in `route(request)` the way its real
server does (shapes, status codes, error envelopes, quirks). The harness records
every request, lets a test queue scripted answers per path (`enqueue`), slow a path
down (`slow_down`), trickle an answer (`drip`) or take the whole server down for a
while (`fail_all`). It also notes which requests it completed (`answered`): a real
provider finishes, and bills, work whose client has already hung up.

    with FakeOllamaServer() as ollama:
        ...
        assert ollama.last("/v1/chat/completions").body["max_tokens"] == 120
"""

from __future__ import annotations

import io
import itertools
import json
import threading
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from PIL import Image


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    path: str
    query: dict  # first value of each query parameter
    headers: dict  # lower-cased names
    body: object  # parsed JSON, or None
    raw: bytes
    received_at: float
    number: int = 0  # in the order received; fakes may name the request by it


@dataclass(frozen=True)
class ScriptedResponse:
    status: int = 200
    json: object = None
    body: bytes | None = None
    headers: dict = field(default_factory=dict)
    delay: float = 0.0
    content_type: str = ""
    drip: float = 0.0  # seconds between body chunks: a server trickling its answer

    @property
    def is_own_answer(self) -> bool:
        """A scripted 200 with no content: the server's own answer, only slowed down."""
        return self.status == 200 and self.json is None and self.body is None


DRIP_BYTES = 64


@dataclass(frozen=True)
class Outage:
    status: int
    until: float | None  # time.time() at which it ends; None lasts until `recover()`

    def active(self, now: float) -> bool:
        return self.until is None or now < self.until


def make_png(color: tuple[int, int, int] = (200, 40, 40), size: int = 8) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (size, size), color).save(buffer, format="PNG")
    return buffer.getvalue()


def plain(status: int, text: str) -> ScriptedResponse:
    return ScriptedResponse(status=status, body=text.encode("utf-8"), content_type="text/plain; charset=utf-8")


class FakeServer:
    """Start with `with Fake() as server:` or `start()`/`stop()`; subclasses implement `route`."""

    name = "fake"

    def __init__(self):
        self.requests: list[RecordedRequest] = []
        self._queues: dict[str, deque[ScriptedResponse]] = defaultdict(deque)
        self._delays: dict[str, float] = {}
        self._outage: Outage | None = None
        self._path_outages: dict[str, Outage] = {}
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._ids = itertools.count(1)
        self.clock = time.time  # what `received_at` and outages read; a test may hand it another
        self._httpd: ThreadingHTTPServer | None = None
        self._address: tuple[str, int] | None = None
        self.answered: dict[int, int] = {}  # request number → status the server completed
        self._inflight = 0

    # --- lifecycle ---

    def start(self):
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._httpd.daemon_threads = True
        self._address = self._httpd.server_address[:2]
        thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.02}, name=f"fake-{self.name}", daemon=True
        )
        thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()  # wakes handlers sleeping on a `delay`
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()

    @property
    def url(self) -> str:
        """Still known after `stop()`, so a test can compare what was recorded against it."""
        host, port = self._address
        return f"http://{host}:{port}"

    @property
    def host(self) -> str:
        return self.url.split("//", 1)[1]

    def next_id(self) -> int:
        return next(self._ids)

    # --- programming answers ---

    def enqueue(
        self,
        path: str,
        *,
        status: int = 200,
        json: object = None,
        body: bytes | None = None,
        headers: dict | None = None,
        delay: float = 0.0,
        times: int = 1,
        content_type: str = "",
        drip: float = 0.0,
    ) -> None:
        """Answer the next `times` requests to `path` this way, before the server's own answer.

        A `path` ending in "/" scripts every path under it (e.g. any file download). A
        status 200 with no content is the server's own answer, delayed or dripped.
        """
        scripted = ScriptedResponse(
            status=status,
            json=json,
            body=body,
            headers=dict(headers or {}),
            delay=delay,
            content_type=content_type,
            drip=drip,
        )
        with self._lock:
            self._queues[path].extend([scripted] * times)

    def slow_down(self, path: str, seconds: float) -> None:
        self._delays[path] = seconds

    def fail_all(self, status: int = 500, *, until: float | None = None) -> None:
        self._outage = Outage(status=status, until=until)

    def recover(self) -> None:
        self._outage = None
        self._path_outages.clear()

    def fail_path(self, path: str, status: int = 500, *, until: float | None = None) -> None:
        """Answer every request to `path` with `status` until `until` (time.time()): one service down."""
        self._path_outages[path] = Outage(status=status, until=until)

    # --- inspecting what arrived ---

    def requests_to(self, path: str, method: str | None = None) -> list[RecordedRequest]:
        with self._lock:
            return [r for r in self.requests if r.path == path and (method is None or r.method == method)]

    def last(self, path: str) -> RecordedRequest:
        return self.requests_to(path)[-1]

    def completed(self, path: str, status: int = 200) -> list[RecordedRequest]:
        """Requests to `path` the server finished with `status`, listening client or not."""
        with self._lock:
            return [r for r in self.requests if r.path == path and self.answered.get(r.number) == status]

    def wait_idle(self, timeout: float = 15.0, quiet: float = 1.0) -> None:
        """Until every request received has been answered (or given up on) and none came for `quiet` s.

        A client that gave up may leave a request in the socket for a busy server to read later.
        """
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                last = self.requests[-1].received_at if self.requests else 0.0
            if not self._inflight and self.clock() - last >= quiet:
                return
            time.sleep(0.05)

    # --- for subclasses ---

    def route(self, request: RecordedRequest) -> ScriptedResponse:
        raise NotImplementedError

    def outage_response(self, status: int) -> ScriptedResponse:
        return plain(status, "The server is down.")

    def extra_headers(self, request: RecordedRequest) -> dict:
        return {}

    # --- used by the handler ---

    def _record(self, request: RecordedRequest) -> None:
        with self._lock:
            self.requests.append(request)

    def _next_response(self, request: RecordedRequest) -> ScriptedResponse:
        outage = self._outage or self._path_outages.get(request.path)
        if outage is not None and outage.active(self.clock()):
            return self.outage_response(outage.status)
        with self._lock:
            scripted = self._scripted_for(request.path)
        if scripted is None:
            return self.route(request)
        if scripted.is_own_answer:
            own = self.route(request)
            return ScriptedResponse(
                status=own.status,
                json=own.json,
                body=own.body,
                headers={**own.headers, **scripted.headers},
                delay=scripted.delay,
                content_type=own.content_type,
                drip=scripted.drip,
            )
        return scripted

    def _scripted_for(self, path: str) -> ScriptedResponse | None:
        for key in (path, *(prefix for prefix in self._queues if prefix.endswith("/") and path.startswith(prefix))):
            queue = self._queues.get(key)
            if queue:
                return queue.popleft()
        return None


def _handler_for(server: FakeServer) -> type[BaseHTTPRequestHandler]:
    class Handler(_Handler):
        fake = server

    return Handler


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as real servers and the clients' pools expect
    fake: FakeServer

    def handle(self) -> None:
        try:
            super().handle()
        except (ConnectionResetError, BrokenPipeError):
            pass  # the client hung up between requests (a deadline, a size cap)

    def do_GET(self) -> None:
        self._answer()

    def do_POST(self) -> None:
        self._answer()

    def do_DELETE(self) -> None:
        self._answer()

    def log_message(self, format: str, *args) -> None:
        pass  # keep pytest output clean

    def _answer(self) -> None:
        raw = self._read_body()
        parts = urlsplit(self.path)
        request = RecordedRequest(
            method=self.command,
            path=parts.path,
            query={key: values[0] for key, values in parse_qs(parts.query, keep_blank_values=True).items()},
            headers={name.lower(): value for name, value in self.headers.items()},
            body=_parse_json(raw),
            raw=raw,
            received_at=self.fake.clock(),
            number=self.fake.next_id(),
        )
        with self.fake._lock:
            self.fake._inflight += 1
        self.fake._record(request)
        try:
            response = self.fake._next_response(request)
            delay = max(response.delay, self.fake._delays.get(request.path, 0.0))
            if delay and self.fake._stopping.wait(delay):
                return
            # The work is done (and billed) whether or not the client is still listening.
            self.fake.answered[request.number] = response.status
            self._send(response, request)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (a timeout test); nothing left to tell it
        finally:
            with self.fake._lock:
                self.fake._inflight -= 1

    def _read_body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            return self._read_chunked()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _read_chunked(self) -> bytes:
        chunks = []
        while True:
            size = int(self.rfile.readline().split(b";", 1)[0].strip() or b"0", 16)
            if size == 0:
                self.rfile.readline()
                return b"".join(chunks)
            chunks.append(self.rfile.read(size))
            self.rfile.readline()

    def _send(self, response: ScriptedResponse, request: RecordedRequest) -> None:
        if response.body is not None:
            payload = response.body
            content_type = response.content_type or "application/octet-stream"
        else:
            document = response.json if response.json is not None else {}
            payload, content_type = json.dumps(document).encode("utf-8"), "application/json"
        self.send_response(response.status)
        headers = {"content-type": ("Content-Type", content_type)}
        headers.update({name.lower(): (name, value) for name, value in self.fake.extra_headers(request).items()})
        headers.update({name.lower(): (name, value) for name, value in response.headers.items()})
        for name, value in headers.values():
            self.send_header(name, str(value))
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        if not response.drip:
            self.wfile.write(payload)
            return
        for start in range(0, len(payload), DRIP_BYTES):
            self.wfile.write(payload[start : start + DRIP_BYTES])
            self.wfile.flush()
            if self.fake._stopping.wait(response.drip):
                return


def _parse_json(raw: bytes) -> object:
    if not raw:
        return None
    try:
        return json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None
