"""A small HTTP harness the fake servers share: real sockets on 127.0.0.1, an ephemeral port.

Each fake subclasses `FakeServer` and answers in `route(request)` the way its real
server does (shapes, status codes, error envelopes, quirks). The harness records
every request, lets a test queue scripted answers per path (`enqueue`), slow a path
down (`slow_down`) or take the whole server down for a while (`fail_all`).

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


@dataclass(frozen=True)
class ScriptedResponse:
    status: int = 200
    json: object = None
    body: bytes | None = None
    headers: dict = field(default_factory=dict)
    delay: float = 0.0
    content_type: str = ""


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
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._ids = itertools.count(1)
        self.clock = time.time  # what `received_at` and outages read; a test may hand it another
        self._httpd: ThreadingHTTPServer | None = None
        self._address: tuple[str, int] | None = None

    # --- lifecycle ---

    def start(self):
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._httpd.daemon_threads = True
        self._address = self._httpd.server_address[:2]
        thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.02},
                                  name=f"fake-{self.name}", daemon=True)
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

    def enqueue(self, path: str, *, status: int = 200, json: object = None, body: bytes | None = None,
                headers: dict | None = None, delay: float = 0.0, times: int = 1, content_type: str = "") -> None:
        """Answer the next `times` requests to `path` this way, before the server's own answer."""
        scripted = ScriptedResponse(status=status, json=json, body=body, headers=dict(headers or {}),
                                    delay=delay, content_type=content_type)
        with self._lock:
            self._queues[path].extend([scripted] * times)

    def slow_down(self, path: str, seconds: float) -> None:
        self._delays[path] = seconds

    def fail_all(self, status: int = 500, *, until: float | None = None) -> None:
        self._outage = Outage(status=status, until=until)

    def recover(self) -> None:
        self._outage = None

    # --- inspecting what arrived ---

    def requests_to(self, path: str, method: str | None = None) -> list[RecordedRequest]:
        with self._lock:
            return [r for r in self.requests if r.path == path and (method is None or r.method == method)]

    def last(self, path: str) -> RecordedRequest:
        return self.requests_to(path)[-1]

    # --- for subclasses ---

    def route(self, request: RecordedRequest) -> ScriptedResponse:
        raise NotImplementedError

    def outage_response(self, status: int) -> ScriptedResponse:
        return plain(status, "The server is down.")

    def extra_headers(self) -> dict:
        return {}

    # --- used by the handler ---

    def _record(self, request: RecordedRequest) -> None:
        with self._lock:
            self.requests.append(request)

    def _next_response(self, request: RecordedRequest) -> ScriptedResponse:
        outage = self._outage
        if outage is not None and outage.active(self.clock()):
            return self.outage_response(outage.status)
        with self._lock:
            queue = self._queues.get(request.path)
            if queue:
                return queue.popleft()
        return self.route(request)


def _handler_for(server: FakeServer) -> type[BaseHTTPRequestHandler]:
    class Handler(_Handler):
        fake = server

    return Handler


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as real servers and the clients' pools expect
    fake: FakeServer

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
            method=self.command, path=parts.path,
            query={key: values[0] for key, values in parse_qs(parts.query, keep_blank_values=True).items()},
            headers={name.lower(): value for name, value in self.headers.items()},
            body=_parse_json(raw), raw=raw, received_at=self.fake.clock(),
        )
        self.fake._record(request)
        response = self.fake._next_response(request)
        delay = max(response.delay, self.fake._delays.get(request.path, 0.0))
        if delay and self.fake._stopping.wait(delay):
            return
        try:
            self._send(response)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (a timeout test); nothing left to tell it

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

    def _send(self, response: ScriptedResponse) -> None:
        if response.body is not None:
            payload = response.body
            content_type = response.content_type or "application/octet-stream"
        else:
            document = response.json if response.json is not None else {}
            payload, content_type = json.dumps(document).encode("utf-8"), "application/json"
        self.send_response(response.status)
        headers = {"content-type": ("Content-Type", content_type)}
        headers.update({name.lower(): (name, value) for name, value in self.fake.extra_headers().items()})
        headers.update({name.lower(): (name, value) for name, value in response.headers.items()})
        for name, value in headers.values():
            self.send_header(name, str(value))
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)


def _parse_json(raw: bytes) -> object:
    if not raw:
        return None
    try:
        return json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None
