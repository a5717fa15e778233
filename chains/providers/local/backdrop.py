"""The painted ground before any motif: sky gradient, side washes, colour patches.

Computed with numpy at half resolution and enlarged, because soft gradients do not
need 512 pixels of detail and this is the most pixel-heavy part of a painting.
"""

from __future__ import annotations

import random

import numpy as np
from PIL import Image

from .canvas import RGB, clamp_channel
from .scene import Scene
from .vocabulary import COLOURS

WORK_SIZE = 256


def paint_backdrop(scene: Scene, rng: random.Random, jitter, size: int) -> tuple[Image.Image, list[RGB]]:
    """The backdrop image, plus the palette colours it left for accents."""
    top, bottom, spare = _sky_colours(scene, rng)
    pixels = _vertical_gradient(jitter(top), jitter(bottom), rng.uniform(0.7, 1.4))
    for side, reach in (("left", 0.45), ("right", 0.45)):
        if side in scene.regions:
            _side_wash(pixels, jitter(scene.regions[side]), side, reach)
    if "centre" in scene.regions:
        _soft_patch(pixels, jitter(scene.regions["centre"]), 0.5, 0.5, 0.3, 0.24, 0.0, 0.9)
    for colour in spare:
        _soft_patch(pixels, jitter(colour), rng.uniform(0.15, 0.85), rng.uniform(0.2, 0.85),
                    rng.uniform(0.1, 0.18), rng.uniform(0.05, 0.09), rng.uniform(0, np.pi), 0.9)
    for colour, x, y in scene.accents:
        _soft_patch(pixels, jitter(colour), _near(x, rng), _near(y, rng),
                    rng.uniform(0.07, 0.12), rng.uniform(0.03, 0.06), rng.uniform(0, np.pi), 0.95)
    image = Image.fromarray(np.clip(pixels * 255.0, 0, 255).astype(np.uint8))
    return image.resize((size, size), Image.Resampling.BILINEAR), spare


def _sky_colours(scene: Scene, rng: random.Random) -> tuple[RGB, RGB, list[RGB]]:
    """Top and bottom of the gradient, and the palette colours not used for them."""
    palette = list(scene.palette)
    if not palette and not scene.regions and not scene.accents:
        palette = [colour for _, colour in rng.sample(COLOURS, 2)]
    top = scene.regions.get("top") or (palette.pop(0) if palette else None)
    bottom = scene.regions.get("bottom") or (palette.pop(0) if palette else None)
    if top is None:
        top = _fallback(scene, bottom)
    if bottom is None:
        bottom = tuple(clamp_channel(channel * 0.7) for channel in top)
    return top, bottom, palette[:4]


def _fallback(scene: Scene, other: RGB | None) -> RGB:
    if other is not None:
        return tuple(clamp_channel(channel * 0.8 + 50) for channel in other)  # type: ignore[return-value]
    for colour, _, _ in scene.accents:
        return tuple(clamp_channel(channel * 0.6 + 90) for channel in colour)  # type: ignore[return-value]
    return (120, 140, 170)


def _near(value: float | None, rng: random.Random) -> float:
    if value is None:
        return rng.uniform(0.15, 0.85)
    return min(0.95, max(0.05, value + rng.uniform(-0.08, 0.08)))


def _vertical_gradient(top: RGB, bottom: RGB, curve: float) -> np.ndarray:
    t = np.linspace(0.0, 1.0, WORK_SIZE, dtype=np.float32) ** curve
    start = np.asarray(top, dtype=np.float32) / 255.0
    end = np.asarray(bottom, dtype=np.float32) / 255.0
    column = start[None, :] * (1.0 - t[:, None]) + end[None, :] * t[:, None]
    return np.repeat(column[:, None, :], WORK_SIZE, axis=1)


def _side_wash(pixels: np.ndarray, colour: RGB, side: str, reach: float) -> None:
    x = np.linspace(0.0, 1.0, WORK_SIZE, dtype=np.float32)
    distance = x if side == "left" else 1.0 - x
    alpha = (0.85 * np.clip(1.0 - distance / reach, 0.0, 1.0) ** 0.7)[None, :, None]
    pixels *= 1.0 - alpha
    pixels += alpha * (np.asarray(colour, dtype=np.float32) / 255.0)


def _soft_patch(
    pixels: np.ndarray, colour: RGB, cx: float, cy: float, rx: float, ry: float, angle: float, strength: float
) -> None:
    """A feathered, rotated ellipse of colour, blended only inside its bounding box."""
    reach = max(rx, ry) * 1.2
    left, right = _span(cx, reach)
    top, bottom = _span(cy, reach)
    if right <= left or bottom <= top:
        return
    ys = (np.arange(top, bottom, dtype=np.float32) + 0.5) / WORK_SIZE - cy
    xs = (np.arange(left, right, dtype=np.float32) + 0.5) / WORK_SIZE - cx
    cos, sin = np.cos(angle), np.sin(angle)
    along = xs[None, :] * cos + ys[:, None] * sin
    across = -xs[None, :] * sin + ys[:, None] * cos
    radius = np.sqrt((along / rx) ** 2 + (across / ry) ** 2)
    alpha = (strength * np.clip(1.25 - radius, 0.0, 1.0) ** 0.6)[..., None]
    region = pixels[top:bottom, left:right]
    region *= 1.0 - alpha
    region += alpha * (np.asarray(colour, dtype=np.float32) / 255.0)


def _span(centre: float, reach: float) -> tuple[int, int]:
    return max(0, int((centre - reach) * WORK_SIZE)), min(WORK_SIZE, int((centre + reach) * WORK_SIZE) + 1)
