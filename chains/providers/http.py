"""HTTP for provider calls: one overall deadline per call, under every worker pool.

A client timeout applies to each socket operation, not to the call: a server that
sends a byte every few seconds is never cut off, and Celery's soft and hard time
limits do nothing under the threads pool. So the deadline lives where every pool
runs the same code, in the network layer: each connect, write and read is given
at most the time left until the call's deadline, and a call whose deadline has
passed fails at its next socket operation. The request's own `timeout` (what the
openai client sends as `timeout=`) becomes that overall deadline, covering the wait
for a pooled connection, connect, send, the wait for headers and the whole body.

The same layer counts the HTTP requests a logical provider call makes and notes
whether the deadline cut one off, so the ledger can record both without the
provider code knowing about it (`metering`).
"""

from __future__ import annotations

import ipaddress
import socket
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

import httpcore2
import httpx2

DEADLINE_PASSED = "the call's overall deadline passed"
ADDRESS_REFUSED = "refusing to connect to {host} ({address}): not a public address"
UNRESOLVABLE = "could not resolve {host}"
TIMEOUT_KINDS = ("connect", "read", "write", "pool")

# The deadline of the socket operation in progress (absolute, time.monotonic()).
_operation_deadline: ContextVar[float | None] = ContextVar("operation_deadline", default=None)
# The deadline of the whole logical call (several requests, retries), if one is set.
_call_deadline: ContextVar[float | None] = ContextVar("call_deadline", default=None)
_meter: ContextVar["CallMeter | None"] = ContextVar("call_meter", default=None)
# Whether the request in progress has put any byte on the wire yet.
_sent: ContextVar[list | None] = ContextVar("request_sent", default=None)


@dataclass
class CallMeter:
    """What the network layer saw during one logical provider call."""

    requests: int = 0  # requests that put bytes on the wire (one that never left asked nothing)
    timed_out: bool = False
    request_ids: list[str] = field(default_factory=list)


@contextmanager
def metering() -> Iterator[CallMeter]:
    meter = CallMeter()
    token = _meter.set(meter)
    try:
        yield meter
    finally:
        _meter.reset(token)


@contextmanager
def call_deadline(seconds: float | None) -> Iterator[None]:
    """Bound a whole logical call (its retries included); nested bounds only shorten."""
    if seconds is None:
        yield
        return
    outer = _call_deadline.get()
    deadline = time.monotonic() + seconds
    token = _call_deadline.set(deadline if outer is None else min(outer, deadline))
    try:
        yield
    finally:
        _call_deadline.reset(token)


def call_time_left() -> float | None:
    """Seconds until the logical call's deadline, or None when it has none."""
    deadline = _call_deadline.get()
    return None if deadline is None else deadline - time.monotonic()


def _note_timeout() -> None:
    meter = _meter.get()
    if meter is not None:
        meter.timed_out = True


def _clamp(timeout: float | None, error: type[Exception]) -> float | None:
    """The smaller of a socket timeout and the time left; past the deadline, fail now."""
    deadline = _operation_deadline.get()
    if deadline is None:
        return timeout
    left = deadline - time.monotonic()
    if left <= 0:
        _note_timeout()
        raise error(DEADLINE_PASSED)
    return left if timeout is None else min(timeout, left)


# --- the network layer -------------------------------------------------------------


