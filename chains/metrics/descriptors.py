"""A perceptual descriptor of an image, computed locally from its pixels.

Caption drift says what the captioner *said*; it cannot tell whether the pictures
themselves changed (a painter can keep a caption's nouns and still lose the palette).
So every image also gets a small vector of what a glance would notice:

- a colour histogram: RGB quantised to 4 levels per channel (64 bins), square-rooted
  so that the cosine of two histograms is their Bhattacharyya coefficient (the usual
  measure of overlap between distributions, and far less dominated by one big flat
  background than the raw counts are);
- a coarse layout: the mean colour of each cell of a 4×4 grid in YCbCr, centred on
  mid-grey, which keeps "dark sky above, bright field below" apart from its mirror image.

Each half is scaled to unit length and weighted by √½, so the cosine of two descriptors
is the average of the histogram and layout cosines. It reads a 32×32 reduction of the
image, so it costs about a millisecond on the 320 px thumbnail: cheap enough for the
paint phase. Pure Pillow + NumPy, no ORM; `DESCRIPTOR_VERSION` names the recipe so
vectors from a different recipe are never compared with these.
"""

from __future__ import annotations

import io

import numpy as np
from PIL import Image

from ..task_clock import IMAGE, in_section

DESCRIPTOR_VERSION = "colour-layout-v1"
SAMPLE_SIDE = 32
HISTOGRAM_LEVELS = 4
LAYOUT_GRID = 4
DIMENSION = HISTOGRAM_LEVELS**3 + LAYOUT_GRID * LAYOUT_GRID * 3


@in_section(IMAGE)
def image_descriptor(image: bytes | Image.Image) -> np.ndarray:
    """The descriptor of an encoded image (or an open Pillow image), float32, unit length."""
    picture = image if isinstance(image, Image.Image) else Image.open(io.BytesIO(image))
    picture.draft("RGB", (SAMPLE_SIDE * 4, SAMPLE_SIDE * 4))  # JPEG decodes at a fraction of the size
    small = picture.convert("RGB").resize((SAMPLE_SIDE, SAMPLE_SIDE), Image.Resampling.BOX)
    rgb = np.asarray(small, dtype=np.uint8)
    return np.concatenate([_histogram(rgb), _layout(small)]).astype(np.float32)


def _histogram(rgb: np.ndarray) -> np.ndarray:
    levels = (rgb.reshape(-1, 3).astype(np.int32) * HISTOGRAM_LEVELS) // 256
    bins = (levels[:, 0] * HISTOGRAM_LEVELS + levels[:, 1]) * HISTOGRAM_LEVELS + levels[:, 2]
    counts = np.bincount(bins, minlength=HISTOGRAM_LEVELS**3).astype(np.float64)
    return _unit(np.sqrt(counts / counts.sum())) * np.sqrt(0.5)


def _layout(small: Image.Image) -> np.ndarray:
    ycbcr = np.asarray(small.convert("YCbCr"), dtype=np.float64) / 255.0 - 0.5
    cell = SAMPLE_SIDE // LAYOUT_GRID
    means = ycbcr.reshape(LAYOUT_GRID, cell, LAYOUT_GRID, cell, 3).mean(axis=(1, 3))
    return _unit(means.reshape(-1)) * np.sqrt(0.5)


def _unit(vector: np.ndarray) -> np.ndarray:
    norm = float(np.linalg.norm(vector))
    return vector / norm if norm > 0 else vector


def descriptor_from_bytes(raw) -> np.ndarray | None:
    """A stored descriptor back as float32; None when missing or of another size."""
    if not raw:
        return None
    vector = np.frombuffer(bytes(raw), dtype=np.float32)
    return vector if vector.shape == (DIMENSION,) else None
