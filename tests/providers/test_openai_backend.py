"""The OpenAI backend, driven through the real `openai` client over real HTTP.

Every test talks to the loopback fake server, so bodies, headers, status codes and
timeouts go through the same code paths they would against the real API.
"""

from __future__ import annotations

import base64
import dataclasses
import io
import sys
import time
from email.utils import formatdate

import numpy as np
import pytest
from PIL import Image

from chains.providers import ROLE_ATTRIBUTE, ROLES, build_providers, clear_provider_cache, resolve
from chains.providers import openai as openai_backend
from chains.providers.base import CaptionRequest, PaintRequest, ProviderError, ProviderSet
from chains.providers.openai_captioner import EMPTY_CAPTION
from chains.providers.openai_errors import (
    AUTHENTICATION_FAILED,
    COMPATIBLE_SERVICE,
    CONTENT_POLICY,
    OPENAI_SERVICE,
    RATE_LIMITED,
    REQUEST_REJECTED,
    SERVER_ERROR,
    TIMED_OUT,
    parse_retry_after,
    to_provider_error,
)
from chains.providers.openai_images import image_mime_type
from chains.providers.retrying import backoff_delay
from tests.fakes.fixtures import FAKE_API_KEY
from tests.fakes.openai_server import (
    CHAT,
    EMBEDDINGS,
    IMAGES,
    MODERATIONS,
    OUTAGE_MESSAGE,
    chat_completion_json,
    error_body,
    make_png,
)
from tests.support.clock import ManualClock

INSTRUCTIONS = "Describe this image in one or two sentences."


def encoded(picture: Image.Image, format: str) -> bytes:
    buffer = io.BytesIO()
    picture.save(buffer, format=format)
    return buffer.getvalue()


def caption_request(image: bytes | None = None, detail: str = "somewhat") -> CaptionRequest:
    return CaptionRequest(image=image or make_png(), instructions=INSTRUCTIONS, detail=detail)


def record_sleeps(role) -> list[float]:
    """Swap the role's sleep for a recorder, so backoff is observed without waiting."""
    sleeps: list[float] = []
    role.retry = dataclasses.replace(role.retry, sleep=sleeps.append)
    return sleeps


@pytest.fixture
def build(fake_openai):
    """Build providers after the test has set its settings, and close their pools after."""
    built = []

    def build_with(snapshot: dict | None = None):
        """The backend's own roles, unwrapped, so a test can swap a role's retry policy."""
        resolved = resolve("openai", snapshot or {})
        roles = {ROLE_ATTRIBUTE[role]: openai_backend.build_role(role, resolved.configs[role]) for role in ROLES}
        providers = ProviderSet(name=resolved.name, snapshot=resolved.snapshot, **roles)
        built.append(providers)
        return providers

    yield build_with
    for providers in built:
        for attribute in ROLE_ATTRIBUTE.values():
            openai_backend.close(getattr(providers, attribute))
    clear_provider_cache()


@pytest.fixture
def providers(build):
    return build()


# --- Building ---------------------------------------------------------------------------


def test_module_uses_the_real_openai_package():
    assert openai_backend.openai_sdk is sys.modules["openai"]
    assert hasattr(openai_backend.openai_sdk, "OpenAI")


def test_snapshot_records_each_roles_server_and_model_but_never_the_key(fake_openai):
    providers = build_providers("openai", {"caption_model": "gpt-5.4-nano", "api_key": "sneaky"})

    assert providers.name == "openai"
    assert providers.snapshot["caption_model"] == "gpt-5.4-nano"
    for role, model in {
        "caption": "gpt-5.4-nano",
        "image": "gpt-image-2",
        "embedding": "text-embedding-3-small",
        "moderation": "omni-moderation-latest",
    }.items():
        assert providers.snapshot[f"{role}_backend"] == "openai"
        assert providers.snapshot[f"{role}_model"] == model
        assert providers.snapshot[f"{role}_server"] == fake_openai.host
        assert providers.snapshot[f"{role}_endpoint"] == "gateway"  # a paid host, not api.openai.com
    assert providers.snapshot["image_quality"] == "medium"
    assert FAKE_API_KEY not in repr(providers.snapshot)
    assert "sneaky" not in repr(providers.snapshot)


