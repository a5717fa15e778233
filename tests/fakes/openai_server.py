"""A fake OpenAI-compatible HTTP server on loopback, for driving the real client.

Tests talk to it through the genuine `openai` package over real sockets, so what is
checked is what would go over the wire: bodies, headers, timeouts, status codes.
Each route answers from a queue the test fills (`enqueue`) and falls back to a
plausible success; `fail_all` simulates an outage that recovers at a set time.

    with FakeOpenAIServer() as server:
        server.enqueue(IMAGES, status=429, headers={"Retry-After": "1"})
        ...
        assert server.requests_to(IMAGES)[0].body["model"] == "dall-e-3"
"""

from __future__ import annotations

import base64
import hashlib
import io
import itertools
import json
import threading
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import numpy as np
from PIL import Image

CHAT = "/v1/chat/completions"
IMAGES = "/v1/images/generations"
EMBEDDINGS = "/v1/embeddings"
MODERATIONS = "/v1/moderations"
FILES_PREFIX = "/files/"

DEFAULT_CAPTION = "  A red kite over a green hill under a pale blue sky.  "
DEFAULT_REVISED_PROMPT = "A vivid painting: {prompt}"
OUTAGE_MESSAGE = "The server is down."
EMBEDDING_DIMENSION = 8
MODERATION_CATEGORIES = (
    "harassment", "harassment/threatening", "hate", "hate/threatening", "illicit",
    "illicit/violent", "self-harm", "self-harm/instructions", "self-harm/intent",
    "sexual", "sexual/minors", "violence", "violence/graphic",
)


def error_body(message: str, *, type: str = "invalid_request_error", code: str | None = None) -> dict:
    """The error envelope OpenAI uses, so the client parses it as it would for real."""
    return {"error": {"message": message, "type": type, "param": None, "code": code}}


def make_png(color: tuple[int, int, int] = (200, 40, 40), size: int = 8) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (size, size), color).save(buffer, format="PNG")
    return buffer.getvalue()


def chat_completion_json(content: str | None, *, model: str = "fake-model", number: int = 1) -> dict:
    """A chat completion body, for tests that queue their own caption answer."""
    return {
        "id": f"chatcmpl-fake-{number}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content, "refusal": None},
                "finish_reason": "stop",
            }
        ],
        "usage": {"prompt_tokens": 42, "completion_tokens": 17, "total_tokens": 59},
    }


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    path: str
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


@dataclass(frozen=True)
class Outage:
    status: int
    until: float | None  # time.time() at which it ends; None lasts until `recover()`

    def active(self) -> bool:
        return self.until is None or time.time() < self.until


