"""The OpenAI backend: a vision model captions, an image model paints.

It also speaks to any OpenAI-compatible server (vLLM, a local gateway) through
`OPENAI_BASE_URL`. The client never retries by itself (`max_retries=0`): captions,
embeddings and moderation are retried here with jittered backoff, while image
generation is billable and is retried only by the task layer, which first checks
whether the step already has its picture.

This module is named `openai`, but absolute imports mean `import openai` below is
the real client package, imported under another name so the code reads clearly.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence, TypeVar

import numpy as np
import openai as openai_sdk
from django.conf import settings

from .. import modes
from .base import (
    CaptionRequest,
    CaptionResult,
    EmbedResult,
    ModerationResult,
    PaintRequest,
    PaintResult,
    ProviderError,
    ProviderSet,
)
from .openai_errors import to_provider_error
from .openai_images import ImageDownloader, decode_base64_image, image_data_url
from .retrying import RetryPolicy

T = TypeVar("T")

BACKEND_NAME = "openai"
SETTING_FOR_KEY = {
    "caption_model": "OPENAI_CAPTION_MODEL",
    "image_model": "OPENAI_IMAGE_MODEL",
    "image_size": "OPENAI_IMAGE_SIZE",
    "image_quality": "OPENAI_IMAGE_QUALITY",
    "image_style": "OPENAI_IMAGE_STYLE",
    "embedding_model": "OPENAI_EMBEDDING_MODEL",
    "moderation_model": "OPENAI_MODERATION_MODEL",
    "base_url": "OPENAI_BASE_URL",
}

MISSING_API_KEY = "The OpenAI backend needs OPENAI_API_KEY to be set."
EMPTY_CAPTION = "The vision model returned an empty caption."
CAPTION_REFUSED = "The vision model refused to describe the image: {detail}"
NO_IMAGE_RETURNED = "The image model answered without an image."

CAPTION_TEMPERATURE = 0.7
# Reasoning models reject `max_tokens` and any temperature but the default.
REASONING_MODEL_PREFIXES = ("o1", "o3", "o4", "gpt-5")
# gpt-image models name their quality levels differently from dall-e-3.
GPT_IMAGE_QUALITY = {"standard": "medium", "hd": "high"}

DALL_E_2, DALL_E_3, GPT_IMAGE, OTHER_IMAGE_MODEL = "dall-e-2", "dall-e-3", "gpt-image", "other"


# --- Building -------------------------------------------------------------------------


def build(snapshot: dict) -> ProviderSet:
    """Chain snapshots override settings so a chain keeps the models it started with."""
    config = resolve_config(snapshot)
    client = make_client(config["base_url"])
    retry = RetryPolicy(attempts=settings.OPENAI_RETRY_ATTEMPTS)
    return ProviderSet(
        name=BACKEND_NAME,
        captioner=OpenAICaptioner(
            client, model=config["caption_model"], timeout=settings.OPENAI_CAPTION_TIMEOUT, retry=retry
        ),
        painter=OpenAIPainter(
            client,
            model=config["image_model"],
            size=config["image_size"],
            quality=config["image_quality"],
            style=config["image_style"],
            timeout=settings.OPENAI_IMAGE_TIMEOUT,
            downloader=ImageDownloader(timeout=settings.OPENAI_DOWNLOAD_TIMEOUT),
        ),
        embedder=OpenAIEmbedder(
            client, model=config["embedding_model"], timeout=settings.OPENAI_EMBEDDING_TIMEOUT, retry=retry
        ),
        moderator=OpenAIModerator(
            client, model=config["moderation_model"], timeout=settings.OPENAI_MODERATION_TIMEOUT, retry=retry
        ),
        snapshot={"backend": BACKEND_NAME, **config},
    )


def resolve_config(snapshot: dict) -> dict:
    """Only the keys listed here are read, so no secret can ride along into a chain."""
    config = {}
    for key, setting_name in SETTING_FOR_KEY.items():
        value = snapshot.get(key)
        config[key] = value if value not in (None, "") else (getattr(settings, setting_name, "") or "")
    return config


def make_client(base_url: str) -> openai_sdk.OpenAI:
    api_key = settings.OPENAI_API_KEY
    if not api_key:
        raise ProviderError(MISSING_API_KEY, permanent=True)
    return openai_sdk.OpenAI(api_key=api_key, base_url=base_url or None, max_retries=0)


def close(providers: ProviderSet) -> None:
    """Release pooled connections early; normally the registry keeps them per process."""
    providers.captioner.client.close()
    providers.painter.downloader.http.close()


def guarded(call: Callable[[], T]) -> T:
    """Run one client call, letting only ProviderError out."""
    try:
        return call()
    except openai_sdk.OpenAIError as exc:
        raise to_provider_error(exc) from exc


@dataclass
class RetriedRole:
    """A role whose calls are free to repeat, so transient failures are retried here."""

    client: openai_sdk.OpenAI
    model: str
    timeout: float
    retry: RetryPolicy


# --- Captioning -----------------------------------------------------------------------


class OpenAICaptioner(RetriedRole):
    def caption(self, request: CaptionRequest) -> CaptionResult:
        response = self.retry.run(lambda: guarded(lambda: self._create(request)), what="caption")
        return CaptionResult(
            text=caption_text(response),
            model=self.model,
            request_id=response._request_id or "",
            input_tokens=_usage(response, "prompt_tokens"),
            output_tokens=_usage(response, "completion_tokens"),
        )

    def _create(self, request: CaptionRequest):
        return self.client.chat.completions.create(
            model=self.model,
            messages=[caption_message(request)],
            timeout=self.timeout,
            **caption_bounds(self.model, modes.max_caption_tokens(request.detail)),
        )


def caption_message(request: CaptionRequest) -> dict:
    return {
        "role": "user",
        "content": [
            {"type": "text", "text": request.instructions},
            {"type": "image_url", "image_url": {"url": image_data_url(request.image)}},
        ],
    }


def caption_bounds(model: str, max_tokens: int) -> dict:
    """`max_tokens` is what older and OpenAI-compatible servers (vLLM) understand."""
    if model.lower().startswith(REASONING_MODEL_PREFIXES):
        return {"max_completion_tokens": max_tokens}
    return {"max_tokens": max_tokens, "temperature": CAPTION_TEMPERATURE}


def caption_text(response) -> str:
    message = response.choices[0].message if response.choices else None
    text = (message.content or "").strip() if message else ""
    if text:
        return text
    refusal = getattr(message, "refusal", None) if message else None
    if refusal:
        raise ProviderError(CAPTION_REFUSED.format(detail=refusal.strip()), permanent=True)
    raise ProviderError(EMPTY_CAPTION, permanent=True)


# --- Painting -------------------------------------------------------------------------


@dataclass
class OpenAIPainter:
    """Never retries: every accepted request is an image someone pays for."""

    client: openai_sdk.OpenAI
    model: str
    size: str
    quality: str
    style: str
    timeout: float
    downloader: ImageDownloader

    def __post_init__(self):
        self.params = image_params(self.model, size=self.size, quality=self.quality, style=self.style)

    def paint(self, request: PaintRequest) -> PaintResult:
        response = guarded(
            lambda: self.client.images.generate(
                model=self.model, prompt=request.prompt, n=1, timeout=self.timeout, **self.params
            )
        )
        picture = response.data[0] if response.data else None
        if picture is None:
            raise ProviderError(NO_IMAGE_RETURNED, permanent=False)
        return PaintResult(
            image=self._image_bytes(picture),
            model=self.model,
            revised_prompt=picture.revised_prompt or "",
            request_id=response._request_id or "",
            params={key: self.params.get(key, "") for key in ("size", "quality", "style")},
        )

    def _image_bytes(self, picture) -> bytes:
        if picture.b64_json:
            return decode_base64_image(picture.b64_json)
        if picture.url:
            return self.downloader.fetch(picture.url)
        raise ProviderError(NO_IMAGE_RETURNED, permanent=False)


def image_model_family(model: str) -> str:
    name = model.lower()
    for prefix, family in (("dall-e-3", DALL_E_3), ("dall-e-2", DALL_E_2), ("gpt-image", GPT_IMAGE)):
        if name.startswith(prefix):
            return family
    return OTHER_IMAGE_MODEL


def image_params(model: str, *, size: str, quality: str, style: str) -> dict:
    """Each image model accepts a different set of options and rejects the rest.

    dall-e models are asked for base64 so no expiring URL has to be fetched; gpt-image
    models always answer in base64 and refuse `response_format`. Unknown models (on a
    compatible server) get only the size, the one option every server takes.
    """
    family = image_model_family(model)
    params = {"size": size}
    if family == DALL_E_3:
        params.update(quality=quality, style=style, response_format="b64_json")
    elif family == DALL_E_2:
        params.update(response_format="b64_json")
    elif family == GPT_IMAGE and quality:
        params.update(quality=GPT_IMAGE_QUALITY.get(quality, quality))
    return {key: value for key, value in params.items() if value}


# --- Embedding and moderation ---------------------------------------------------------


class OpenAIEmbedder(RetriedRole):
    def embed(self, texts: Sequence[str]) -> EmbedResult:
        texts = list(texts)
        if not texts:
            return EmbedResult(vectors=np.zeros((0, 0), dtype=np.float32), model=self.model)
        response = self.retry.run(lambda: guarded(lambda: self._create(texts)), what="embedding")
        ordered = sorted(response.data, key=lambda item: item.index)
        return EmbedResult(
            vectors=np.asarray([item.embedding for item in ordered], dtype=np.float32),
            model=self.model,
            request_id=response._request_id or "",
            tokens=_usage(response, "total_tokens") or _usage(response, "prompt_tokens"),
        )

    def _create(self, texts: list[str]):
        # "float" is spelled out: the client's default (base64) is not universal among
        # compatible servers.
        return self.client.embeddings.create(
            model=self.model, input=texts, encoding_format="float", timeout=self.timeout
        )


class OpenAIModerator(RetriedRole):
    def moderate(self, *, text: str = "", image: bytes | None = None) -> ModerationResult:
        if not text and not image:
            return ModerationResult(flagged=False, model=self.model)
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


# --- Small shared helpers -------------------------------------------------------------


def _usage(response, field_name: str) -> int:
    usage = getattr(response, "usage", None)
    return int(getattr(usage, field_name, 0) or 0) if usage is not None else 0