def test_missing_api_key_on_a_paid_endpoint_is_permanent(settings):
    settings.OPENAI_API_KEY = ""
    settings.OPENAI_BASE_URL = None
    clear_provider_cache()
    with pytest.raises(ProviderError) as caught:
        build_providers("openai")
    assert caught.value.permanent
    assert caught.value.message == openai_backend.MISSING_API_KEY.format(upper="CAPTION", server="api.openai.com")


# --- Captioning -------------------------------------------------------------------------


def test_caption_sends_instructions_image_and_token_bound(fake_openai, providers):
    image = encoded(Image.new("RGB", (16, 16), (10, 120, 200)), "JPEG")

    result = providers.captioner.caption(caption_request(image, detail="somewhat"))

    sent = fake_openai.last(CHAT)
    assert sent.headers["authorization"] == f"Bearer {FAKE_API_KEY}"
    assert sent.body["model"] == "gpt-5.4-mini"
    assert sent.body["max_completion_tokens"] == 120 + 1024  # the caption plus room to reason
    assert "max_tokens" not in sent.body and "temperature" not in sent.body
    [message] = sent.body["messages"]
    assert message["role"] == "user"
    text_part, image_part = message["content"]
    assert text_part == {"type": "text", "text": INSTRUCTIONS}
    assert image_part["type"] == "image_url"
    prefix, _, payload = image_part["image_url"]["url"].partition(",")
    assert prefix == "data:image/jpeg;base64"
    assert base64.b64decode(payload) == image

    assert result.text == fake_openai.caption.strip()
    assert result.model == "gpt-5.4-mini"
    assert result.request_id.startswith("req_fake_")
    usage = result.usage
    assert (result.input_tokens, result.output_tokens) == (usage["prompt_tokens"], usage["completion_tokens"])
    assert usage["completion_tokens_details"]["reasoning_tokens"] == 512


def test_caption_keeps_the_servers_request_id(fake_openai, providers):
    fake_openai.enqueue(CHAT, json=chat_completion_json("A cat."), headers={"x-request-id": "req_abc123"})

    result = providers.captioner.caption(caption_request())

    assert result.request_id == "req_abc123"
    assert result.text == "A cat."


@pytest.mark.parametrize(
    "picture_format, mime", [("PNG", "image/png"), ("JPEG", "image/jpeg"), ("WEBP", "image/webp"), ("GIF", "image/gif")]
)
def test_image_mime_type_is_sniffed_from_bytes(picture_format, mime):
    data = encoded(Image.new("RGB", (4, 4), (0, 0, 0)), picture_format)
    assert image_mime_type(data) == mime


def test_empty_caption_is_permanent_and_not_retried(fake_openai, providers):
    fake_openai.caption = "   "

    with pytest.raises(ProviderError) as caught:
        providers.captioner.caption(caption_request())

    assert caught.value.permanent
    assert caught.value.message == EMPTY_CAPTION
    assert len(fake_openai.requests_to(CHAT)) == 1


def test_caption_waits_for_retry_after_then_succeeds(fake_openai, providers):
    slow_down = error_body("Slow down.", code="rate_limit_exceeded")
    fake_openai.enqueue(CHAT, status=429, headers={"Retry-After": "1"}, json=slow_down)
    sleeps: list[float] = []
    clock = fake_openai.clock = ManualClock()  # the server's clock, moved by the client's waits

    def sleep_and_record(seconds: float) -> None:
        sleeps.append(seconds)
        clock.advance(seconds)

    providers.captioner.retry = dataclasses.replace(providers.captioner.retry, sleep=sleep_and_record)
    result = providers.captioner.caption(caption_request())

    first, second = fake_openai.requests_to(CHAT)
    assert result.text == fake_openai.caption.strip()
    assert sleeps and sleeps[0] >= 1.0
    assert second.received_at - first.received_at >= 1.0


