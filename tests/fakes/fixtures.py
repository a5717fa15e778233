"""The `fake_openai` fixture, registered for every test by tests/conftest.py.

It points the OpenAI settings at a fresh fake server with short timeouts (so a test
that trips over a slow answer fails in seconds instead of hanging) and makes
"openai" the provider for chains started during the test.
"""

from __future__ import annotations

import pytest

from chains.providers import clear_provider_cache

from .openai_server import FakeOpenAIServer

FAKE_API_KEY = "test-key"
FAKE_TIMEOUT_SECONDS = 2.0
# Pinned so a developer's .env cannot change what the tests expect on the wire.
FAKE_MODEL_SETTINGS = {
    "OPENAI_CAPTION_MODEL": "gpt-4o-mini",
    "OPENAI_IMAGE_MODEL": "dall-e-3",
    "OPENAI_IMAGE_SIZE": "1024x1024",
    "OPENAI_IMAGE_QUALITY": "standard",
    "OPENAI_IMAGE_STYLE": "vivid",
    "OPENAI_EMBEDDING_MODEL": "text-embedding-3-small",
    "OPENAI_MODERATION_MODEL": "omni-moderation-latest",
}


@pytest.fixture
def fake_openai(settings):
    with FakeOpenAIServer() as server:
        settings.OPENAI_API_KEY = FAKE_API_KEY
        settings.OPENAI_BASE_URL = server.url + "/v1"
        settings.OPENAI_CAPTION_TIMEOUT = FAKE_TIMEOUT_SECONDS
        settings.OPENAI_IMAGE_TIMEOUT = FAKE_TIMEOUT_SECONDS
        settings.OPENAI_EMBEDDING_TIMEOUT = FAKE_TIMEOUT_SECONDS
        settings.OPENAI_MODERATION_TIMEOUT = FAKE_TIMEOUT_SECONDS
        settings.OPENAI_DOWNLOAD_TIMEOUT = FAKE_TIMEOUT_SECONDS
        settings.OPENAI_RETRY_ATTEMPTS = 3
        for name, value in FAKE_MODEL_SETTINGS.items():
            setattr(settings, name, value)
        settings.TELEPHONE_PROVIDER = "openai"  # chains started during the test use the fake
        clear_provider_cache()  # a client cached for another server must not be reused
        yield server
        clear_provider_cache()
