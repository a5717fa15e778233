"""The `fake_openai` fixture, registered for every test by tests/conftest.py.

It points the OpenAI settings at a fresh fake server with short timeouts (so a test
that trips over a slow answer fails in seconds instead of hanging), counts that
loopback server as a paid endpoint the way OpenAI is, and makes "openai" the
provider for chains started during the test.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from chains.providers import clear_provider_cache

from .openai_server import FakeOpenAIServer

FAKE_API_KEY = "test-key"
FAKE_TIMEOUT_SECONDS = 2.0
# Pinned so a developer's .env cannot change what the tests expect on the wire.
FAKE_MODEL_SETTINGS = {
    "OPENAI_CAPTION_MODEL": "gpt-5.4-mini",
    "OPENAI_CAPTION_REASONING_EFFORT": "",
    "OPENAI_CAPTION_TOKEN_PARAM": "",
    "OPENAI_IMAGE_MODEL": "gpt-image-2",
    "OPENAI_IMAGE_SIZE": "1024x1024",
    "OPENAI_IMAGE_QUALITY": "medium",
    "OPENAI_IMAGE_STYLE": "",
    "OPENAI_IMAGE_BACKGROUND": "",
    "OPENAI_IMAGE_OUTPUT_FORMAT": "",
    "OPENAI_IMAGE_MODERATION": "",
    "OPENAI_IMAGE_RESPONSE_FORMAT": "",
    "OPENAI_EMBEDDING_MODEL": "text-embedding-3-small",
    "OPENAI_MODERATION_MODEL": "omni-moderation-latest",
}
PER_ROLE_SETTINGS = [
    f"OPENAI_{role}_{name}"
    for role in ("CAPTION", "IMAGE", "EMBEDDING", "MODERATION")
    for name in ("BASE_URL", "API_KEY")
]
ROLE_BACKENDS = ["TELEPHONE_CAPTIONER", "TELEPHONE_PAINTER", "TELEPHONE_EMBEDDER", "TELEPHONE_MODERATOR"]


def point_openai_at(settings, server, *, paid: bool = True) -> None:
    """Every role on `server` through the OpenAI backend (a paid endpoint unless told otherwise)."""
    settings.OPENAI_API_KEY = FAKE_API_KEY
    settings.OPENAI_BASE_URL = server.url + "/v1"
    for name in (*PER_ROLE_SETTINGS, *ROLE_BACKENDS):
        setattr(settings, name, "")
    settings.TELEPHONE_PAID_HOSTS = [server.host] if paid else []
    settings.TELEPHONE_SELF_HOSTED_HOSTS = []
    for name in (
        "OPENAI_CAPTION_TIMEOUT",
        "OPENAI_IMAGE_TIMEOUT",
        "OPENAI_EMBEDDING_TIMEOUT",
        "OPENAI_MODERATION_TIMEOUT",
        "OPENAI_DOWNLOAD_TIMEOUT",
    ):
        setattr(settings, name, FAKE_TIMEOUT_SECONDS)
    settings.OPENAI_RETRY_ATTEMPTS = 3
    for name, value in FAKE_MODEL_SETTINGS.items():
        setattr(settings, name, value)
    settings.TELEPHONE_PROVIDER = "openai"  # chains started during the test use the fake
    clear_provider_cache()  # a client cached for another server must not be reused


@pytest.fixture
def fake_openai(settings):
    with FakeOpenAIServer() as server:
        point_openai_at(settings, server)
        yield server
        clear_provider_cache()


MODEL_SETTING = {
    "caption": "OPENAI_CAPTION_MODEL",
    "image": "OPENAI_IMAGE_MODEL",
    "embedding": "OPENAI_EMBEDDING_MODEL",
    "moderation": "OPENAI_MODERATION_MODEL",
}
ROLE_BACKEND_SETTING = dict(zip(("caption", "image", "embedding", "moderation"), ROLE_BACKENDS, strict=True))


def route_role(settings, role: str, server, *, model: str, api_key: str = "", paid: bool = False) -> None:
    """One role through the OpenAI backend to its own server (self-hosted unless `paid`)."""
    setattr(settings, ROLE_BACKEND_SETTING[role], "openai")
    setattr(settings, f"OPENAI_{role.upper()}_BASE_URL", server.url + "/v1")
    setattr(settings, f"OPENAI_{role.upper()}_API_KEY", api_key)
    setattr(settings, MODEL_SETTING[role], model)
    if paid:
        settings.TELEPHONE_PAID_HOSTS = [*settings.TELEPHONE_PAID_HOSTS, server.host]
    clear_provider_cache()


EXAMPLE_WORKFLOW = Path(__file__).resolve().parents[2] / "deploy" / "comfyui" / "sdxl_telephone_api.json"


def use_a1111(settings, server, *, checkpoint: str = "sd_xl_base_1.0.safetensors [31e35c80fc]") -> None:
    """Pictures from the fake web UI, with small but valid generation settings."""
    settings.TELEPHONE_PAINTER = "a1111"
    settings.A1111_BASE_URL = server.url
    settings.A1111_API_AUTH = ""
    settings.A1111_CHECKPOINT = checkpoint
    settings.A1111_STEPS, settings.A1111_SAMPLER, settings.A1111_SCHEDULER = 20, "Euler a", ""
    settings.A1111_CFG_SCALE, settings.A1111_WIDTH, settings.A1111_HEIGHT = 6.5, 768, 512
    settings.A1111_NEGATIVE_PROMPT = "blurry"
    settings.A1111_TIMEOUT = FAKE_TIMEOUT_SECONDS
    clear_provider_cache()


def use_comfyui(settings, server, *, workflow: Path = EXAMPLE_WORKFLOW) -> None:
    """Pictures from the fake ComfyUI, running the README's example workflow."""
    settings.TELEPHONE_PAINTER = "comfyui"
    settings.COMFYUI_BASE_URL = server.url
    settings.COMFYUI_WORKFLOW = str(workflow)
    settings.COMFYUI_TIMEOUT = 10.0
    settings.COMFYUI_POLL_SECONDS = 0.05
    clear_provider_cache()
