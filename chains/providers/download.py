"""Fetching a painter's `url` answer: only from where that server may put it.

A URL in an answer is data from the network, so it is not followed blindly: it
must be https, or plain http to the configured server's own host (a local LocalAI
serves its pictures that way). Redirects are followed by hand, one hop at a time,
and only within the host being fetched. Every connection goes through an address
policy (`http.AddressPolicy`): no private or link-local address unless the
configured server is itself local. The body is capped in size and the whole fetch,
redirects included, has one deadline.

Refusals are permanent (asking again gives the same answer); a 404, a reset or a
deadline is transient, and the task layer fetches the same URL again later.
"""

from __future__ import annotations

from urllib.parse import urljoin

import httpx2

from .base import ProviderError
from .http import AddressPolicy, call_deadline, deadline_client, policy_for_server

DOWNLOAD_FAILED = "Could not download the generated image from {host}: {detail}"
DOWNLOAD_TOO_LARGE = "The generated image at {host} is larger than {limit} bytes."
DOWNLOAD_REFUSED = "Refused to download the generated image from {url}: {reason}"
REASON_SCHEME = "only https, or http to the image server's own host, is fetched"
REASON_REDIRECT_HOST = "it redirects to another host ({host})"
REASON_TOO_MANY_REDIRECTS = "too many redirects"
REASON_ADDRESS = "its address is not public"

MAX_DOWNLOAD_BYTES = 64 * 1024 * 1024
MAX_REDIRECTS = 3
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
DOWNLOAD_KIND = "download"


def _refused(url: str, reason: str) -> ProviderError:
    return ProviderError(
        DOWNLOAD_REFUSED.format(url=_shown(url), reason=reason), permanent=True, kind="download_refused"
    )


def _failed(host: str, detail: str) -> ProviderError:
    return ProviderError(DOWNLOAD_FAILED.format(host=host, detail=detail), permanent=False, kind=DOWNLOAD_KIND)


def _shown(url: str) -> str:
    """Scheme, host and path: a signed URL's query string is a credential."""
    parsed = httpx2.URL(url)
    return f"{parsed.scheme}://{parsed.netloc.decode('ascii', 'replace')}{parsed.path}"


class ImageDownloader:
    """Fetches the pictures that one image server's answers point at."""

    def __init__(
        self, *, server_url: str, deadline: float, limit: int = MAX_DOWNLOAD_BYTES, policy: AddressPolicy | None = None
    ):
        self.server = httpx2.URL(server_url or "https://api.openai.com/v1")
        self.deadline = deadline
        self.limit = limit
        self._policy = policy
        self._http: httpx2.Client | None = None

    @property
    def http(self) -> httpx2.Client:
        """Built on first use: resolving the server's host is only needed for a download."""
        if self._http is None:
            policy = self._policy or policy_for_server(str(self.server))
            # A plain client of its own, so the API key is never sent to the file host.
            self._http = deadline_client(timeout=self.deadline, policy=policy, follow_redirects=False)
        return self._http

    def fetch(self, url: str) -> bytes:
        with call_deadline(self.deadline):
            current = self._checked(url)
            for _ in range(MAX_REDIRECTS + 1):
                location, body = self._get(current)
                if location is None:
                    return body
                following = urljoin(current, location)
                if httpx2.URL(following).host != httpx2.URL(current).host:
                    raise _refused(url, REASON_REDIRECT_HOST.format(host=httpx2.URL(following).host))
                current = self._checked(following)
            raise _refused(url, REASON_TOO_MANY_REDIRECTS)

    def _checked(self, url: str) -> str:
        parsed = httpx2.URL(url)
        if parsed.scheme == "https" and parsed.host:
            return url
        if parsed.scheme == "http" and parsed.host == self.server.host:
            return url
        raise _refused(url, REASON_SCHEME)

    def _get(self, url: str) -> tuple[str | None, bytes]:
        """GET one URL: (a redirect's Location, b"") or (None, the body)."""
        host = httpx2.URL(url).host
        try:
            with self.http.stream("GET", url) as response:
                if response.status_code in REDIRECT_STATUSES and response.headers.get("location"):
                    return response.headers["location"], b""
                if response.status_code >= 400:
                    raise _failed(host, f"HTTP {response.status_code}")
                return None, self._read_bounded(response, host)
        except httpx2.ConnectError as exc:
            if "not a public address" in str(exc):
                raise _refused(url, REASON_ADDRESS) from exc
            raise _failed(host, f"{type(exc).__name__}: {exc}") from exc
        except httpx2.HTTPError as exc:
            raise _failed(host, f"{type(exc).__name__}: {exc}") from exc

    def _read_bounded(self, response: httpx2.Response, host: str) -> bytes:
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.limit:
            raise ProviderError(
                DOWNLOAD_TOO_LARGE.format(host=host, limit=self.limit), permanent=True, kind="download_refused"
            )
        buffer = bytearray()
        for chunk in response.iter_bytes():
            buffer.extend(chunk)
            if len(buffer) > self.limit:
                raise ProviderError(
                    DOWNLOAD_TOO_LARGE.format(host=host, limit=self.limit), permanent=True, kind="download_refused"
                )
        return bytes(buffer)

    def close(self) -> None:
        if self._http is not None:
            self._http.close()
