"""Structured logs: a chain's lines carry its chain, step, task and provider request ids.

The chain runs through the real Celery tasks (eagerly) and the real OpenAI client
against the fake server, so the provider request ids are the ones the server sent
back in its `x-request-id` headers.
"""

from __future__ import annotations

import io
import json
import logging

import pytest

from chains.models import Status
from chains.services import chain_start
from telephone_site.log import ContextFilter, JSONFormatter, PlainFormatter, log_context
from tests.factories import make_chain

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def json_lines():
    """The root logger's lines as the production handler writes them."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(ContextFilter())
    handler.setFormatter(JSONFormatter())
    root = logging.getLogger()
    root.addHandler(handler)
    previous = root.level
    root.setLevel(logging.INFO)
    try:
        yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    finally:
        root.removeHandler(handler)
        root.setLevel(previous)


def test_a_chains_lines_carry_chain_step_task_and_provider_ids(fake_openai, json_lines):
    chain = make_chain(target_length=1, provider="openai")
    chain_start(chain=chain)  # tasks run eagerly, through run_phase
    chain.refresh_from_db()
    assert chain.status == Status.COMPLETED, chain.error_message

    lines = [line for line in json_lines() if line["logger"] in ("chains.services.phases", "chains.services.painting")]
    assert {line["message"].split()[0] for line in lines} == {"captioned", "embedded", "painted"}
    step_ids = dict(chain.steps.values_list("index", "pk"))
    for line in lines:
        assert line["chain_id"] == chain.pk
        assert line["step_id"] in step_ids.values()
        assert line["task_id"] and line["phase"].startswith("step_")
        assert line["provider_request_id"].startswith("req_fake_")
    painted = next(line for line in lines if line["message"].startswith("painted"))
    assert painted["provider_request_id"] == chain.steps.get(index=1).image_request_id


def test_a_providers_error_line_names_the_chain_too(fake_openai, json_lines, settings):
    settings.OPENAI_RETRY_ATTEMPTS = 1
    fake_openai.enqueue("/v1/chat/completions", status=400, json={"error": {"message": "no", "type": "x"}})
    chain = make_chain(target_length=1, provider="openai")
    chain_start(chain=chain)
    failed = [
        line for line in json_lines() if "failed" in line["message"] and line["logger"] == "chains.services.retry"
    ]
    assert failed and failed[0]["chain_id"] == chain.pk and failed[0]["permanent"] is True


def test_the_plain_format_appends_the_ids():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "hello %s", ("world",), None)
    with log_context(chain_id=7, step_id=9):
        ContextFilter().filter(record)
    assert PlainFormatter().format(record).endswith("hello world [chain_id=7 step_id=9]")


def test_requests_get_an_id_echoed_back(client):
    mine = client.get("/healthz", HTTP_X_REQUEST_ID="nginx-0123456789abcdef")
    assert mine["X-Request-ID"] == "nginx-0123456789abcdef"
    unsafe = client.get("/healthz", HTTP_X_REQUEST_ID="two words")
    assert unsafe["X-Request-ID"] != "two words" and len(unsafe["X-Request-ID"]) == 32