def test_caption_retries_server_errors_then_succeeds(fake_openai, providers):
    fake_openai.enqueue(CHAT, status=500, json=error_body("Oops.", type="server_error"), times=2)
    sleeps = record_sleeps(providers.captioner)

    result = providers.captioner.caption(caption_request())

    assert result.text == fake_openai.caption.strip()
    assert len(fake_openai.requests_to(CHAT)) == 3
    assert len(sleeps) == 2
    assert all(0 <= wait <= providers.captioner.retry.cap for wait in sleeps)


def test_caption_gives_up_after_the_configured_attempts(fake_openai, settings, build):
    settings.OPENAI_RETRY_ATTEMPTS = 3
    fake_openai.fail_all(503, until=time.time() + 60)
    providers = build()
    record_sleeps(providers.captioner)

    with pytest.raises(ProviderError) as caught:
        providers.captioner.caption(caption_request())

    assert not caught.value.permanent
    assert caught.value.message == SERVER_ERROR.format(service=COMPATIBLE_SERVICE, status=503, detail=OUTAGE_MESSAGE)
    assert len(fake_openai.requests_to(CHAT)) == 3


def test_caption_timeout_is_transient(fake_openai, settings, build):
    settings.OPENAI_CAPTION_TIMEOUT = 0.3
    settings.OPENAI_RETRY_ATTEMPTS = 2
    fake_openai.slow_down(CHAT, 1.5)
    providers = build()
    sleeps = record_sleeps(providers.captioner)

    with pytest.raises(ProviderError) as caught:
        providers.captioner.caption(caption_request())

    assert not caught.value.permanent
    assert caught.value.message == TIMED_OUT.format(service=COMPATIBLE_SERVICE)
    assert len(fake_openai.requests_to(CHAT)) == 2
    assert len(sleeps) == 1


def test_bad_request_is_permanent_with_server_message_and_sent_once(fake_openai, providers):
    fake_openai.enqueue(CHAT, status=400, json=error_body("Invalid image data.", code="invalid_image"))
    record_sleeps(providers.captioner)

    with pytest.raises(ProviderError) as caught:
        providers.captioner.caption(caption_request())

    assert caught.value.permanent
    assert caught.value.message == REQUEST_REJECTED.format(
        service=COMPATIBLE_SERVICE, status=400, detail="Invalid image data."
    )
    assert "400" in caught.value.message
    assert len(fake_openai.requests_to(CHAT)) == 1


def test_unauthorized_is_permanent(fake_openai, providers):
    refusal = error_body("Incorrect API key provided.", code="invalid_api_key")
    fake_openai.enqueue(CHAT, status=401, json=refusal)

    with pytest.raises(ProviderError) as caught:
        providers.captioner.caption(caption_request())

    assert caught.value.permanent
    expected = AUTHENTICATION_FAILED.format(
        service=COMPATIBLE_SERVICE, status=401, detail="Incorrect API key provided."
    )
    assert caught.value.message == expected
    assert len(fake_openai.requests_to(CHAT)) == 1


# --- Painting ---------------------------------------------------------------------------


def test_paint_gpt_image_2_sends_quality_and_no_legacy_options(fake_openai, providers):
    result = providers.painter.paint(PaintRequest(prompt="A lighthouse at dusk."))

    sent = fake_openai.last(IMAGES).body
    assert sent == {
        "model": "gpt-image-2",
        "prompt": "A lighthouse at dusk.",
        "n": 1,
        "size": "1024x1024",
        "quality": "medium",
    }
    assert result.image == fake_openai.image
    assert result.model == "gpt-image-2"
    assert result.revised_prompt == ""
    assert result.params == {"size": "1024x1024", "quality": "medium", "output_format": "png"}
    assert result.usage["output_tokens"] == 1056
    assert result.request_id.startswith("req_fake_")


