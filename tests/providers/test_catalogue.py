"""The model catalogue: resolution of real-world ids, lifecycle, parameters, defaults."""

from __future__ import annotations

from datetime import date

import pytest

from chains.providers import catalogue
from chains.providers import catalogue_data as data
from chains.providers.endpoints import GATEWAY, OFFLINE, OPENAI, SELF_HOSTED, endpoint_kind, server_host

TODAY = date(2026, 11, 30)


@pytest.mark.parametrize(
    "requested, resolved, prefix, snapshot",
    [
        ("gpt-5.4-mini", "gpt-5.4-mini", "", ""),
        ("gpt-5.4-mini-2026-03-17", "gpt-5.4-mini", "", "2026-03-17"),
        ("openai/gpt-5.4-mini", "gpt-5.4-mini", "openai", ""),
        ("openai/gpt-5.4-mini-2026-03-17", "gpt-5.4-mini", "openai", "2026-03-17"),
        ("GPT-Image-2", "gpt-image-2", "", ""),
        ("gpt-4-0613", "gpt-4", "", "0613"),
        ("gpt-image-2-2026-04-21", "gpt-image-2-2026-04-21", "", ""),  # a snapshot with its own entry
    ],
)
def test_snapshots_and_gateway_prefixes_resolve_to_their_model(requested, resolved, prefix, snapshot):
    resolution = catalogue.resolve(requested, role="caption")
    assert (resolution.spec.id, resolution.via_prefix, resolution.via_snapshot) == (resolved, prefix, snapshot)


def test_a_snapshot_with_its_own_shutdown_date_is_not_its_base_model():
    assert catalogue.lookup("gpt-4o-2024-05-13", role="caption").shutdown.on == date(2026, 10, 23)
    assert catalogue.lookup("gpt-4o-2024-11-20", role="caption").shutdown.on == date(2027, 1, 14)


@pytest.mark.parametrize(
    "model, role",
    [
        ("llava:7b", "caption"),
        ("Qwen/Qwen-Image", "image"),
        ("stablediffusion", "image"),
        ("acme/unknown-model", "embedding"),
    ],
)
def test_unknown_models_get_conservative_parameters(model, role):
    spec = catalogue.lookup(model, role=role)
    assert not spec.known and spec.family == catalogue.UNKNOWN
    assert spec.token_param == catalogue.MAX_TOKENS
    if role == "image":
        assert set(spec.params) == {"size", "response_format", "seed"}
        assert spec.prompt_limit == catalogue.UNKNOWN_PROMPT_LIMIT


@pytest.mark.parametrize(
    "model, status",
    [
        ("dall-e-3", "retired"),
        ("dall-e-2", "retired"),
        ("gpt-image-1", "retired"),
        ("gpt-image-1.5", "retiring"),
        ("gpt-image-1-mini", "retiring"),
        ("chatgpt-image-latest", "retiring"),
        ("gpt-4o-mini", "retiring"),
        ("gpt-5-mini", "retiring"),
        ("o4-mini", "retired"),
        ("gpt-image-2", "current"),
        ("gpt-5.4-mini", "current"),
    ],
)
def test_lifecycle_follows_the_sdk_and_the_deprecations_page(model, status):
    role = "image" if "image" in model or "dall" in model else "caption"
    assert catalogue.lookup(model, role=role).status_on(TODAY) == status


def test_gpt_image_models_take_no_response_format_and_no_style():
    for spec in data.IMAGE_MODELS:
        if spec.family == catalogue.GPT_IMAGE:
            assert not spec.accepts("response_format") and not spec.accepts("style"), spec.id
            assert set(spec.allowed("quality")) >= {"low", "medium", "high", "auto"}
            assert spec.prompt_limit == 32000


@pytest.mark.parametrize(
    "size, ok",
    [
        ("1024x1024", True),
        ("auto", True),
        ("1536x864", True),
        ("3840x2160", True),
        ("3856x2160", False),
        ("1000x1000", False),
        ("3072x1008", False),
        ("4096x4096", False),
        ("big", False),
    ],
)
def test_gpt_image_2_sizes_follow_the_sdk_rules(size, ok):
    assert catalogue.lookup("gpt-image-2", role="image").sizes.accepts(size) is ok


def test_the_defaults_are_current_and_their_options_valid():
    caption = catalogue.lookup(data.DEFAULT_CAPTION_MODEL, role="caption")
    image = catalogue.lookup(data.DEFAULT_IMAGE_MODEL, role="image")
    for spec in (
        caption,
        image,
        catalogue.lookup(data.DEFAULT_EMBEDDING_MODEL, role="embedding"),
        catalogue.lookup(data.DEFAULT_MODERATION_MODEL, role="moderation"),
    ):
        assert spec.known and spec.shutdown is None, spec.id
    assert caption.vision and caption.family == catalogue.REASONING_CHAT
    assert data.DEFAULT_IMAGE_QUALITY in image.allowed("quality")
    assert image.sizes.accepts(data.DEFAULT_IMAGE_SIZE)


def test_settings_defaults_are_the_catalogues():
    from telephone_site import settings as project_settings

    assert project_settings.OPENAI_CAPTION_MODEL == data.DEFAULT_CAPTION_MODEL
    assert project_settings.OPENAI_IMAGE_MODEL == data.DEFAULT_IMAGE_MODEL
    assert project_settings.OPENAI_IMAGE_QUALITY == data.DEFAULT_IMAGE_QUALITY
    assert project_settings.OPENAI_IMAGE_SIZE == data.DEFAULT_IMAGE_SIZE


def test_every_price_names_its_source_and_date():
    for spec in data.MODELS.values():
        if spec.prices is not None:
            assert spec.prices.source and spec.prices.as_of <= TODAY, spec.id
            assert spec.prices.label.endswith(spec.prices.as_of.isoformat())


@pytest.mark.parametrize(
    "base_url, kind",
    [
        (None, OPENAI),
        ("https://api.openai.com/v1", OPENAI),
        ("https://openrouter.ai/api/v1", GATEWAY),
        ("http://127.0.0.1:11434/v1", SELF_HOSTED),
        ("http://localhost:8000/v1", SELF_HOSTED),
        ("http://192.168.1.20:1234/v1", SELF_HOSTED),
        ("http://ollama:11434/v1", SELF_HOSTED),
        ("http://gpu-box.lan:7860", SELF_HOSTED),
        ("http://[::1]:8080/v1", SELF_HOSTED),
    ],
)
def test_endpoints_are_classified_by_host(base_url, kind):
    assert endpoint_kind(base_url) == kind


def test_operators_can_reclassify_hosts():
    assert endpoint_kind("https://gpu.example.org/v1", self_hosted_hosts=("gpu.example.org",)) == SELF_HOSTED
    assert endpoint_kind("http://127.0.0.1:4000/v1", paid_hosts=("127.0.0.1:4000",)) == GATEWAY
    assert server_host("http://user@127.0.0.1:4000/v1") == "127.0.0.1:4000"
    assert OFFLINE not in (OPENAI, GATEWAY)
