"""Answer shapes shared by the OpenAI-compatible fakes (OpenAI, Ollama, vLLM, LM Studio, llama.cpp).

Each server builds its chat completion and embedding list this way, then adds its
own fields and quirks. Pictures are drawn from the prompt and the seed, so a test can
tell which request made which picture and that a seed was honoured.
"""

from __future__ import annotations

import base64
import hashlib
import io
import time

import numpy as np
from PIL import Image

from .harness import plain as plain  # re-exported: several fakes answer in plain text

DEFAULT_CAPTION = "  A red kite over a green hill under a pale blue sky.  "
IMAGE_DATA_URL_PREFIX = "data:image/"


def words(text: str) -> int:
    """A stand-in tokenizer: one token per word, at least one."""
    return max(len(str(text).split()), 1)


def chat_completion_json(
    content: str | None,
    *,
    model: str = "fake-model",
    number: int = 1,
    finish_reason: str = "stop",
    prompt_tokens: int = 42,
    completion_tokens: int = 17,
    **extra,
) -> dict:
    """A chat completion body, for tests that queue their own caption answer."""
    body = {
        "id": f"chatcmpl-fake-{number}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content, "refusal": None},
                "finish_reason": finish_reason,
            }
        ],
        "usage": {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
        },
    }
    body.update(extra)
    return body


def user_parts(body: dict) -> tuple[str, list[str]]:
    """The text and the image URLs of a chat request's messages."""
    texts, images = [], []
    for message in body.get("messages") or []:
        content = message.get("content")
        if isinstance(content, str):
            texts.append(content)
            continue
        for part in content or []:
            if part.get("type") == "text":
                texts.append(part.get("text", ""))
            elif part.get("type") == "image_url":
                url = part.get("image_url")
                images.append(url.get("url", "") if isinstance(url, dict) else str(url))
    return " ".join(texts), images


def decode_data_url(url: str) -> bytes | None:
    if not url.startswith("data:") or ";base64," not in url:
        return None
    try:
        return base64.b64decode(url.split(";base64,", 1)[1], validate=True)
    except ValueError:
        return None


def deterministic_vector(text: str, dimension: int) -> np.ndarray:
    """The same text always embeds to the same unit vector, different texts differ."""
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    seed = int.from_bytes(digest[:8], "little")
    vector = np.random.default_rng(seed).standard_normal(dimension).astype(np.float32)
    return vector / np.float32(np.linalg.norm(vector))


def embedding_list(texts, *, model: str, dimension: int, encoding_format: str = "float") -> dict:
    texts = [texts] if isinstance(texts, str) else list(texts)
    data = []
    for index, text in enumerate(texts):
        vector = deterministic_vector(str(text), dimension)
        embedding = (
            base64.b64encode(vector.tobytes()).decode("ascii") if encoding_format == "base64" else vector.tolist()
        )
        data.append({"object": "embedding", "index": index, "embedding": embedding})
    tokens = sum(words(text) for text in texts)
    return {"object": "list", "data": data, "model": model, "usage": {"prompt_tokens": tokens, "total_tokens": tokens}}


def model_list(ids, *, owned_by: str) -> dict:
    return {
        "object": "list",
        "data": [
            {"id": model_id, "object": "model", "created": 1_700_000_000, "owned_by": owned_by} for model_id in ids
        ],
    }


def seed_colour(prompt: str, seed: int | None) -> tuple[int, int, int]:
    digest = hashlib.sha256(f"{prompt}|{seed}".encode("utf-8")).digest()
    return digest[0], digest[1], digest[2]


def painted_png(prompt: str, seed: int | None = None, size: tuple[int, int] = (64, 64)) -> bytes:
    """A small picture whose colour depends only on the prompt and the seed."""
    buffer = io.BytesIO()
    Image.new("RGB", size, seed_colour(prompt, seed)).save(buffer, format="PNG")
    return buffer.getvalue()


def parse_size(size: str | None, default: tuple[int, int] = (1024, 1024)) -> tuple[int, int] | None:
    if not size or size == "auto":
        return default
    width, _, height = str(size).partition("x")
    if not (width.isdigit() and height.isdigit()):
        return None
    return int(width), int(height)
