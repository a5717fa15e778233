"""The scripted backend under priced model names, so estimated costs accrue."""

from __future__ import annotations

from dataclasses import replace

from chains.providers.base import ProviderSet

from . import providers as scripted

PRICED_SNAPSHOT = {
    "backend": "tests.support.priced_providers", "caption_model": "gpt-4o-mini",
    "image_model": "dall-e-3", "image_quality": "standard", "embedding_model": "text-embedding-3-small",
}


class PricedPainter(scripted.ScriptedPainter):
    def paint(self, request):
        result = super().paint(request)
        return replace(result, model="dall-e-3", params={"size": "64x64", "quality": "standard"})


def build(snapshot: dict) -> ProviderSet:
    base = scripted.build(snapshot)
    return replace(base, painter=PricedPainter(), snapshot=dict(PRICED_SNAPSHOT))
