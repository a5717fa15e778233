"""Whole-picture adjustments: tone, time-of-day grading, atmosphere, texture, symmetry.

Light, contrast and saturation words are targets the picture moves part of the way
toward, never multipliers: a caption that says "dark" about a dark picture leaves it
about as dark instead of sinking it into black on every round trip. Only an explicit
"Make it more X" escalates. Everything here is a Pillow lookup table, blend or
multiply (C loops over the 1024x1024 picture); statistics are read from a 64 px copy.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from PIL import Image, ImageChops, ImageEnhance, ImageFilter

from .scene import Scene

TOWARD_TARGET = 0.5
RESTING_SATURATION = 0.45
RESTING_PULL = 0.25
TINTS = {
    "golden": ((1.08, 0.98, 0.78), (14, 6, -6)),
    "cold": ((0.86, 0.96, 1.1), (-4, 2, 14)),
    "eerie": ((0.82, 1.04, 0.9), (-6, 8, 0)),
    "storm": ((0.82, 0.86, 0.95), (0, 0, 6)),
    "night": ((0.55, 0.62, 0.9), (0, 0, 10)),
    "dusk": ((1.04, 0.9, 0.86), (10, 0, 4)),
    "dawn": ((1.02, 0.95, 0.96), (10, 4, 8)),
}


def finish(image: Image.Image, scene: Scene, *, time: str, strength: dict[str, float]) -> Image.Image:
    """Apply every global effect the scene asks for; `strength` boosts emphasised ones."""
    if "dream" in scene.atmospheres:
        image = Image.blend(image, _soft(image, 10), min(0.7, 0.3 * strength.get("dream", 1.0)))
    if "smooth" in scene.textures:
        image = Image.blend(image, _soft(image, 3), 0.6)
    grades = [time] if time in TINTS and time != "night" else []
    grades += [kind for kind in scene.atmospheres if kind in TINTS]
    for kind in grades:
        image = _tint(image, kind, strength.get(kind, 1.0))
    if "mist" in scene.atmospheres:
        image = _mist(image, strength.get("mist", 1.0))
    image = _tone(image, scene)
    heavy = strength.get("vignette") or time == "night" or "storm" in scene.atmospheres
    vignette = round(0.35 * strength.get("vignette", 1.0) if heavy else 0.16, 2)
    grain = round(1.0 + 2.0 * ("grain" in scene.textures) * strength.get("grain", 1.0), 1)
    image = ImageChops.multiply(image, _paper(image.size[0], vignette, grain))
    if scene.symmetric:
        image = mirrored(image)
    return image


def mirrored(image: Image.Image) -> Image.Image:
    half = image.size[0] // 2
    left = image.crop((0, 0, half, image.size[1]))
    image = image.copy()
    image.paste(left.transpose(Image.Transpose.FLIP_LEFT_RIGHT), (image.size[0] - half, 0))
    return image


def _soft(image: Image.Image, radius: float) -> Image.Image:
    small = image.resize((image.size[0] // 4, image.size[1] // 4), Image.Resampling.BILINEAR)
    return small.filter(ImageFilter.GaussianBlur(radius / 4)).resize(image.size, Image.Resampling.BILINEAR)


def _tint(image: Image.Image, kind: str, strength: float) -> Image.Image:
    (red, green, blue), offset = TINTS[kind]
    weight = min(1.0, 0.6 * strength)
    tables = []
    for gain, shift in zip((red, green, blue), offset, strict=True):
        gain = 1 + (gain - 1) * weight
        tables += [int(min(255, max(0, value * gain + shift * weight))) for value in range(256)]
    return image.point(tables)


def _mist(image: Image.Image, strength: float) -> Image.Image:
    size = image.size[0]
    pale = Image.new("RGB", image.size, tuple(int(v * 0.4 + 150) for v in _mean(image)))
    return Image.composite(pale, image, _mist_mask(size, min(0.75, 0.35 * strength)))


def _mean(image: Image.Image) -> tuple[float, float, float]:
    small = np.asarray(image.resize((32, 32), Image.Resampling.BOX), dtype=np.float32)
    return tuple(float(v) for v in small.reshape(-1, 3).mean(axis=0))


def _tone(image: Image.Image, scene: Scene) -> Image.Image:
    """Move brightness, contrast and saturation toward what the caption said."""
    pixels = np.asarray(image.resize((64, 64), Image.Resampling.BOX), dtype=np.float32) / 255.0
    grey = pixels @ np.array([0.299, 0.587, 0.114], np.float32)
    mean, spread = float(grey.mean()), float(grey.std())
    gain, offset = 1.0, 0.0
    if scene.contrast is not None:
        wanted = spread + (scene.contrast - spread) * TOWARD_TARGET
        gain = float(np.clip(wanted / max(spread, 1e-3), 0.5, 2.0))
        offset = mean * (1 - gain)
    if scene.brightness is not None:
        wanted = mean + (scene.brightness - mean) * TOWARD_TARGET
        offset += wanted - mean
    if gain != 1.0 or offset != 0.0:
        table = [int(min(255, max(0, value * gain + offset * 255))) for value in range(256)]
        image = image.point(table * 3)
    high, low = pixels.max(axis=-1), pixels.min(axis=-1)
    saturation = float(((high - low) / np.maximum(high, 1e-3)).mean())
    target, pull = (
        (scene.saturation, TOWARD_TARGET) if scene.saturation is not None else (RESTING_SATURATION, RESTING_PULL)
    )
    wanted = saturation + (target - saturation) * pull
    factor = float(np.clip(wanted / max(saturation, 0.03), 0.0, 2.5))
    if abs(factor - 1.0) > 0.02:
        image = ImageEnhance.Color(image).enhance(factor)
    return image


@lru_cache(maxsize=8)
def _paper(size: int, vignette: float, grain: float) -> Image.Image:
    """One multiply map for the darkened corners and the paper grain (the same grain for
    every picture, like a sheet of watercolour paper), so finishing costs one pass."""
    axis = np.linspace(-1.0, 1.0, size // 2, dtype=np.float32)
    radius = np.sqrt(axis[None, :] ** 2 + axis[:, None] ** 2) / np.sqrt(2)
    noise = np.random.default_rng(20261130).normal(0.0, 0.022 * grain, radius.shape).astype(np.float32)
    mask = np.clip((1.0 - vignette * radius**2.2) * (0.985 + noise), 0.0, 1.0) * 255
    half = Image.fromarray(mask.astype(np.uint8), "L").convert("RGB")
    return half.resize((size, size), Image.Resampling.BILINEAR)


@lru_cache(maxsize=8)
def _mist_mask(size: int, amount: float) -> Image.Image:
    rows = np.linspace(0.6, 1.0, 64, dtype=np.float32) * amount * 255
    column = Image.fromarray(rows.astype(np.uint8)[:, None], "L")
    return column.resize((size, size), Image.Resampling.BILINEAR)
