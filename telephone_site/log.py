"""Structured logs: every line says which request, chain, step and provider call it is about.

A chain's life is spread over many processes (the web request that started it, one
Celery task per phase on any worker machine, the reconciler), so grepping one
process's log tells little. Here the ids travel in a context variable instead of in
every call: the request middleware and the task layer bind them once, a logging
filter copies them onto each record, and the JSON formatter writes them as fields an
aggregator can index (`chain_id`, `step_id`, `task_id`, `request_id`,
`provider_request_id`, ...). Fields passed with `extra=` come out the same way.

The plain formatter (development, and the benchmarks' log parsers) keeps the classic
line and appends the same fields as `key=value` pairs.
"""

from __future__ import annotations

import json
import logging
import re
import uuid
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime, timezone
from typing import Iterator

from django.core.signals import request_finished

_context: ContextVar[dict | None] = ContextVar("telephone_log_context", default=None)

# Attributes every LogRecord has; anything else on a record came from `extra=` or the context.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime"}
# The ids the plain format appends, in this order; JSON carries every extra field.
ID_FIELDS = ("request_id", "task_id", "chain_id", "step_id", "phase", "provider_request_id")
REQUEST_ID_HEADER = "X-Request-ID"
# A proxy's id is reused only if it looks like one: no spaces, quotes or newlines in logs.
_VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{8,128}$")


# --- binding ids -------------------------------------------------------------------------


@contextmanager
def log_context(**fields) -> Iterator[None]:
    """Bind fields for everything logged inside the block (nested blocks add to them)."""
    token = _context.set({**(_context.get() or {}), **_clean(fields)})
    try:
        yield
    finally:
        _context.reset(token)


def bind_log_context(**fields) -> None:
    """Add fields to the innermost `log_context` (e.g. the chain once a step is loaded).

    Outside any block it does nothing, so services stay callable from anywhere.
    """
    current = _context.get()
    if current is not None:
        current.update(_clean(fields))


def _clean(fields: dict) -> dict:
    return {key: value for key, value in fields.items() if value not in (None, "")}


class ContextFilter(logging.Filter):
    """Copy the bound ids onto each record; explicit `extra=` values win."""

    def filter(self, record: logging.LogRecord) -> bool:
        for key, value in (_context.get() or {}).items():
            if not hasattr(record, key):
                setattr(record, key, value)
        return True


def record_fields(record: logging.LogRecord) -> dict:
    return {key: value for key, value in vars(record).items() if key not in _STANDARD and not key.startswith("_")}


# --- formatting --------------------------------------------------------------------------


class JSONFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, then every id field."""

    def format(self, record: logging.LogRecord) -> str:
        document = {
            "time": datetime.fromtimestamp(record.created, tz=timezone.utc).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "process": record.process,
        }
        document.update(record_fields(record))
        if record.exc_info:
            document["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            document["stack"] = self.formatStack(record.stack_info)
        return _redacted(json.dumps(document, default=str, ensure_ascii=False))


class PlainFormatter(logging.Formatter):
    """The classic line, with the id fields appended as key=value when there are any.

    Only `ID_FIELDS`: other extras (Celery passes whole task dicts as `data`) would
    drown the line; the JSON format has room for them.
    """

    def __init__(self, fmt: str | None = None, datefmt: str | None = None):
        super().__init__(fmt or "%(asctime)s %(levelname)s %(name)s %(message)s", datefmt)

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        fields = [(key, getattr(record, key)) for key in ID_FIELDS if getattr(record, key, None) not in (None, "")]
        if not fields:
            return _redacted(line)
        suffix = " ".join(f"{key}={value}" for key, value in fields)
        first, newline, rest = line.partition("\n")  # keep tracebacks below the fields
        return _redacted(f"{first} [{suffix}]{newline}{rest}")


def _redacted(line: str) -> str:
    """No key, token or internal host in any log line, whoever wrote it (chains.failures)."""
    from chains.failures import redact

    return redact(line)


# --- requests ----------------------------------------------------------------------------


def request_id_from(header: str | None) -> str:
    """The proxy's id when it sent a sane one (so nginx and Django lines match), else a new one."""
    if header and _VALID_REQUEST_ID.match(header):
        return header
    return uuid.uuid4().hex


class RequestLogContextMiddleware:
    """Binds a request id for the request's log lines and echoes it in the response.

    nginx's `$request_id` (see deploy/nginx.conf) arrives as X-Request-ID; without a
    proxy a fresh id is made. The same id is in gunicorn's access log line.

    The binding outlives this middleware on purpose: Django logs 4xx/5xx answers
    ("Not Found: ...", tracebacks) after the middleware chain has returned, and those
    lines need the id most. It is dropped when the response is finished.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = request_id_from(request.headers.get(REQUEST_ID_HEADER))
        request.request_id = request_id
        _context.set({"request_id": request_id})  # a new request replaces, never nests
        response = self.get_response(request)
        response[REQUEST_ID_HEADER] = request_id
        return response


def _forget_request(**kwargs) -> None:
    _context.set(None)


request_finished.connect(_forget_request, dispatch_uid="telephone_site.log.forget_request")
