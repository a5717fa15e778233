"""JSON over HTTP for the native image servers (AUTOMATIC1111, ComfyUI), errors made plain.

The same split as the OpenAI backend: a refusal (4xx) is permanent and says what the
server said; an outage, a timeout or a 5xx is transient and retried by the task layer.
Each backend passes a function that pulls the server's own words out of its error body.
Every request has one overall deadline (`timeout`), body included (`http.py`), under
every worker pool.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Callable

import httpx2

from .base import ProviderError
from .http import DeadlineTransport

# Messages name the service, never its address: a chain's error is shown on its page.
UNREACHABLE = "Could not reach {service}: {detail}"
TIMED_OUT = "{service} did not answer within {seconds:g} s."
SERVER_FAILED = "{service} failed (HTTP {status}): {detail}"
REFUSED = "{service} refused the request (HTTP {status}): {detail}"
NOT_JSON = "{service} answered HTTP {status} with something that is not JSON."
LONGEST_DETAIL = 500

Detail = Callable[[object], str]


def _shorten(text: str) -> str:
    return text if len(text) <= LONGEST_DETAIL else text[: LONGEST_DETAIL - 1] + "…"


@dataclass
class NativeClient:
    service: str
    base_url: str
    server: str
    timeout: float
    detail: Detail
    auth: tuple[str, str] | None = None

    def __post_init__(self):
        self.http = httpx2.Client(
            base_url=self.base_url.rstrip("/"),
            auth=self.auth,
            transport=DeadlineTransport(),
            timeout=httpx2.Timeout(self.timeout, connect=min(self.timeout, 10.0)),
        )

    def get_json(self, path: str, **params) -> object:
        return self._json(self._send("GET", path, params=params or None))

    def post_json(self, path: str, body: dict) -> object:
        return self._json(self._send("POST", path, json=body))

    def get_bytes(self, path: str, **params) -> bytes:
        response = self._send("GET", path, params=params or None)
        return response.content

    def close(self) -> None:
        self.http.close()

    def _send(self, method: str, path: str, **kwargs) -> httpx2.Response:
        try:
            response = self.http.request(method, path, **kwargs)
        except httpx2.TimeoutException:
            raise ProviderError(
                TIMED_OUT.format(service=self.service, seconds=self.timeout), permanent=False, kind="timed_out"
            ) from None
        except httpx2.HTTPError as exc:
            detail = _shorten(f"{type(exc).__name__}: {exc}")
            raise ProviderError(
                UNREACHABLE.format(service=self.service, detail=detail), permanent=False, kind="unreachable"
            ) from exc
        if response.status_code >= 400:
            raise self._status_error(response)
        return response

    def _status_error(self, response: httpx2.Response) -> ProviderError:
        try:
            body: object = response.json()
        except ValueError:
            body = response.text
        detail = _shorten(self.detail(body) or response.reason_phrase or "")
        template = SERVER_FAILED if response.status_code >= 500 else REFUSED
        return ProviderError(
            template.format(service=self.service, status=response.status_code, detail=detail),
            permanent=response.status_code < 500 and response.status_code not in (408, 409, 429),
        )

    def _json(self, response: httpx2.Response) -> object:
        try:
            return response.json()
        except (ValueError, json.JSONDecodeError):
            raise ProviderError(
                NOT_JSON.format(service=self.service, status=response.status_code), permanent=True
            ) from None
