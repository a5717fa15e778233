"""Experiments pit pairs against each other: offline, as configured per role, or a named pair."""

from __future__ import annotations

import pytest

from chains.services import experiment_create, experiment_model_choices
from tests.fakes.fixtures import route_role
from tests.fakes.ollama_server import EMBEDDING_MODEL, VISION_MODEL, FakeOllamaServer
from tests.support.providers import solid_png

pytestmark = pytest.mark.django_db


def test_local_captions_and_openai_pictures_can_be_played_against_the_offline_pair(fake_openai, settings):
    settings.TELEPHONE_EXPERIMENT_MODELS = ["qwen2.5vl:7b/gpt-image-2.5-flare"]
    with FakeOllamaServer() as ollama:
        route_role(settings, "caption", ollama, model=VISION_MODEL)
        route_role(settings, "embedding", ollama, model=EMBEDDING_MODEL)
        choices = {choice.key: choice.label for choice in experiment_model_choices()}
        experiment = experiment_create(
            image=solid_png(),
            details=["very"],
            modes=["telephone"],
            models=["local", "configured", "pair:qwen2.5vl:7b/gpt-image-2.5-flare"],
            target_length=2,
            start=False,
        )

    assert choices["configured"] == "qwen2.5vl:7b → gpt-image-2 (as configured)"
    assert "openai" not in choices  # the same thing as configured: not offered twice
    snapshots = {chain.title.rsplit(" · ", 1)[1]: chain.provider_settings for chain in experiment.chains.all()}
    offline = snapshots["Offline local models"]
    configured = snapshots["qwen2.5vl:7b → gpt-image-2 (as configured)"]
    pair = snapshots["qwen2.5vl:7b → gpt-image-2.5-flare"]
    assert offline["caption_backend"] == offline["image_backend"] == "local"
    assert (configured["caption_server"], configured["image_server"]) == (ollama.host, fake_openai.host)
    assert (pair["caption_model"], pair["image_model"], pair["image_server"]) == (
        VISION_MODEL,
        "gpt-image-2.5-flare",
        fake_openai.host,
    )


def test_openai_for_every_role_is_offered_beside_a_local_configuration(fake_openai, settings):
    settings.TELEPHONE_PROVIDER = "local"

    choices = {choice.key: choice.label for choice in experiment_model_choices()}

    assert set(choices) == {"local", "openai"}
    assert choices["openai"] == "gpt-5.4-mini → gpt-image-2 (OpenAI backend for every role)"