class DeadlineStream(httpcore2.NetworkStream):
    """A connection whose every operation waits at most until the deadline."""

    def __init__(self, stream: httpcore2.NetworkStream):
        self._stream = stream

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._stream.read(max_bytes, _clamp(timeout, httpcore2.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._stream.write(buffer, _clamp(timeout, httpcore2.WriteTimeout))
        sent = _sent.get()
        if sent is not None:
            sent[0] = True

    def close(self) -> None:
        self._stream.close()

    def start_tls(self, ssl_context, server_hostname=None, timeout=None) -> httpcore2.NetworkStream:
        upgraded = self._stream.start_tls(ssl_context, server_hostname, _clamp(timeout, httpcore2.ConnectTimeout))
        return DeadlineStream(upgraded)

    def get_extra_info(self, info: str):
        return self._stream.get_extra_info(info)


Resolver = Callable[[str, int], list[str]]


def resolve(host: str, port: int) -> list[str]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError:
        return []
    return list(dict.fromkeys(info[4][0] for info in infos))


def is_public_address(address: str) -> bool:
    ip = ipaddress.ip_address(address)
    return ip.is_global and not ip.is_multicast


@dataclass(frozen=True)
class AddressPolicy:
    """Which addresses a connection may reach, checked on the address actually dialled.

    Checking the resolved address at connect time (not the name in the URL) means
    a name that resolves to a private address, or changes its answer between a
    check and the connection, still cannot reach the local network. Private and
    loopback addresses are allowed only when the configured server is itself on
    the local network; link-local ones (cloud metadata) only if that is the server.
    """

    server_local: bool = False
    server_addresses: frozenset[str] = frozenset()
    resolver: Resolver = resolve

    def allows(self, address: str) -> bool:
        ip = ipaddress.ip_address(address)
        if address in self.server_addresses or is_public_address(address):
            return True
        if ip.is_link_local or ip.is_multicast or ip.is_unspecified:
            return False
        return self.server_local and (ip.is_private or ip.is_loopback)

    def pick(self, host: str, port: int) -> str:
        addresses = self.resolver(host, port)
        if not addresses:
            raise httpcore2.ConnectError(UNRESOLVABLE.format(host=host))
        for address in addresses:
            if not self.allows(address):
                raise httpcore2.ConnectError(ADDRESS_REFUSED.format(host=host, address=address))
        return addresses[0]


def policy_for_server(server_url: str, *, resolver: Resolver = resolve) -> AddressPolicy:
    """The policy for downloads that belong to the server at `server_url`."""
    url = httpx2.URL(server_url)
    host = url.host or ""
    addresses = resolver(host, url.port or (443 if url.scheme == "https" else 80)) if host else []
    local = bool(addresses) and all(not is_public_address(address) for address in addresses)
    return AddressPolicy(server_local=local, server_addresses=frozenset(addresses), resolver=resolver)


class DeadlineBackend(httpcore2.SyncBackend):
    """Sockets whose connect honours the deadline and, optionally, an address policy."""

    def __init__(self, policy: AddressPolicy | None = None):
        self.policy = policy

    def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        timeout = _clamp(timeout, httpcore2.ConnectTimeout)
        if self.policy is not None:
            host = self.policy.pick(host, port)
        stream = super().connect_tcp(host, port, timeout, local_address, socket_options)
        return DeadlineStream(stream)


# --- the transport -----------------------------------------------------------------


class DeadlineTransport(httpx2.BaseTransport):
    """httpx's HTTP transport with one deadline per request, set from its `timeout`."""

    def __init__(self, *, policy: AddressPolicy | None = None, max_connections: int = 100):
        ssl_context = httpx2.create_ssl_context()  # loading the CA bundle is the slow part: once
        self._inner = httpx2.HTTPTransport(verify=ssl_context, limits=httpx2.Limits(max_connections=max_connections))
        # The same pool httpx builds, dialling through the deadline-aware backend.
        self._inner._pool = httpcore2.ConnectionPool(
            ssl_context=ssl_context,
            max_connections=max_connections,
            max_keepalive_connections=20,
            keepalive_expiry=5.0,
            network_backend=DeadlineBackend(policy),
        )

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        deadline = self._deadline_for(request)
        given = request.extensions.get("timeout") or {}
        left = max(deadline - time.monotonic(), 0.001)
        request.extensions["timeout"] = {kind: min(given.get(kind) or left, left) for kind in TIMEOUT_KINDS}
        meter = _meter.get()
        sent = [False]
        token, sending = _operation_deadline.set(deadline), _sent.set(sent)
        try:
            response = self._inner.handle_request(request)
        except httpx2.TimeoutException:
            _note_timeout()
            raise
        finally:
            _operation_deadline.reset(token)
            _sent.reset(sending)
            if meter is not None and sent[0]:
                meter.requests += 1  # a request that never left asked the server nothing
        if meter is not None and response.headers.get("x-request-id"):
            meter.request_ids.append(response.headers["x-request-id"])
        response.stream = DeadlineBody(response.stream, deadline)
        return response

    @staticmethod
    def _deadline_for(request: httpx2.Request) -> float:
        timeouts = request.extensions.get("timeout") or {}
        seconds = timeouts.get("read") or timeouts.get("connect") or 60.0
        deadline = time.monotonic() + float(seconds)
        outer = _call_deadline.get()
        return deadline if outer is None else min(deadline, outer)

    def close(self) -> None:
        self._inner.close()


class DeadlineBody(httpx2.SyncByteStream):
    """The response body, read under the same deadline as the request that fetched it.

    The deadline is set around each chunk rather than around the whole iteration, so
    it never leaks into the caller's context between two chunks.
    """

    def __init__(self, stream: Iterable[bytes], deadline: float):
        self._stream = stream
        self._deadline = deadline

    def __iter__(self) -> Iterator[bytes]:
        chunks = iter(self._stream)
        while True:
            token = _operation_deadline.set(self._deadline)
            try:
                chunk = next(chunks)
            except StopIteration:
                return
            except httpx2.TimeoutException:
                _note_timeout()
                raise
            finally:
                _operation_deadline.reset(token)
            yield chunk

    def close(self) -> None:
        close = getattr(self._stream, "close", None)
        if close is not None:
            close()


def deadline_client(
    *, timeout: float, policy: AddressPolicy | None = None, follow_redirects: bool = False
) -> httpx2.Client:
    """An httpx client whose every request ends by its deadline (`timeout` seconds)."""
    return httpx2.Client(transport=DeadlineTransport(policy=policy), timeout=timeout, follow_redirects=follow_redirects)