def test_paint_url_answer_is_returned_for_the_engine_to_fetch(fake_openai, build):
    """The link comes back unfetched: the engine records it before downloading."""
    fake_openai.strict_models = False  # a gateway's own model, answering with a link
    providers = build({"image_model": "acme-painter-v2"})

    result = providers.painter.paint(PaintRequest(prompt="A lighthouse at dusk."))

    assert fake_openai.last(IMAGES).body == {
        "model": "acme-painter-v2",
        "prompt": "A lighthouse at dusk.",
        "n": 1,
        "size": "1024x1024",
    }
    assert result.image == b"" and result.url.startswith(fake_openai.url + "/files/")
    assert not [request for request in fake_openai.requests if request.path.startswith("/files/")]
    assert providers.painter.fetch(result.url) == fake_openai.image
    [download] = [request for request in fake_openai.requests if request.path.startswith("/files/")]
    assert download.method == "GET"
    assert "authorization" not in download.headers  # the key stays with the API host


def test_paint_url_download_failure_is_transient(fake_openai, build):
    fake_openai.strict_models = False
    providers = build({"image_model": "acme-painter-v2"})
    missing = fake_openai.url + "/files/expired.png"

    with pytest.raises(ProviderError) as caught:
        providers.painter.fetch(missing)

    assert not caught.value.permanent
    assert "HTTP 404" in caught.value.message


def test_paint_server_error_is_raised_at_once_without_retry(fake_openai, providers):
    fake_openai.enqueue(IMAGES, status=500, json=error_body("Oops.", type="server_error"), times=3)

    with pytest.raises(ProviderError) as caught:
        providers.painter.paint(PaintRequest(prompt="A fox."))

    assert not caught.value.permanent
    assert len(fake_openai.requests_to(IMAGES)) == 1


def test_paint_rate_limit_carries_retry_after(fake_openai, providers):
    fake_openai.enqueue(IMAGES, status=429, headers={"Retry-After": "1"}, json=error_body("Slow down."))

    with pytest.raises(ProviderError) as caught:
        providers.painter.paint(PaintRequest(prompt="A fox."))

    assert not caught.value.permanent
    assert caught.value.retry_after == 1.0
    assert caught.value.message == RATE_LIMITED.format(service=COMPATIBLE_SERVICE, detail="Slow down.")
    assert len(fake_openai.requests_to(IMAGES)) == 1


def test_paint_timeout_is_transient(fake_openai, settings, build):
    settings.OPENAI_IMAGE_TIMEOUT = 0.3
    fake_openai.slow_down(IMAGES, 1.5)
    providers = build()
    started = time.monotonic()

    with pytest.raises(ProviderError) as caught:
        providers.painter.paint(PaintRequest(prompt="A fox."))

    assert time.monotonic() - started < 1.4
    assert not caught.value.permanent
    assert caught.value.message == TIMED_OUT.format(service=COMPATIBLE_SERVICE)
    assert len(fake_openai.requests_to(IMAGES)) == 1


def test_content_policy_refusal_is_permanent(fake_openai, providers):
    refusal = "Your request was rejected as a result of our safety system."
    fake_openai.enqueue(IMAGES, status=400, json=error_body(refusal, code="content_policy_violation"))

    with pytest.raises(ProviderError) as caught:
        providers.painter.paint(PaintRequest(prompt="Something forbidden."))

    assert caught.value.permanent
    assert caught.value.message == CONTENT_POLICY.format(detail=refusal)
    assert len(fake_openai.requests_to(IMAGES)) == 1


# --- Embedding and moderation -------------------------------------------------------------


