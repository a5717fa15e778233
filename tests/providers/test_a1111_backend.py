"""The AUTOMATIC1111 painter over HTTP against a fake of the web UI's `--api`."""

from __future__ import annotations

from decimal import Decimal

import pytest

from chains.providers import build_providers, clear_provider_cache
from chains.providers.a1111 import CHECKPOINT_IGNORED, NO_SERVER, problems
from chains.providers.base import PaintRequest, ProviderError
from tests.fakes.a1111_server import TXT2IMG, FakeA1111Server
from tests.fakes.compat import painted_png
from tests.fakes.fixtures import use_a1111


@pytest.fixture
def a1111(settings):
    settings.TELEPHONE_PROVIDER = "local"
    with FakeA1111Server() as server:
        use_a1111(settings, server)
        yield server


def paint(prompt: str = "A red kite over a hill.", seed: int = 1234):
    return build_providers().painter.paint(PaintRequest(prompt=prompt, seed=seed, step_index=1))


def test_txt2img_carries_the_chains_seed_and_the_configured_settings(a1111):
    result = paint()

    assert a1111.last(TXT2IMG).body == {
        "prompt": "A red kite over a hill.",
        "negative_prompt": "blurry",
        "seed": 1234,
        "steps": 20,
        "cfg_scale": 6.5,
        "width": 768,
        "height": 512,
        "sampler_name": "Euler a",
        "batch_size": 1,
        "n_iter": 1,
        "send_images": True,
        "save_images": False,
        "override_settings": {"sd_model_checkpoint": "sd_xl_base_1.0.safetensors [31e35c80fc]"},
        "override_settings_restore_afterwards": True,
    }
    assert result.image == painted_png("A red kite over a hill.", 1234, (64, 64))
    assert result.model == "sd_xl_base_1.0"
    assert result.params["seed"] == 1234 and result.params["size"] == "768x512"
    assert result.usage["sd_model_hash"] == "31e35c80fc"
    assert result.cost == Decimal("0") and result.request_id.startswith("a1111-")


def test_the_same_seed_paints_the_same_picture(a1111):
    assert paint(seed=7).image == paint(seed=7).image != paint(seed=8).image


def test_an_unknown_checkpoint_is_not_silently_replaced(a1111, settings):
    settings.A1111_CHECKPOINT = "dreamshaper_8.safetensors"
    with pytest.raises(ProviderError) as caught:
        paint()

    assert caught.value.permanent
    assert caught.value.message == CHECKPOINT_IGNORED.format(used="sd_xl_base_1.0", wanted="dreamshaper_8.safetensors")


def test_an_unknown_sampler_is_refused_with_the_servers_words(a1111, settings):
    settings.A1111_SAMPLER = "Euler Z"
    with pytest.raises(ProviderError) as caught:
        paint()

    assert caught.value.permanent and "(HTTP 404): Sampler not found" in caught.value.message


def test_validation_errors_name_the_field(a1111):
    a1111.enqueue(
        TXT2IMG,
        status=422,
        json={
            "detail": [{"loc": ["body", "steps"], "msg": "value is not a valid integer", "type": "type_error.integer"}]
        },
    )
    with pytest.raises(ProviderError) as caught:
        paint()

    assert caught.value.permanent and "body.steps: value is not a valid integer" in caught.value.message


def test_basic_auth_is_sent_when_the_web_ui_asks_for_it(settings):
    settings.TELEPHONE_PROVIDER = "local"
    with FakeA1111Server(api_auth="painter:s3cret") as server:
        use_a1111(settings, server)
        settings.A1111_API_AUTH = "painter:s3cret"
        assert paint().image
        settings.A1111_API_AUTH = "painter:wrong"
        clear_provider_cache()
        with pytest.raises(ProviderError) as caught:
            paint()

    assert caught.value.permanent and "(HTTP 401): Not authenticated" in caught.value.message


def test_an_outage_is_transient_and_its_message_names_no_address(a1111):
    a1111.fail_all(500)
    with pytest.raises(ProviderError) as caught:
        paint()

    assert not caught.value.permanent
    assert caught.value.message.startswith("AUTOMATIC1111 failed (HTTP 500)")
    assert "127.0.0.1" not in caught.value.message  # a chain's error is shown on its public page


def test_a_missing_server_is_a_configuration_error():
    [problem] = problems("image", {"base_url": "", "width": 512, "height": 512, "steps": 20}, None)
    assert problem.is_error and problem.message == NO_SERVER
