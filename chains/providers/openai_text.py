"""Embeddings and moderation over the OpenAI protocol: cheap calls, safe to repeat."""

from __future__ import annotations

from typing import Sequence

import numpy as np

from .. import costs
from .base import EmbedResult, ModerationResult
from .openai import RetriedRole, guarded, refuse_if_unusable, usage_count, usage_of
from .openai_images import image_data_url


class OpenAIEmbedder(RetriedRole):
    def embed(self, texts: Sequence[str]) -> EmbedResult:
        texts = list(texts)
        if not texts:
            return EmbedResult(vectors=np.zeros((0, 0), dtype=np.float32), model=self.model)
        refuse_if_unusable("embedding", self.config)
        response = self.retry.run(lambda: guarded(lambda: self._create(texts)), what="embedding")
        ordered = sorted(response.data, key=lambda item: item.index)
        usage = usage_of(response)
        tokens = usage_count(usage, "total_tokens") or usage_count(usage, "prompt_tokens")
        charge = costs.charge_text(role="embedding", model=self.model, endpoint=self.endpoint, input_tokens=tokens)
        return EmbedResult(
            vectors=np.asarray([item.embedding for item in ordered], dtype=np.float32),
            model=self.model,
            request_id=response._request_id or "",
            tokens=tokens,
            usage=usage,
            cost=charge.cost,
            price_source=charge.source,
            estimated=charge.estimated,
        )

    def _create(self, texts: list[str]):
        # "float" is spelled out: the client's default (base64) is not universal among
        # compatible servers.
        return self.client.embeddings.create(
            model=self.model, input=texts, encoding_format="float", timeout=self.timeout
        )


class OpenAIModerator(RetriedRole):
    screens = True

    def moderate(self, *, text: str = "", image: bytes | None = None) -> ModerationResult:
        if not text and not image:
            return ModerationResult(flagged=False, model=self.model)
        refuse_if_unusable("moderation", self.config)
        items = moderation_input(self.model, text=text, image=image)
        response = self.retry.run(
            lambda: guarded(
                lambda: self.client.moderations.create(model=self.model, input=items, timeout=self.timeout)
            ),
            what="moderation",
        )
        categories = flagged_categories(response.results)
        return ModerationResult(
            flagged=bool(categories) or any(result.flagged for result in response.results or ()),
            categories=categories,
            model=self.model,
            request_id=response._request_id or "",
        )


def moderation_input(model: str, *, text: str, image: bytes | None) -> str | list[dict]:
    """Typed items for omni models; the older text-only models take a plain string."""
    if not image and not model.lower().startswith("omni"):
        return text
    items = []
    if text:
        items.append({"type": "text", "text": text})
    if image:
        items.append({"type": "image_url", "image_url": {"url": image_data_url(image)}})
    return items


def flagged_categories(results) -> tuple[str, ...]:
    """Category names as the API spells them ("self-harm/intent"), in its order."""
    names: list[str] = []
    for result in results or ():
        if result.categories is None:
            continue
        for name, flagged in result.categories.model_dump(by_alias=True).items():
            if flagged is True and name not in names:
                names.append(name)
    return tuple(names)
