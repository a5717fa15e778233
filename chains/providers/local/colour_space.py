"""Colour arithmetic shared by captioner and painter.

Names are matched in CIE L*a*b* rather than RGB because distances there roughly follow
what people call "the same colour"; that keeps a painted crimson reading back as a red
rather than as whichever RGB neighbour happens to be closest.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from .vocabulary import COLOURS

_RGB_TO_XYZ = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]], dtype=np.float32)
_WHITE_D65 = np.array([0.95047, 1.0, 1.08883], dtype=np.float32)
LOOKUP_BITS = 5


def rgb_to_lab(rgb: np.ndarray) -> np.ndarray:
    """Convert sRGB values in [0, 1] (any leading shape, last axis 3) to L*a*b*."""
    rgb = np.asarray(rgb, dtype=np.float32)
    linear = np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    xyz = linear @ _RGB_TO_XYZ.T / _WHITE_D65
    cube = np.where(xyz > 0.008856, np.cbrt(xyz), 7.787 * xyz + 16.0 / 116.0)
    lightness = 116.0 * cube[..., 1] - 16.0
    a = 500.0 * (cube[..., 0] - cube[..., 1])
    b = 200.0 * (cube[..., 1] - cube[..., 2])
    return np.stack([lightness, a, b], axis=-1)


@lru_cache(maxsize=1)
def named_lab_table() -> np.ndarray:
    """L*a*b* of every named colour, in vocabulary order (computed once per process)."""
    rgb = np.array([value for _, value in COLOURS], dtype=np.float32) / 255.0
    return rgb_to_lab(rgb)


def nearest_colour_indices(lab_pixels: np.ndarray) -> np.ndarray:
    """Index of the closest named colour for each L*a*b* pixel (flattened input)."""
    table = named_lab_table()
    flat = lab_pixels.reshape(-1, 3)
    distances = (flat**2).sum(axis=1, keepdims=True) - 2.0 * flat @ table.T + (table**2).sum(axis=1)[None, :]
    return distances.argmin(axis=1)


@lru_cache(maxsize=1)
def _name_lookup_table() -> np.ndarray:
    """Nearest named colour for every 5-bit-per-channel RGB cell, built once per process.

    Matching 9,216 thumbnail pixels against 130 names directly is a skinny matrix
    product that BLAS handles poorly; a 32k-entry table turns it into one gather.
    """
    levels = 1 << LOOKUP_BITS
    centres = (np.arange(levels, dtype=np.float32) + 0.5) / levels
    grid = np.stack(np.meshgrid(centres, centres, centres, indexing="ij"), axis=-1).reshape(-1, 3)
    return nearest_colour_indices(rgb_to_lab(grid)).astype(np.int16)


def label_pixels(rgb: np.ndarray) -> np.ndarray:
    """Index of the nearest named colour for each float RGB pixel in [0, 1], same leading shape."""
    shift = 8 - LOOKUP_BITS
    cells = (np.clip(rgb, 0.0, 1.0) * 255.0 + 0.5).astype(np.uint8) >> shift
    red, green, blue = (cells[..., channel].astype(np.int32) for channel in range(3))
    flat_index = (red << (2 * LOOKUP_BITS)) | (green << LOOKUP_BITS) | blue
    return _name_lookup_table()[flat_index].astype(np.int64)


def luminance(rgb: np.ndarray) -> np.ndarray:
    """Perceived brightness in [0, 1] for float RGB in [0, 1]."""
    return rgb[..., 0] * 0.299 + rgb[..., 1] * 0.587 + rgb[..., 2] * 0.114


def hsv_saturation(rgb: np.ndarray) -> np.ndarray:
    high = rgb.max(axis=-1)
    low = rgb.min(axis=-1)
    return np.where(high > 1e-6, (high - low) / np.maximum(high, 1e-6), 0.0)


def colour_family(index: int) -> str:
    """A coarse hue family for a named colour, used to decide what a shape might be."""
    lightness, a, b = (float(v) for v in named_lab_table()[index])
    chroma = (a * a + b * b) ** 0.5
    if chroma < 12:
        if lightness > 85:
            return "white"
        return "black" if lightness < 22 else "grey"
    hue = float(np.degrees(np.arctan2(b, a))) % 360.0
    if hue >= 345 or hue < 50:
        return "pink" if lightness > 66 or (hue < 20 and lightness > 52) else "red"
    if hue < 85:
        return "brown" if lightness < 55 else "orange"
    if hue < 112:
        return "brown" if lightness < 45 else "yellow"
    if hue < 175:
        return "green"
    if hue < 235:
        return "cyan"
    if hue < 310:
        return "blue"
    return "pink" if lightness > 68 else "purple"


def colour_lightness(index: int) -> float:
    return float(named_lab_table()[index][0])
