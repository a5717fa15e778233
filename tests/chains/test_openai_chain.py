"""Whole chains through the real OpenAI client and the fake server on 127.0.0.1."""

from __future__ import annotations

import pytest

from chains.models import Status
from chains.services import chain_run_inline
from tests.factories import make_chain
from tests.fakes.openai_server import error_body

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("on_commit_runs")]

IMAGES = "/v1/images/generations"


def no_sleep(seconds: float) -> None:
    """Retries are exercised for their logic here; their waits are tested elsewhere."""


def test_a_chain_runs_end_to_end_over_http(fake_openai):
    chain = chain_run_inline(chain=make_chain(target_length=2, provider="openai"), sleep=no_sleep)
    assert chain.status == Status.COMPLETED, chain.error_message
    assert len(fake_openai.requests_to(IMAGES)) == 2
    assert chain.provider_settings["image_model"] == "gpt-image-2"
    assert chain.provider_settings["caption_model"] == "gpt-5.4-mini"
    assert "api_key" not in str(chain.provider_settings).lower()
    step = chain.steps.get(index=1)
    assert step.image_request_id and step.caption_request_id and step.embedding_request_id
    assert step.image_params["quality"] == "medium"
    assert set(step.calls) == {"paint", "caption", "embedding"}
    assert step.calls["paint"]["usage"]["output_tokens"] == 1056
    assert step.calls["paint"]["price_source"].startswith("OpenAI API pricing")
    steps_total = sum(step.estimated_cost for step in chain.steps.all())
    assert chain.estimated_cost == steps_total > 0


def test_an_image_outage_is_retried_without_extra_steps(fake_openai, settings):
    fake_openai.enqueue(IMAGES, status=500, json=error_body("upstream down"), times=2)
    chain = chain_run_inline(chain=make_chain(target_length=2, provider="openai"), sleep=no_sleep)
    assert chain.status == Status.COMPLETED, chain.error_message
    assert list(chain.steps.values_list("index", flat=True)) == [0, 1, 2]
    assert len(fake_openai.requests_to(IMAGES)) == 4
    assert chain.images_generated == 2


def test_a_content_policy_refusal_fails_the_chain_with_a_readable_message(fake_openai):
    fake_openai.enqueue(
        IMAGES,
        status=400,
        json=error_body("Your request was rejected by the safety system.", code="content_policy_violation"),
    )
    chain = chain_run_inline(chain=make_chain(target_length=2, provider="openai"), sleep=no_sleep)
    assert chain.status == Status.FAILED
    assert "content policy" in chain.error_message.lower()
    assert len(fake_openai.requests_to(IMAGES)) == 1
