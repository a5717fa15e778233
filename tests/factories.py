"""Test data in one place: chains are made through the real service, never by hand."""

from __future__ import annotations

from chains.services import chain_create
from tests.support.providers import solid_png

SCRIPTED = "tests.support.providers"


def make_chain(*, target_length: int = 3, provider: str = SCRIPTED, **fields):
    fields.setdefault("image", solid_png())
    return chain_create(target_length=target_length, provider=provider, **fields)