def test_embeddings_come_back_in_input_order(fake_openai, providers):
    first, second = [0.1, 0.2, 0.3], [0.4, 0.5, 0.6]
    fake_openai.enqueue(
        EMBEDDINGS,
        json={
            "object": "list",
            "model": "text-embedding-3-small",
            "data": [
                {"object": "embedding", "index": 1, "embedding": second},
                {"object": "embedding", "index": 0, "embedding": first},
            ],
            "usage": {"prompt_tokens": 7, "total_tokens": 7},
        },
    )

    result = providers.embedder.embed(["a red kite", "a green hill"])

    assert fake_openai.last(EMBEDDINGS).body["input"] == ["a red kite", "a green hill"]
    assert result.vectors.dtype == np.float32
    np.testing.assert_allclose(result.vectors, np.array([first, second], dtype=np.float32))
    assert result.tokens == 7
    assert result.dimension == 3


def test_moderation_sends_text_and_image_and_reports_categories(fake_openai, providers):
    image = make_png()
    fake_openai.flag("violence", "self-harm/intent")

    result = providers.moderator.moderate(text="a caption", image=image)

    sent = fake_openai.last(MODERATIONS).body
    assert sent["model"] == "omni-moderation-latest"
    text_item, image_item = sent["input"]
    assert text_item == {"type": "text", "text": "a caption"}
    assert image_item["type"] == "image_url"
    assert image_item["image_url"]["url"] == "data:image/png;base64," + base64.b64encode(image).decode()
    assert result.flagged
    assert set(result.categories) == {"violence", "self-harm/intent"}


def test_moderation_of_clean_text(fake_openai, providers):
    result = providers.moderator.moderate(text="a kite")

    assert not result.flagged
    assert result.categories == ()
    assert fake_openai.last(MODERATIONS).body["input"] == [{"type": "text", "text": "a kite"}]


def test_text_only_moderation_models_get_a_plain_string(fake_openai, build):
    fake_openai.strict_models = False
    build({"moderation_model": "text-moderation-latest"}).moderator.moderate(text="a kite")

    assert fake_openai.last(MODERATIONS).body["input"] == "a kite"


# --- Retry arithmetic ----------------------------------------------------------------------


def test_retry_after_is_read_as_seconds_milliseconds_or_date():
    now = time.time()
    assert parse_retry_after({"Retry-After": "2"}) == 2.0
    assert parse_retry_after({"retry-after-ms": "1500", "retry-after": "9"}) == 1.5
    http_date = formatdate(now + 30, usegmt=True)
    assert parse_retry_after({"Retry-After": http_date}, now=now) == pytest.approx(30, abs=1)
    assert parse_retry_after({"Retry-After": "soon"}) is None
    assert parse_retry_after({}) is None


def test_backoff_is_jittered_capped_and_floored_by_retry_after():
    assert backoff_delay(0, 0.5, 8.0, rand=lambda: 1.0) == 0.5
    assert backoff_delay(3, 0.5, 8.0, rand=lambda: 1.0) == 4.0
    assert backoff_delay(10, 0.5, 8.0, rand=lambda: 1.0) == 8.0
    assert backoff_delay(10, 0.5, 8.0, rand=lambda: 0.0) == 0.0
    assert backoff_delay(0, 0.5, 8.0, retry_after=3.0, rand=lambda: 1.0) == 3.0


@pytest.mark.parametrize(
    ("url", "service"),
    [
        ("https://api.openai.com/v1/images/generations", OPENAI_SERVICE),
        ("http://127.0.0.1:11434/v1/chat/completions", COMPATIBLE_SERVICE),
    ],
)
def test_errors_name_the_service_that_answered_never_its_address(url, service):
    """Staff reading a self-hosted server's error are not sent to OpenAI's status page."""
    import httpx2
    import openai as openai_sdk

    request = httpx2.Request("POST", url)
    response = httpx2.Response(401, request=request, json={"error": {"message": "Bad key."}})
    error = to_provider_error(
        openai_sdk.AuthenticationError("Bad key.", response=response, body={"message": "Bad key."})
    )
    assert error.message == AUTHENTICATION_FAILED.format(service=service, status=401, detail="Bad key.")
    assert "127.0.0.1" not in error.message and "11434" not in error.message
