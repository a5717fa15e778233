"""Turning whatever bytes arrive into a small RGB array the captioner can afford to study.

Every analysis works on a fixed 96x96 thumbnail: composition is described in relative
terms (top, left, centre) anyway, and a fixed size keeps captioning time flat no matter
how large the upload was.
"""

from __future__ import annotations

import io
import warnings

import numpy as np
from PIL import Image

from ..base import ProviderError

ANALYSIS_SIZE = 96
UNREADABLE = "The image could not be read."


def read_thumbnail(image_bytes: bytes, size: int = ANALYSIS_SIZE) -> np.ndarray:
    """Decode, flatten transparency and shrink to `size` x `size` float RGB in [0, 1]."""
    if not image_bytes:
        raise ProviderError(UNREADABLE, permanent=True)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(image_bytes))
            image.draft("RGB", (size * 2, size * 2))
            image.load()
            rgb = _as_rgb(image)
            small = rgb.resize((size, size), Image.Resampling.BOX, reducing_gap=2.0)
    except Exception as exc:  # noqa: BLE001 - decoders raise struct.error, zlib.error, SyntaxError...
        # Whatever a decoder trips over, the upload is unusable and retrying cannot help.
        raise ProviderError(UNREADABLE, permanent=True) from exc
    return np.asarray(small, dtype=np.float32) / 255.0


def _as_rgb(image: Image.Image) -> Image.Image:
    """Any Pillow mode to plain RGB; transparent areas read as white paper."""
    if image.mode in ("I", "I;16", "I;16B", "I;16L", "F"):
        return _high_depth_to_rgb(image)
    if image.mode == "P" and "transparency" in image.info:
        image = image.convert("RGBA")
    if image.mode in ("RGBA", "LA", "PA", "RGBa", "La"):
        image = image.convert("RGBA")
        paper = Image.new("RGBA", image.size, (255, 255, 255, 255))
        return Image.alpha_composite(paper, image).convert("RGB")
    return image.convert("RGB")


def _high_depth_to_rgb(image: Image.Image) -> Image.Image:
    """16-bit and float images have no fixed white point; stretch what is there."""
    values = np.asarray(image, dtype=np.float32)
    finite = np.nan_to_num(values, nan=0.0, posinf=0.0, neginf=0.0)
    low, high = float(finite.min()), float(finite.max())
    scaled = (finite - low) / (high - low) if high > low else np.zeros_like(finite)
    grey = Image.fromarray((scaled * 255).astype(np.uint8))
    return grey.convert("RGB")
