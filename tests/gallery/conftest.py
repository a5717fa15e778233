"""Fixtures shared by the site's tests."""

from __future__ import annotations

import pytest

from tests.support import providers as scripted


@pytest.fixture
def scripted_provider(settings):
    """Chains created during the test use the scripted provider, which a test can make fail."""
    settings.TELEPHONE_PROVIDER = "tests.support.providers"
    settings.TELEPHONE_UPLOAD_RATE_LIMIT = 100
    scripted.reset()
    yield
    scripted.reset()
