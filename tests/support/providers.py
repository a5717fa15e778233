"""A scripted provider backend for loop tests: counts every call, can be told to fail.

Selected with `provider="tests.support.providers"`; the registry imports any dotted
module that has `build(snapshot)`. State is module-level so a test can inspect the
calls a task made, and reset between tests with `reset()`.
"""

from __future__ import annotations

import io
import threading
from collections import Counter, deque

import numpy as np
from PIL import Image

from chains.providers.base import CaptionResult, EmbedResult, ModerationResult, PaintResult, ProviderError, ProviderSet

calls: Counter = Counter()
failures: dict[str, deque] = {"caption": deque(), "paint": deque(), "embed": deque()}
# What the moderator flags: any of "text", "image".
flagging: set[str] = set()
_lock = threading.Lock()


def reset() -> None:
    calls.clear()
    flagging.clear()
    for queue in failures.values():
        queue.clear()


def fail_next(role: str, error: ProviderError, times: int = 1) -> None:
    failures[role].extend([error] * times)


def _count(role: str) -> None:
    with _lock:
        calls[role] += 1
        if failures[role]:
            raise failures[role].popleft()


def solid_png(colour=(200, 40, 40), size=64) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (size, size), colour).save(buffer, format="PNG")
    return buffer.getvalue()


class ScriptedCaptioner:
    def caption(self, request):
        _count("caption")
        return CaptionResult(
            text=f"caption of step {request.step_index}",
            model="scripted-captioner",
            request_id=f"req-c{request.step_index}",
            input_tokens=10,
            output_tokens=5,
        )


class ScriptedPainter:
    def paint(self, request):
        _count("paint")
        shade = (request.step_index * 37) % 255
        return PaintResult(
            image=solid_png((shade, 80, 160)),
            model="scripted-painter",
            revised_prompt=f"revised: {request.prompt}",
            request_id="req-p",
            params={"size": "64x64"},
        )


class ScriptedEmbedder:
    def embed(self, texts):
        _count("embed")
        vectors = np.ones((len(texts), 8), dtype=np.float32) / np.sqrt(8)
        return EmbedResult(vectors=vectors, model="scripted-embedder", tokens=3)


class ScriptedModerator:
    def moderate(self, *, text="", image=None):
        calls["moderate"] += 1
        flagged = ("text" in flagging and bool(text)) or ("image" in flagging and image is not None)
        return ModerationResult(
            flagged=flagged, categories=("violence",) if flagged else (), model="scripted-moderator"
        )


def build(snapshot: dict) -> ProviderSet:
    return ProviderSet(
        name="scripted",
        captioner=ScriptedCaptioner(),
        painter=ScriptedPainter(),
        embedder=ScriptedEmbedder(),
        moderator=ScriptedModerator(),
        snapshot={"backend": "tests.support.providers", "image_model": "scripted-painter"},
    )
