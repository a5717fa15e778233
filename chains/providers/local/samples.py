"""Real photographs that installed packages ship, and a way to play a chain on them offline.

The demo, the benchmarks and the tests all start from the same eight photos, varied in
subject (a portrait, a cat, a cup, a rocket, deep space, a motorcycle, a temple, a
flower), so what a newcomer sees is what the figures of record were measured on.
They come from scikit-image and scikit-learn, which bundle them inside their wheels:
nothing is downloaded.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from PIL import Image

from ... import modes
from ..base import CaptionRequest, PaintRequest

# name -> (package, loader) ; the loaders return uint8 RGB arrays.
DEMO_PHOTOS = ("astronaut", "chelsea", "coffee", "rocket", "hubble_deep_field", "motorcycle_left", "china", "flower")
PHOTO_SIDE = 768


def _skimage_photo(name: str) -> np.ndarray:
    from skimage import data

    if name == "motorcycle_left":
        return data.stereo_motorcycle()[0]
    return getattr(data, name)()


def _sklearn_photo(name: str) -> np.ndarray:
    from sklearn.datasets import load_sample_image

    return load_sample_image(f"{name}.jpg")


@lru_cache(maxsize=16)
def demo_photo(name: str, side: int = PHOTO_SIDE) -> bytes:
    """The photo centre-cropped to a square of `side` pixels, PNG-encoded like an upload."""
    if name not in DEMO_PHOTOS:
        raise KeyError(name)
    pixels = _sklearn_photo(name) if name in {"china", "flower"} else _skimage_photo(name)
    image = Image.fromarray(np.ascontiguousarray(pixels[..., :3])).convert("RGB")
    image = _centre_square(image).resize((side, side), Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", compress_level=1)
    return buffer.getvalue()


def _centre_square(image: Image.Image) -> Image.Image:
    width, height = image.size
    side = min(width, height)
    left, top = (width - side) // 2, (height - side) // 2
    return image.crop((left, top, left + side, top + side))


@dataclass
class PlayedStep:
    image: bytes
    caption: str


def play_chain(
    providers, image: bytes, *, steps: int, seed: int, mode: str = "telephone", detail: str = "very", theme: str = ""
) -> list[PlayedStep]:
    """Caption, paint, caption… in-process, with the prompts and seeds the engine uses.

    Step i's caption is seeded with `seed + i` and the painting of step i + 1 with
    `seed + i + 1`, exactly as `chains.services.phases` does, so a played chain is the
    chain a worker would have produced.
    """
    played: list[PlayedStep] = []
    for index in range(steps + 1):
        request = CaptionRequest(
            image=image,
            detail=detail,
            mode=mode,
            theme=theme,
            step_index=index,
            seed=seed + index,
            instructions=modes.caption_instructions(mode=mode, detail=detail, theme=theme, step_index=index),
        )
        text = providers.captioner.caption(request).text
        played.append(PlayedStep(image=image, caption=text))
        if index == steps:
            break
        prompt = modes.paint_prompt(mode=mode, caption=text, theme=theme, step_index=index)
        image = providers.painter.paint(PaintRequest(prompt=prompt, seed=seed + index + 1, step_index=index + 1)).image
    return played


def is_plain_gradient(image: bytes) -> bool:
    """True for a picture with no drawn subject: nothing but smooth colour changes.

    Measured as the share of pixels on a visible edge in a 128 px copy; a gradient or
    a few blurred washes have almost none, any drawn thing has a few percent.
    """
    with Image.open(io.BytesIO(image)) as opened:
        grey = np.asarray(opened.convert("L").resize((128, 128), Image.Resampling.BOX), dtype=np.float32)
    across = np.abs(np.diff(grey, axis=1))[:-1, :]
    down = np.abs(np.diff(grey, axis=0))[:, :-1]
    return float((np.hypot(across, down) > 12).mean()) < PLAIN_EDGE_SHARE


PLAIN_EDGE_SHARE = 0.004
