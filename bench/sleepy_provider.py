"""A provider backend that only waits, standing in for a remote API's latency.

Selected with `provider="bench.sleepy_provider"`. Every caption, paint and embed call
sleeps `delay_seconds` (default 0.3 s) in `time.sleep`, which releases the GIL, then
returns a valid result: a non-empty caption, a PNG, a unit-length float32 vector.
By default the PNG is a tiny 64x64 square, so a chain's wall time is the sleeps plus
the engine's own overhead. With `image_side` set in the chain's snapshot (e.g. 1024)
the painter answers what real image models send: a photo-like PNG of that side,
about 2 MB at 1024 px, which the engine must decode, check and re-encode. Those
pictures are made once per process (a few variants) and then handed out as bytes,
because a remote API's own encoding is not the worker's CPU.
"""

from __future__ import annotations

import io
import threading
import time
import zlib
from functools import lru_cache

import numpy as np
from PIL import Image

from chains.providers.base import CaptionResult, EmbedResult, ModerationResult, PaintResult, ProviderSet

BACKEND = "bench.sleepy_provider"
DEFAULT_DELAY_SECONDS = 0.3
DIMENSION = 32
IMAGE_SIZE = 64
MODEL = "sleepy"
PHOTO_VARIANTS = 8
# Real captions run to 80-120 words; the text travels through the database, the logs,
# the embedder and the screening, so its length is part of the engine's work.
SCENE = (
    "Behind it a wide valley opens under a pale evening sky, with low hills fading into blue haze, "
    "a river that bends twice before it reaches a small stone bridge, and a row of poplars whose "
    "long shadows fall across a ploughed field. On the near bank a wooden boat lies upturned beside "
    "a coil of rope, a red bucket and a heap of nets drying in the last light. Swallows cross the "
    "frame from left to right, and far away a church tower catches the sun above the roofs of a village."
)
_photo_lock = threading.Lock()


def small_png(step_index: int) -> bytes:
    """A 64x64 solid PNG whose colour changes with the step, so steps are told apart."""
    shade = (step_index * 37) % 256
    buffer = io.BytesIO()
    Image.new("RGB", (IMAGE_SIZE, IMAGE_SIZE), (shade, 90, 255 - shade)).save(buffer, format="PNG")
    return buffer.getvalue()


def photo_png(step_index: int, side: int) -> bytes:
    """A photo-like PNG (smooth shapes, mid-scale texture and sensor grain) of `side` px."""
    with _photo_lock:  # made once per variant, even when 100 threads ask at once
        return _photo(step_index % PHOTO_VARIANTS, side)


@lru_cache(maxsize=4 * PHOTO_VARIANTS)
def _photo(variant: int, side: int) -> bytes:
    rng = np.random.default_rng(variant)
    base = _smooth(rng.random((9, 9, 3)) * 255, side)
    texture = _smooth(rng.random((65, 65, 3)) * 80 + 88, side) - 128
    grain = rng.normal(0, 6, (side, side, 3))
    pixels = np.clip(base + texture + grain, 0, 255).astype(np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, format="PNG")
    return buffer.getvalue()


def _smooth(grid: np.ndarray, side: int) -> np.ndarray:
    small = Image.fromarray(grid.astype(np.uint8))
    return np.asarray(small.resize((side, side), Image.Resampling.BICUBIC), dtype=np.float32)


def unit_vector(text: str, dimension: int = DIMENSION) -> np.ndarray:
    """A deterministic normalised float32 vector derived from the text."""
    rng = np.random.default_rng(zlib.crc32(text.encode()))
    vector = rng.standard_normal(dimension).astype(np.float32)
    return vector / np.linalg.norm(vector)


class SleepyCaptioner:
    def __init__(self, delay: float):
        self.delay = delay

    def caption(self, request):
        time.sleep(self.delay)
        text = f"A small square of colour, step {request.step_index}, seed {request.seed}. " + SCENE
        return CaptionResult(
            text=text,
            model=f"{MODEL}-captioner",
            request_id=f"sleepy-c{request.step_index}",
            input_tokens=len(request.instructions.split()),
            output_tokens=len(text.split()),
        )


class SleepyPainter:
    def __init__(self, delay: float, side: int | None):
        self.delay = delay
        self.side = side

    def paint(self, request):
        time.sleep(self.delay)
        image = photo_png(request.step_index, self.side) if self.side else small_png(request.step_index)
        side = self.side or IMAGE_SIZE
        return PaintResult(
            image=image,
            model=f"{MODEL}-painter",
            revised_prompt=request.prompt,
            request_id=f"sleepy-p{request.step_index}",
            params={"size": f"{side}x{side}"},
        )


class SleepyEmbedder:
    def __init__(self, delay: float, dimension: int):
        self.delay = delay
        self.dimension = dimension

    def embed(self, texts):
        time.sleep(self.delay)
        vectors = np.stack([unit_vector(text, self.dimension) for text in texts])
        return EmbedResult(vectors=vectors, model=f"{MODEL}-embedder", tokens=sum(len(text.split()) for text in texts))


class PassingModerator:
    """Moderation is not on the loop's path; it answers at once."""

    def moderate(self, *, text="", image=None):
        return ModerationResult(flagged=False, model=f"{MODEL}-moderator")


def build(snapshot: dict) -> ProviderSet:
    """The registry's entry point; a chain's snapshot may override `delay_seconds`,
    `image_side` (0: the tiny square) and the embedding `dimension`."""
    delay = float(snapshot.get("delay_seconds", DEFAULT_DELAY_SECONDS))
    side = int(snapshot.get("image_side", 0))
    dimension = int(snapshot.get("dimension", DIMENSION))
    return ProviderSet(
        name="sleepy",
        captioner=SleepyCaptioner(delay),
        painter=SleepyPainter(delay, side),
        embedder=SleepyEmbedder(delay, dimension),
        moderator=PassingModerator(),
        snapshot={
            "backend": BACKEND,
            "delay_seconds": delay,
            "image_side": side,
            "dimension": dimension,
            "image_model": f"{MODEL}-painter",
        },
    )
