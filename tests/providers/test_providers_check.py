"""`manage.py providers_check`: the operator's doctor, against fakes of each server kind."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from chains.management.commands.providers_check import FAILED
from chains.providers import clear_provider_cache
from tests.fakes.a1111_server import FakeA1111Server
from tests.fakes.comfyui_server import FakeComfyUIServer
from tests.fakes.fixtures import point_openai_at, route_role, use_a1111, use_comfyui
from tests.fakes.ollama_server import EMBEDDING_MODEL, VISION_MODEL, FakeOllamaServer
from tests.fakes.openai_server import FakeOpenAIServer


def run(*args) -> tuple[str, int]:
    clear_provider_cache()
    out = io.StringIO()
    try:
        call_command("providers_check", *args, stdout=out)
    except CommandError as failed:
        return out.getvalue() + str(failed), failed.returncode
    return out.getvalue(), 0


@pytest.fixture
def servers(settings):
    """Captions and embeddings from Ollama, pictures and moderation from OpenAI."""
    with FakeOpenAIServer() as openai_fake, FakeOllamaServer() as ollama:
        point_openai_at(settings, openai_fake)
        route_role(settings, "caption", ollama, model=VISION_MODEL)
        route_role(settings, "embedding", ollama, model=EMBEDDING_MODEL)
        yield openai_fake, ollama


def test_a_healthy_mixed_setup_passes_and_says_what_each_role_uses(servers):
    openai_fake, ollama = servers
    output, code = run()

    assert code == 0, output
    assert f"caption    ok  backend=openai  server={ollama.host}  model={VISION_MODEL}" in output
    assert f"image      ok  backend=openai  server={openai_fake.host}  model=gpt-image-2" in output
    assert "catalogue: not in the catalogue: conservative parameters; listed by the server: yes" in output
    assert "catalogue: current; listed by the server: yes" in output
    assert not openai_fake.requests_to("/v1/images/generations"), "no call without --live"


def test_live_makes_one_smallest_call_per_role(servers):
    openai_fake, ollama = servers
    output, code = run("--live")

    assert code == 0, output
    assert openai_fake.last("/v1/images/generations").body["quality"] == "low"
    assert len(ollama.requests_to("/v1/chat/completions")) == 1
    assert "live call: ok in" in output and "not flagged" in output


def test_a_model_that_was_not_pulled_fails_with_what_the_server_has(servers, settings):
    _, ollama = servers
    settings.OPENAI_CAPTION_MODEL = "llava:34b"

    output, code = run("--role", "caption")

    assert code == 1
    assert (
        f"fix: {ollama.host} does not serve 'llava:34b': load or pull it there, or pick one it lists: "
        f"{VISION_MODEL}, {EMBEDDING_MODEL}"
    ) in output
    assert FAILED.format(count=1) in output


def test_a_retired_model_fails_with_its_replacement(servers, settings):
    settings.OPENAI_IMAGE_MODEL = "dall-e-3"
    settings.OPENAI_IMAGE_QUALITY = ""

    output, code = run("--role", "image")

    assert code == 1
    assert (
        "fix: OPENAI_IMAGE_MODEL=dall-e-3 was retired on 2026-05-12; it no longer answers. "
        "Set OPENAI_IMAGE_MODEL=gpt-image-2." in output
    )


def test_a_server_that_is_down_fails_with_where_to_look(settings):
    with FakeOpenAIServer() as openai_fake:
        point_openai_at(settings, openai_fake)
        ollama = FakeOllamaServer().start()
        route_role(settings, "caption", ollama, model=VISION_MODEL)
        ollama.stop()
        output, code = run("--role", "caption")

    assert code == 1
    assert f"fix: Start the server at {ollama.host}, or correct the role's base URL setting." in output


def test_live_finds_that_ollama_cannot_paint(servers, settings):
    _, ollama = servers
    route_role(settings, "image", ollama, model=VISION_MODEL)

    output, code = run("--live", "--role", "image")

    assert code == 1
    assert "fix: The test call failed:" in output and "404 page not found" in output


def test_a1111_checkpoint_listing_and_live_call(settings):
    settings.TELEPHONE_PROVIDER = "local"
    with FakeA1111Server() as a1111:
        use_a1111(settings, a1111)
        output, code = run("--live", "--role", "image")
        assert code == 0, output
        assert a1111.last("/sdapi/v1/txt2img").body["steps"] == 1

        settings.A1111_CHECKPOINT = "dreamshaper_8.safetensors"
        output, code = run("--role", "image")

    assert code == 1 and "does not serve 'dreamshaper_8.safetensors'" in output


def test_comfyui_workflow_checkpoint_must_be_on_the_server(settings, tmp_path):
    settings.TELEPHONE_PROVIDER = "local"
    with FakeComfyUIServer(run_seconds=0.05) as comfy:
        use_comfyui(settings, comfy)
        output, code = run("--live", "--role", "image")
        assert code == 0, output

        workflow = tmp_path / "w.json"
        workflow.write_text(open(settings.COMFYUI_WORKFLOW).read().replace("sd_xl_base_1.0", "sd3_medium"))
        settings.COMFYUI_WORKFLOW = str(workflow)
        output, code = run("--role", "image")

    assert code == 1 and "does not serve 'sd3_medium.safetensors'" in output


def test_screening_off_is_a_warning_not_a_failure(settings):
    settings.TELEPHONE_PROVIDER = "local"
    settings.TELEPHONE_MODERATOR = "none"

    output, code = run("--role", "moderation")

    assert code == 0 and "warning: Screening is off (TELEPHONE_MODERATOR=none)" in output
