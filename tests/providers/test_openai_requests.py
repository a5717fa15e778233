"""Request bodies per model family, checked at the wire against the OpenAI fake.

GPT image models get no `response_format` or `style`; legacy DALL·E models (while
they still answered) got both; reasoning chat models get `max_completion_tokens`
and no temperature; plain chat models get `max_tokens` and a temperature. Whatever
the checks reject is refused before a single request is sent.
"""

from __future__ import annotations

from datetime import date

import pytest

from chains.providers import build_providers, clear_provider_cache
from chains.providers import openai as openai_backend
from chains.providers.base import CaptionRequest, PaintRequest, ProviderError
from chains.providers.openai_captioner import CAPTION_CUT_OFF, REASONING_ALLOWANCE, RETRY_BOUND_FACTOR
from tests.fakes.openai_server import CHAT, IMAGES, make_png


def caption_request(detail: str = "somewhat") -> CaptionRequest:
    return CaptionRequest(image=make_png(), instructions="Describe it.", detail=detail)


def rebuilt():
    clear_provider_cache()
    return build_providers()


@pytest.fixture
def before_dall_e_retired(monkeypatch, fake_openai):
    """2026-05-01: DALL·E 3 still answered, at its per-picture prices."""
    monkeypatch.setattr(openai_backend, "today", lambda: date(2026, 5, 1))
    fake_openai.retired_models -= {"dall-e-2", "dall-e-3"}


# --- GPT image models --------------------------------------------------------------------


def test_gpt_image_2_gets_its_options_and_never_legacy_ones(fake_openai, settings):
    settings.OPENAI_IMAGE_QUALITY = "high"
    settings.OPENAI_IMAGE_SIZE = "1536x864"  # flexible: multiples of 16, ratio within 3:1
    settings.OPENAI_IMAGE_OUTPUT_FORMAT = "webp"
    settings.OPENAI_IMAGE_BACKGROUND = "opaque"
    settings.OPENAI_IMAGE_MODERATION = "low"

    result = rebuilt().painter.paint(PaintRequest(prompt="A lighthouse.", seed=9))

    assert fake_openai.last(IMAGES).body == {
        "model": "gpt-image-2",
        "prompt": "A lighthouse.",
        "n": 1,
        "size": "1536x864",
        "quality": "high",
        "output_format": "webp",
        "background": "opaque",
        "moderation": "low",
    }
    assert result.params == {"size": "1536x864", "quality": "high", "output_format": "webp"}


def test_gpt_image_2_5_takes_the_extra_qualities(fake_openai, settings):
    settings.OPENAI_IMAGE_MODEL = "gpt-image-2.5-flare"
    settings.OPENAI_IMAGE_QUALITY = "xhigh"

    rebuilt().painter.paint(PaintRequest(prompt="A fox."))

    assert fake_openai.last(IMAGES).body["quality"] == "xhigh"


@pytest.mark.parametrize(
    "setting, value, words",
    [
        ("OPENAI_IMAGE_QUALITY", "standard", "it accepts low, medium, high, auto"),
        ("OPENAI_IMAGE_STYLE", "vivid", "it takes no style parameter"),
        ("OPENAI_IMAGE_SIZE", "1792x1024x", "a size gpt-image-2 cannot make"),
    ],
)
def test_options_a_gpt_image_model_refuses_are_refused_before_any_call(fake_openai, settings, setting, value, words):
    setattr(settings, setting, value)

    with pytest.raises(ProviderError) as caught:
        rebuilt().painter.paint(PaintRequest(prompt="A fox."))

    assert caught.value.permanent and words in caught.value.message
    assert not fake_openai.requests_to(IMAGES)


def test_a_standard_size_model_refuses_a_flexible_size(fake_openai, settings):
    settings.OPENAI_IMAGE_MODEL = "gpt-image-2.6-sunburst"
    settings.OPENAI_IMAGE_SIZE = "1536x864"

    with pytest.raises(ProviderError) as caught:
        rebuilt().painter.paint(PaintRequest(prompt="A fox."))

    assert "1024x1024, 1536x1024, 1024x1536, auto" in caught.value.message
    assert not fake_openai.requests_to(IMAGES)


# --- Retired and legacy models -----------------------------------------------------------


@pytest.mark.parametrize("model, retired_on", [("dall-e-3", "2026-05-12"), ("gpt-image-1", "2026-10-23")])
def test_a_retired_image_model_is_refused_before_any_call(fake_openai, settings, model, retired_on):
    settings.OPENAI_IMAGE_MODEL = model
    settings.OPENAI_IMAGE_QUALITY = ""

    with pytest.raises(ProviderError) as caught:
        rebuilt().painter.paint(PaintRequest(prompt="A fox."))

    assert caught.value.permanent
    assert f"was retired on {retired_on}" in caught.value.message and "gpt-image-2" in caught.value.message
    assert not fake_openai.requests_to(IMAGES)


