"""Whole-picture adjustments: tone, atmosphere, texture, symmetry and "make it more".

Light, contrast and saturation words are treated as targets the picture moves halfway
toward, never as multipliers: a caption that says "dark" about a dark picture then
leaves it about as dark, instead of every round trip sinking it into black. Only an
explicit "Make it more X" escalates past the target.
"""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageFilter

from .scene import Scene

TOWARD_TARGET = 0.55
# With no colour words at all, a picture drifts gently back toward ordinary saturation,
# so chains do not all bleach into the same grey after a few mixed-paint rounds.
RESTING_SATURATION = 0.42
RESTING_PULL = 0.3
TINTS = {
    "golden": (np.array([1.0, 0.72, 0.3], np.float32), 0.14),
    "cold": (np.array([0.68, 0.8, 1.0], np.float32), 0.12),
    "eerie": (np.array([0.55, 0.85, 0.65], np.float32), 0.12),
}


def finish(
    image: Image.Image, scene: Scene, noise: np.random.Generator, strength: dict[str, float]
) -> Image.Image:
    """Apply every global effect the scene asks for; `strength` boosts emphasised ones."""
    if "smooth" in scene.textures:
        image = image.filter(ImageFilter.BoxBlur(2))
    if "dream" in scene.atmospheres:
        glow = min(0.8, 0.35 * strength.get("dream", 1.0))
        image = Image.blend(image, image.filter(ImageFilter.BoxBlur(8)), glow)
    pixels = np.asarray(image, dtype=np.float32) / 255.0
    for atmosphere in scene.atmospheres:
        pixels = _atmosphere(pixels, atmosphere, strength.get(atmosphere, 1.0))
    if scene.brightness is not None:
        pixels = _move_brightness(pixels, scene.brightness)
    if scene.contrast is not None:
        pixels = _move_contrast(pixels, scene.contrast)
    if scene.saturation is not None:
        pixels = _move_saturation(pixels, scene.saturation)
    else:
        pixels = _move_saturation(pixels, RESTING_SATURATION, RESTING_PULL)
    if "grain" in scene.textures:
        grain = noise.normal(0.0, 0.025 * strength.get("grain", 1.0), size=pixels.shape[:2])
        pixels = pixels + grain[..., None].astype(np.float32)
    if strength.get("vignette"):
        pixels = _vignette(pixels, 0.35 * strength["vignette"])
    if scene.symmetric:
        half = pixels.shape[1] // 2
        pixels[:, half:] = pixels[:, :half][:, ::-1][:, : pixels.shape[1] - half]
    return Image.fromarray((np.clip(pixels, 0.0, 1.0) * 255.0 + 0.5).astype(np.uint8))


def _luminance(pixels: np.ndarray) -> np.ndarray:
    return pixels @ np.array([0.299, 0.587, 0.114], dtype=np.float32)


def _move_brightness(pixels: np.ndarray, target: float) -> np.ndarray:
    """Darken by scaling toward black, brighten by scaling toward white; hues survive both."""
    current = float(_luminance(pixels).mean())
    wanted = current + (target - current) * TOWARD_TARGET
    if wanted < current:
        return pixels * (wanted / max(current, 1e-3))
    return 1.0 - (1.0 - pixels) * ((1.0 - wanted) / max(1.0 - current, 1e-3))


def _move_contrast(pixels: np.ndarray, target: float) -> np.ndarray:
    grey = _luminance(pixels)
    spread = float(grey.std())
    wanted = spread + (target - spread) * TOWARD_TARGET
    factor = float(np.clip(wanted / max(spread, 1e-3), 0.4, 2.5))
    middle = float(grey.mean())
    return middle + (pixels - middle) * factor


def _move_saturation(pixels: np.ndarray, target: float, pull: float = TOWARD_TARGET) -> np.ndarray:
    current = _mean_saturation(pixels[::4, ::4])
    wanted = current + (target - current) * pull
    factor = float(np.clip(wanted / max(current, 0.03), 0.0, 3.0))
    grey = _luminance(pixels)[..., None]
    return grey + (pixels - grey) * factor


def _mean_saturation(pixels: np.ndarray) -> float:
    """HSV saturation averaged; channel-wise max/min is much faster than a reduce over axis -1."""
    red, green, blue = pixels[..., 0], pixels[..., 1], pixels[..., 2]
    high = np.maximum(np.maximum(red, green), blue)
    low = np.minimum(np.minimum(red, green), blue)
    return float(((high - low) / np.maximum(high, 1e-3)).mean())


def _atmosphere(pixels: np.ndarray, kind: str, strength: float) -> np.ndarray:
    if kind == "mist":
        haze = np.float32(min(0.75, 0.32 * strength))
        pale = np.clip(pixels.mean(axis=(0, 1)) * 0.4 + 0.6, 0.0, 1.0)
        rows = np.linspace(1.0, 0.55, pixels.shape[0], dtype=np.float32)[:, None, None]
        return pixels * (1 - haze * rows) + pale * haze * rows
    if kind == "storm":
        grey = _luminance(pixels)[..., None]
        stormy = (pixels * 0.5 + grey * 0.5) * np.array([0.8, 0.85, 0.95], np.float32)
        weight = min(0.9, 0.45 * strength)
        return pixels * (1 - weight) + stormy * weight
    if kind == "night":
        weight = min(0.9, 0.4 * strength)
        return pixels * (1 - weight) + pixels * np.array([0.35, 0.4, 0.7], np.float32) * weight
    if kind in TINTS:
        colour, weight = TINTS[kind]
        weight = min(0.6, weight * strength)
        return pixels * (1 - weight) + pixels * colour * weight + colour * weight * 0.15
    return pixels


def _vignette(pixels: np.ndarray, amount: float) -> np.ndarray:
    side = pixels.shape[0]
    axis = np.linspace(-1.0, 1.0, side, dtype=np.float32)
    radius = np.sqrt(axis[None, :] ** 2 + axis[:, None] ** 2) / np.sqrt(2)
    return pixels * (1.0 - amount * radius**2)[..., None]
