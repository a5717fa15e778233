"""The scripted backend under priced model names on OpenAI's endpoint, so costs accrue."""

from __future__ import annotations

from dataclasses import replace

from chains import costs
from chains.providers.base import ProviderSet

from . import providers as scripted

PRICED_SNAPSHOT = {
    "backend": "tests.support.priced_providers",
    "caption_model": "gpt-4o-mini",
    "caption_endpoint": "openai",
    "image_model": "dall-e-3",
    "image_quality": "standard",
    "image_size": "1024x1024",
    "image_endpoint": "openai",
    "embedding_model": "text-embedding-3-small",
    "embedding_endpoint": "openai",
}


def _billed(result, charge):
    return replace(result, cost=charge.cost, price_source=charge.source, estimated=charge.estimated)


class PricedCaptioner(scripted.ScriptedCaptioner):
    def caption(self, request):
        result = replace(super().caption(request), model="gpt-4o-mini")
        return _billed(
            result,
            costs.charge_text(
                role="caption",
                model="gpt-4o-mini",
                endpoint="openai",
                input_tokens=result.input_tokens,
                output_tokens=result.output_tokens,
            ),
        )


class PricedPainter(scripted.ScriptedPainter):
    def paint(self, request):
        result = replace(super().paint(request), model="dall-e-3", params={"size": "1024x1024", "quality": "standard"})
        return _billed(
            result, costs.charge_image(model="dall-e-3", endpoint="openai", quality="standard", size="1024x1024")
        )


def build(snapshot: dict) -> ProviderSet:
    base = scripted.build(snapshot)
    return replace(base, captioner=PricedCaptioner(), painter=PricedPainter(), snapshot=dict(PRICED_SNAPSHOT))