def test_dall_e_3_got_quality_style_and_base64_while_it_answered(before_dall_e_retired, fake_openai, settings):
    settings.OPENAI_IMAGE_MODEL = "dall-e-3"
    settings.OPENAI_IMAGE_QUALITY = "hd"
    settings.OPENAI_IMAGE_STYLE = "natural"
    settings.OPENAI_IMAGE_SIZE = "1024x1792"

    result = rebuilt().painter.paint(PaintRequest(prompt="A lighthouse at dusk."))

    assert fake_openai.last(IMAGES).body == {
        "model": "dall-e-3",
        "prompt": "A lighthouse at dusk.",
        "n": 1,
        "size": "1024x1792",
        "quality": "hd",
        "style": "natural",
        "response_format": "b64_json",
    }
    assert result.revised_prompt == "A vivid painting: A lighthouse at dusk."
    assert result.params == {"size": "1024x1792", "quality": "hd", "style": "natural"}


# --- Chat: reasoning and plain -------------------------------------------------------------


def test_reasoning_models_get_max_completion_tokens_and_the_configured_effort(fake_openai, settings):
    settings.OPENAI_CAPTION_REASONING_EFFORT = "low"

    rebuilt().captioner.caption(caption_request("very"))

    body = fake_openai.last(CHAT).body
    assert body["max_completion_tokens"] == 300 + REASONING_ALLOWANCE
    assert body["reasoning_effort"] == "low"
    assert "max_tokens" not in body and "temperature" not in body


def test_plain_chat_models_get_max_tokens_and_a_temperature(fake_openai, settings):
    settings.OPENAI_CAPTION_MODEL = "gpt-4.1-mini"  # shuts down 2027-01-14: a warning, still served

    rebuilt().captioner.caption(caption_request("very"))

    body = fake_openai.last(CHAT).body
    assert body["max_tokens"] == 300 and body["temperature"] == 0.7
    assert "max_completion_tokens" not in body and "reasoning_effort" not in body


def test_an_effort_a_model_does_not_take_is_refused_before_any_call(fake_openai, settings):
    settings.OPENAI_CAPTION_REASONING_EFFORT = "minimal"  # gpt-5's, not gpt-5.4-mini's

    with pytest.raises(ProviderError) as caught:
        rebuilt().captioner.caption(caption_request())

    assert "it accepts none, low, medium, high, xhigh" in caught.value.message
    assert not fake_openai.requests_to(CHAT)


def test_the_token_parameter_override_serves_a_reasoning_model_the_catalogue_cannot_name(fake_openai, settings):
    fake_openai.strict_models = False
    settings.OPENAI_CAPTION_MODEL = "gpt-5.4-mini-azure-eu"  # a deployment name: unknown to the catalogue
    settings.OPENAI_CAPTION_TOKEN_PARAM = "max_completion_tokens"

    rebuilt().captioner.caption(caption_request())

    body = fake_openai.last(CHAT).body
    assert body["max_completion_tokens"] == 120 + REASONING_ALLOWANCE and "temperature" not in body


def test_a_caption_cut_off_while_reasoning_is_retried_once_with_a_larger_bound(fake_openai):
    fake_openai.reasoning_tokens = 2000  # more than the first bound: nothing written the first time

    result = rebuilt().captioner.caption(caption_request())

    first, second = fake_openai.requests_to(CHAT)
    bound = 120 + REASONING_ALLOWANCE
    assert first.body["max_completion_tokens"] == bound
    assert second.body["max_completion_tokens"] == bound * RETRY_BOUND_FACTOR
    assert result.text == fake_openai.caption.strip()
    assert result.usage["attempts"] == 2
    assert result.output_tokens == bound + 2000 + len(fake_openai.caption.split())  # both calls are paid


def test_a_caption_cut_off_twice_fails_saying_why(fake_openai):
    fake_openai.reasoning_tokens = 100_000

    with pytest.raises(ProviderError) as caught:
        rebuilt().captioner.caption(caption_request())

    bound = (120 + REASONING_ALLOWANCE) * RETRY_BOUND_FACTOR
    assert caught.value.permanent
    assert caught.value.message == CAPTION_CUT_OFF.format(bound=bound)
    assert len(fake_openai.requests_to(CHAT)) == 2
