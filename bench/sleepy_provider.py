"""A provider backend that only waits, standing in for a remote API's latency.

Selected with `provider="bench.sleepy_provider"`. Every caption, paint and embed call
sleeps `delay_seconds` (default 0.3 s) in `time.sleep`, which releases the GIL, then
returns a tiny but valid result: a non-empty caption, a small PNG, a unit-length
float32 vector. With the work this cheap, a chain's wall time is the sleeps plus the
engine's own overhead, so a concurrency benchmark measures the worker and nothing else.
"""

from __future__ import annotations

import io
import time
import zlib

import numpy as np
from PIL import Image

from chains.providers.base import (
    CaptionResult,
    EmbedResult,
    ModerationResult,
    PaintResult,
    ProviderSet,
)

BACKEND = "bench.sleepy_provider"
DEFAULT_DELAY_SECONDS = 0.3
DIMENSION = 32
IMAGE_SIZE = 64
MODEL = "sleepy"


def small_png(step_index: int) -> bytes:
    """A 64x64 solid PNG whose colour changes with the step, so steps are told apart."""
    shade = (step_index * 37) % 256
    buffer = io.BytesIO()
    Image.new("RGB", (IMAGE_SIZE, IMAGE_SIZE), (shade, 90, 255 - shade)).save(buffer, format="PNG")
    return buffer.getvalue()


def unit_vector(text: str) -> np.ndarray:
    """A deterministic normalised float32 vector derived from the text."""
    rng = np.random.default_rng(zlib.crc32(text.encode()))
    vector = rng.standard_normal(DIMENSION).astype(np.float32)
    return vector / np.linalg.norm(vector)


class SleepyCaptioner:
    def __init__(self, delay: float):
        self.delay = delay

    def caption(self, request):
        time.sleep(self.delay)
        text = f"A small square of colour, step {request.step_index}, seed {request.seed}."
        return CaptionResult(text=text, model=f"{MODEL}-captioner", request_id=f"sleepy-c{request.step_index}",
                             input_tokens=len(request.instructions.split()), output_tokens=len(text.split()))


class SleepyPainter:
    def __init__(self, delay: float):
        self.delay = delay

    def paint(self, request):
        time.sleep(self.delay)
        return PaintResult(image=small_png(request.step_index), model=f"{MODEL}-painter",
                           revised_prompt=request.prompt, request_id=f"sleepy-p{request.step_index}",
                           params={"size": f"{IMAGE_SIZE}x{IMAGE_SIZE}"})


class SleepyEmbedder:
    def __init__(self, delay: float):
        self.delay = delay

    def embed(self, texts):
        time.sleep(self.delay)
        vectors = np.stack([unit_vector(text) for text in texts])
        return EmbedResult(vectors=vectors, model=f"{MODEL}-embedder",
                           tokens=sum(len(text.split()) for text in texts))


class PassingModerator:
    """Moderation is not on the loop's path; it answers at once."""

    def moderate(self, *, text="", image=None):
        return ModerationResult(flagged=False, model=f"{MODEL}-moderator")


def build(snapshot: dict) -> ProviderSet:
    """The registry's entry point; `delay_seconds` in a chain's snapshot overrides the default."""
    delay = float(snapshot.get("delay_seconds", DEFAULT_DELAY_SECONDS))
    return ProviderSet(
        name="sleepy",
        captioner=SleepyCaptioner(delay),
        painter=SleepyPainter(delay),
        embedder=SleepyEmbedder(delay),
        moderator=PassingModerator(),
        snapshot={"backend": BACKEND, "delay_seconds": delay, "image_model": f"{MODEL}-painter"},
    )
