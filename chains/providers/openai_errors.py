"""Turn the openai client's exceptions into the one ProviderError the engine knows.

The split that matters is permanent versus transient: a permanent error fails the
chain with a message people can read, a transient one is retried. The messages are
constants so tests (and anyone grepping the logs) can match them exactly.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from email.utils import parsedate_to_datetime

import openai as openai_sdk

from .base import ProviderError

logger = logging.getLogger(__name__)

RATE_LIMITED = "{service} is rate limiting us (HTTP 429): {detail}"
SERVER_ERROR = "{service} had a server error (HTTP {status}): {detail}"
TRY_AGAIN_STATUS = "{service} asked us to try again (HTTP {status}): {detail}"
TIMED_OUT = "{service} did not answer in time."
CONNECTION_FAILED = "Could not reach {service}: {detail}"
REQUEST_REJECTED = "{service} rejected the request (HTTP {status}): {detail}"
AUTHENTICATION_FAILED = "{service} did not accept the API key (HTTP {status}): {detail}"
PERMISSION_DENIED = "The API key may not use this model or endpoint (HTTP {status}): {detail}"
NOT_FOUND = "{service} does not know this model or endpoint (HTTP {status}): {detail}"
UNPROCESSABLE = "{service} could not process the request (HTTP {status}): {detail}"
CONTENT_POLICY = "The image model refused the prompt under its content policy: {detail}"
UNEXPECTED_RESPONSE = "{service} sent a response we could not read: {detail}"
CLIENT_FAILURE = "The OpenAI client failed: {detail}"

# Servers that speak the OpenAI protocol do not agree on one code for a refusal.
CONTENT_POLICY_CODES = frozenset({"content_policy_violation", "moderation_blocked"})
TRANSIENT_CLIENT_STATUSES = frozenset({408, 409, 429})
# 501 Not Implemented is a server saying it cannot do this at all (llama.cpp without
# --embeddings): asking again will not help.
PERMANENT_TEMPLATES = {
    400: REQUEST_REJECTED,
    401: AUTHENTICATION_FAILED,
    403: PERMISSION_DENIED,
    404: NOT_FOUND,
    422: UNPROCESSABLE,
}
LONGEST_DETAIL = 500
# Who answered, as staff read it: the same client talks to OpenAI and to self-hosted
# servers (Ollama, vLLM, LocalAI...), and blaming "the OpenAI API" for a local server's
# error sends an operator to the wrong place. The name, never the address.
OPENAI_HOST = "api.openai.com"
OPENAI_SERVICE = "The OpenAI API"
COMPATIBLE_SERVICE = "The OpenAI-compatible server"


def to_provider_error(exc: openai_sdk.OpenAIError) -> ProviderError:
    """The single mapping from the client's exception tree to permanent/transient."""
    service = service_name(exc)
    if isinstance(exc, openai_sdk.APITimeoutError):
        return ProviderError(TIMED_OUT.format(service=service), permanent=False, kind="timed_out")
    if isinstance(exc, openai_sdk.APIConnectionError):
        return ProviderError(
            CONNECTION_FAILED.format(service=_lowered(service), detail=_cause_text(exc)),
            permanent=False,
            kind="unreachable",
        )
    if isinstance(exc, openai_sdk.APIStatusError):
        return _status_error(exc, service)
    if isinstance(exc, openai_sdk.APIResponseValidationError):
        return ProviderError(
            UNEXPECTED_RESPONSE.format(service=service, detail=exc.message), permanent=True, kind="bad_answer"
        )
    return ProviderError(CLIENT_FAILURE.format(detail=str(exc) or type(exc).__name__), permanent=True)


def service_name(exc: openai_sdk.OpenAIError) -> str:
    """OpenAI's own API, or another server speaking its protocol, from the request's host."""
    request = getattr(exc, "request", None)
    host = request.url.host if request is not None else OPENAI_HOST
    return OPENAI_SERVICE if host == OPENAI_HOST else COMPATIBLE_SERVICE


def _lowered(service: str) -> str:
    return service[0].lower() + service[1:]


def _status_error(exc: openai_sdk.APIStatusError, service: str) -> ProviderError:
    status = exc.status_code
    detail = server_message(exc)
    logger.warning("%s answered HTTP %s (request %s): %s", service, status, exc.request_id, detail)
    if status == 429:
        retry_after = parse_retry_after(exc.response.headers)
        return ProviderError(
            RATE_LIMITED.format(service=service, detail=detail),
            permanent=False,
            retry_after=retry_after,
            kind="rate_limited",
        )
    if status >= 500 and status != 501:
        retry_after = parse_retry_after(exc.response.headers)
        return ProviderError(
            SERVER_ERROR.format(service=service, status=status, detail=detail),
            permanent=False,
            retry_after=retry_after,
            kind="unreachable",
        )
    if status in TRANSIENT_CLIENT_STATUSES:
        return ProviderError(TRY_AGAIN_STATUS.format(service=service, status=status, detail=detail), permanent=False)
    if status == 400 and exc.code in CONTENT_POLICY_CODES:
        return ProviderError(CONTENT_POLICY.format(detail=detail), permanent=True, kind="content_policy")
    template = PERMANENT_TEMPLATES.get(status, REQUEST_REJECTED)
    return ProviderError(template.format(service=service, status=status, detail=detail), permanent=True)


def server_message(exc: openai_sdk.APIStatusError) -> str:
    """The server's own words; the client's `message` prefixes them with a status code."""
    body = exc.body
    if isinstance(body, Mapping):
        # OpenAI and most compatible servers say "message"; FastAPI-based ones (vLLM-Omni) "detail".
        for key in ("message", "detail"):
            message = body.get(key)
            if isinstance(message, str) and message.strip():
                return _shorten(message.strip())
    if isinstance(body, str) and body.strip():
        return _shorten(body.strip())
    return _shorten(exc.message)


def parse_retry_after(headers: Mapping[str, str], *, now: float | None = None) -> float | None:
    """Seconds the server asked us to wait, from `retry-after-ms` or `retry-after`.

    `retry-after` may be a number of seconds or an HTTP date; anything unreadable
    or in the past counts as no hint at all rather than as "retry immediately".
    """
    lowered = {key.lower(): value for key, value in headers.items()}
    milliseconds = _as_float(lowered.get("retry-after-ms"))
    if milliseconds is not None and milliseconds >= 0:
        return milliseconds / 1000.0
    raw = lowered.get("retry-after")
    if not raw:
        return None
    seconds = _as_float(raw)
    if seconds is not None:
        return seconds if seconds >= 0 else None
    return _seconds_until_http_date(raw, now=time.time() if now is None else now)


def _seconds_until_http_date(raw: str, *, now: float) -> float | None:
    try:
        moment = parsedate_to_datetime(raw)
    except (TypeError, ValueError, IndexError):
        return None
    if moment is None:
        return None
    wait = moment.timestamp() - now
    return wait if wait > 0 else None


def _as_float(raw: str | None) -> float | None:
    if raw is None:
        return None
    try:
        return float(raw.strip())
    except ValueError:
        return None


def _cause_text(exc: BaseException) -> str:
    cause = exc.__cause__
    if cause is not None and str(cause):
        return _shorten(f"{type(cause).__name__}: {cause}")
    return _shorten(str(exc) or type(exc).__name__)


def _shorten(text: str) -> str:
    return text if len(text) <= LONGEST_DETAIL else text[: LONGEST_DETAIL - 1] + "…"
