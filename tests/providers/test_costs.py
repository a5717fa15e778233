"""Cost from the catalogue and the usage each answer reports, with its price source.

The fake reports usage the way the API does; the expected figures below are worked
out by hand from the catalogue's prices, so any drift in either shows up here.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from chains import costs
from chains.providers import build_providers, clear_provider_cache
from chains.providers import openai as openai_backend
from chains.providers.base import CaptionRequest, PaintRequest
from tests.fakes.fixtures import route_role
from tests.fakes.localai_server import FakeLocalAIServer
from tests.fakes.openai_server import IMAGE_OUTPUT_TOKENS, IMAGE_PROMPT_OVERHEAD, make_png

MILLION = Decimal(1_000_000)
GPT_IMAGE_2_SOURCE = "OpenAI API pricing (developers.openai.com/api/docs/pricing), 2026-04-29"
PROMPT = "A red kite over a green hill."  # seven words: the fake's tokenizer counts words


def painter():
    clear_provider_cache()
    return build_providers().painter


@pytest.mark.parametrize("quality, made", [("low", "low"), ("medium", "medium"), ("high", "high"), ("auto", "high")])
def test_gpt_image_2_costs_exactly_what_its_usage_says(fake_openai, settings, quality, made):
    settings.OPENAI_IMAGE_QUALITY = quality

    result = painter().paint(PaintRequest(prompt=PROMPT))

    text_in = 7 + IMAGE_PROMPT_OVERHEAD
    image_out = IMAGE_OUTPUT_TOKENS[made]
    expected = (Decimal("5.00") * text_in + Decimal("30.00") * image_out) / MILLION
    assert result.usage["input_tokens_details"]["text_tokens"] == text_in
    assert result.usage["output_tokens_details"]["image_tokens"] == image_out
    assert result.cost == expected
    assert result.price_source == GPT_IMAGE_2_SOURCE and not result.estimated


def test_gpt_image_2_at_a_larger_size_pays_for_more_output_tokens(fake_openai, settings):
    settings.OPENAI_IMAGE_SIZE = "1536x1024"

    result = painter().paint(PaintRequest(prompt=PROMPT))

    image_out = round(IMAGE_OUTPUT_TOKENS["medium"] * 1.5)
    assert result.cost == (Decimal("5.00") * (7 + IMAGE_PROMPT_OVERHEAD) + Decimal("30.00") * image_out) / MILLION


@pytest.mark.parametrize(
    "quality, size, price",
    [("standard", "1024x1024", "0.040"), ("hd", "1792x1024", "0.120"), ("standard", "1024x1792", "0.080")],
)
def test_a_legacy_model_is_priced_per_picture(monkeypatch, fake_openai, settings, quality, size, price):
    monkeypatch.setattr(openai_backend, "today", lambda: date(2026, 5, 1))  # before DALL·E 3 retired
    fake_openai.retired_models.discard("dall-e-3")
    settings.OPENAI_IMAGE_MODEL, settings.OPENAI_IMAGE_QUALITY, settings.OPENAI_IMAGE_SIZE = "dall-e-3", quality, size

    result = painter().paint(PaintRequest(prompt=PROMPT))

    assert result.usage == {}  # DALL·E reported no usage: the price is per picture
    assert result.cost == Decimal(price)
    assert result.price_source == "OpenAI image pricing, legacy DALL·E table, 2025-01-01"


def test_an_unknown_model_on_a_paid_endpoint_is_estimated_never_free(fake_openai, settings):
    fake_openai.strict_models = False  # a gateway serving its own model names
    settings.OPENAI_IMAGE_MODEL = "acme-painter-v2"
    settings.TELEPHONE_UNKNOWN_IMAGE_PRICE_USD = 0.25

    result = painter().paint(PaintRequest(prompt=PROMPT))

    assert result.cost == Decimal("0.25")
    assert result.estimated and result.price_source == costs.UNKNOWN_IMAGE_SOURCE


def test_a_self_hosted_server_is_free_unless_the_operator_prices_it(fake_openai, settings):
    with FakeLocalAIServer() as localai:
        route_role(settings, "image", localai, model="stablediffusion")
        free = painter().paint(PaintRequest(prompt=PROMPT, seed=1))
        settings.TELEPHONE_SELF_HOSTED_IMAGE_PRICE_USD = 0.004
        priced = painter().paint(PaintRequest(prompt=PROMPT, seed=1))

    assert (free.cost, free.price_source) == (Decimal("0"), costs.SELF_HOSTED_FREE)
    assert (priced.cost, priced.price_source) == (Decimal("0.004"), costs.SELF_HOSTED_IMAGE_SOURCE)


def test_a_caption_costs_its_tokens_at_the_models_prices(fake_openai):
    clear_provider_cache()
    result = build_providers().captioner.caption(
        CaptionRequest(image=make_png(), instructions="Describe it.", detail="somewhat")
    )

    expected = (Decimal("0.75") * result.input_tokens + Decimal("4.50") * result.output_tokens) / MILLION
    assert result.cost == expected > 0
    assert result.price_source.endswith("2026-03-17")


def test_an_embedding_costs_its_tokens(fake_openai):
    clear_provider_cache()
    result = build_providers().embedder.embed(["a red kite"])

    assert result.cost == Decimal("0.02") * 3 / MILLION


def test_a_missing_usage_block_is_estimated_from_typical_tokens():
    charge = costs.charge_image(model="gpt-image-2", endpoint="openai", quality="medium", usage=None)

    assert charge.estimated and charge.cost == Decimal("30.00") * 1767 / MILLION
