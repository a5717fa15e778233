"""Fixtures shared by the engine's tests."""

from __future__ import annotations

import pytest

from tests.support import providers as scripted


@pytest.fixture(autouse=True)
def fresh_script():
    """The scripted provider's calls and queued failures start empty in every test."""
    scripted.reset()
    yield
    scripted.reset()