class FakeOpenAIServer:
    """Start with `with FakeOpenAIServer() as server:` or `start()`/`stop()`."""

    def __init__(self, *, image: bytes | None = None):
        self.image = image if image is not None else make_png()
        self.caption = DEFAULT_CAPTION
        self.image_format = "auto"  # "auto" follows response_format; or "url" / "b64_json"
        self.flagged: tuple[str, ...] = ()
        self.embedding_dimension = EMBEDDING_DIMENSION
        self.requests: list[RecordedRequest] = []
        self.files: dict[str, bytes] = {}
        self._queues: dict[str, deque[ScriptedResponse]] = defaultdict(deque)
        self._delays: dict[str, float] = {}
        self._outage: Outage | None = None
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._ids = itertools.count(1)
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # --- lifecycle ---

    def start(self) -> FakeOpenAIServer:
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.02}, name="fake-openai", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()  # wakes handlers sleeping on a `delay`
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None

    def __enter__(self) -> FakeOpenAIServer:
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

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
    ) -> None:
        """Answer the next `times` requests to `path` this way, before any default."""
        headers = dict(headers or {})
        scripted = ScriptedResponse(status=status, json=json, body=body, headers=headers, delay=delay)
        with self._lock:
            self._queues[path].extend([scripted] * times)

    def slow_down(self, path: str, seconds: float) -> None:
        """Delay every answer on `path` (queued or default), e.g. to trip a timeout."""
        self._delays[path] = seconds

    def fail_all(self, status: int = 500, *, until: float | None = None) -> None:
        """Answer every request with `status` until `until` (a time.time() value)."""
        self._outage = Outage(status=status, until=until)

    def recover(self) -> None:
        self._outage = None

    def flag(self, *categories: str) -> None:
        self.flagged = tuple(categories)

    # --- inspecting what arrived ---

    def requests_to(self, path: str) -> list[RecordedRequest]:
        with self._lock:
            return [request for request in self.requests if request.path == path]

    def last(self, path: str) -> RecordedRequest:
        return self.requests_to(path)[-1]

    # --- used by the handler ---

    def _record(self, request: RecordedRequest) -> None:
        with self._lock:
            self.requests.append(request)

    def _next_response(self, request: RecordedRequest) -> ScriptedResponse:
        outage = self._outage
        if outage is not None and outage.active():
            down = error_body(OUTAGE_MESSAGE, type="server_error")
            return ScriptedResponse(status=outage.status, json=down)
        with self._lock:
            queue = self._queues.get(request.path)
            if queue:
                return queue.popleft()
        return self._default_response(request)

    def _default_response(self, request: RecordedRequest) -> ScriptedResponse:
        body = request.body if isinstance(request.body, dict) else {}
        if request.method == "POST" and request.path == CHAT:
            return ScriptedResponse(json=self._chat_answer(body))
        if request.method == "POST" and request.path == IMAGES:
            return ScriptedResponse(json=self._image_answer(body))
        if request.method == "POST" and request.path == EMBEDDINGS:
            return ScriptedResponse(json=self._embedding_answer(body))
        if request.method == "POST" and request.path == MODERATIONS:
            return ScriptedResponse(json=self._moderation_answer(body))
        if request.method == "GET" and request.path.startswith(FILES_PREFIX):
            return self._file_answer(request.path)
        return ScriptedResponse(status=404, json=error_body(f"Unknown route {request.method} {request.path}"))

    def _chat_answer(self, body: dict) -> dict:
        model = body.get("model", "fake-model")
        return chat_completion_json(self.caption, model=model, number=next(self._ids))

    def _image_answer(self, body: dict) -> dict:
        wanted = self.image_format if self.image_format != "auto" else body.get("response_format", "b64_json")
        picture: dict = {}
        if wanted == "url":
            name = f"img-{next(self._ids)}.png"
            self.files[name] = self.image
            picture["url"] = f"{self.url}{FILES_PREFIX}{name}"
        else:
            picture["b64_json"] = base64.b64encode(self.image).decode("ascii")
        if str(body.get("model", "")).startswith("dall-e-3"):
            picture["revised_prompt"] = DEFAULT_REVISED_PROMPT.format(prompt=body.get("prompt", ""))
        return {"created": int(time.time()), "data": [picture]}

    def _embedding_answer(self, body: dict) -> dict:
        texts = body.get("input", [])
        texts = [texts] if isinstance(texts, str) else list(texts)
        data = []
        for index, text in enumerate(texts):
            vector = deterministic_vector(str(text), self.embedding_dimension)
            if body.get("encoding_format") == "base64":
                embedding: object = base64.b64encode(vector.tobytes()).decode("ascii")
            else:
                embedding = vector.tolist()
            data.append({"object": "embedding", "index": index, "embedding": embedding})
        tokens = sum(len(str(text).split()) for text in texts)
        return {
            "object": "list",
            "data": data,
            "model": body.get("model", "fake-embedding"),
            "usage": {"prompt_tokens": tokens, "total_tokens": tokens},
        }

    def _moderation_answer(self, body: dict) -> dict:
        categories = {name: name in self.flagged for name in MODERATION_CATEGORIES}
        return {
            "id": f"modr-fake-{next(self._ids)}",
            "model": body.get("model", "fake-moderation"),
            "results": [
                {
                    "flagged": bool(self.flagged),
                    "categories": categories,
                    "category_scores": {name: 0.9 if hit else 0.001 for name, hit in categories.items()},
                    "category_applied_input_types": {name: ["text"] for name in MODERATION_CATEGORIES},
                }
            ],
        }

    def _file_answer(self, path: str) -> ScriptedResponse:
        content = self.files.get(path[len(FILES_PREFIX):])
        if content is None:
            return ScriptedResponse(status=404, body=b"not found", headers={"Content-Type": "text/plain"})
        return ScriptedResponse(body=content, headers={"Content-Type": "image/png"})


def deterministic_vector(text: str, dimension: int) -> np.ndarray:
    """The same text always embeds to the same unit vector, different texts differ."""
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    seed = int.from_bytes(digest[:8], "little")
    vector = np.random.default_rng(seed).standard_normal(dimension).astype(np.float32)
    return vector / np.float32(np.linalg.norm(vector))


def _handler_for(server: FakeOpenAIServer) -> type[BaseHTTPRequestHandler]:
    class Handler(_FakeOpenAIHandler):
        fake = server

    return Handler


class _FakeOpenAIHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as the real API and the client's pool expect
    fake: FakeOpenAIServer

    def do_GET(self) -> None:
        self._answer()

    def do_POST(self) -> None:
        self._answer()

    def log_message(self, format: str, *args) -> None:
        pass  # keep pytest output clean

    def _answer(self) -> None:
        raw = self._read_body()
        request = RecordedRequest(
            method=self.command,
            path=self.path.split("?", 1)[0],
            headers={name.lower(): value for name, value in self.headers.items()},
            body=_parse_json(raw),
            raw=raw,
            received_at=time.time(),
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
            payload, content_type = response.body, "application/octet-stream"
        else:
            document = response.json if response.json is not None else {}
            payload, content_type = json.dumps(document).encode("utf-8"), "application/json"
        self.send_response(response.status)
        headers = {"content-type": ("Content-Type", content_type)}
        headers["x-request-id"] = ("x-request-id", f"req_fake_{next(self.fake._ids)}")
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
