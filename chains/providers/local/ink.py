"""The painter's drawing surface: supersampled layers, form shading and soft cast shadows.

Every motif is drawn into its own small layer at twice the final resolution and then
reduced, so edges are antialiased (2x supersampling) while the cost stays proportional
to the motif's bounding box rather than to the whole 1024x1024 canvas. When a layer is
put down it is shaded across its width by the scene's light (lit side lighter, far side
darker) and, if it stands on the ground, casts a blurred shadow away from the light.

Positions and sizes are fractions (0..1) of the canvas side, never pixels, so one
drawing works at any canvas size (tests paint small to stay quick).
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field

import numpy as np
from PIL import Image, ImageChops, ImageDraw, ImageFilter

RGB = tuple[int, int, int]
Point = tuple[float, float]
SUPERSAMPLE = 2


def clamp_channel(value: float) -> int:
    return int(min(255, max(0, round(value))))


def mix(first: RGB, second: RGB, amount: float) -> RGB:
    """`amount` of the way from `first` to `second`."""
    red, green, blue = (clamp_channel(a + (b - a) * amount) for a, b in zip(first, second, strict=True))
    return red, green, blue


def darker(rgb: RGB, amount: float = 0.3) -> RGB:
    return mix(rgb, (0, 0, 0), amount)


def lighter(rgb: RGB, amount: float = 0.3) -> RGB:
    return mix(rgb, (255, 255, 255), amount)


def brightness_of(rgb: RGB) -> float:
    return (0.299 * rgb[0] + 0.587 * rgb[1] + 0.114 * rgb[2]) / 255.0


def shade_of(rgb: RGB, amount: float) -> RGB:
    """Darker (amount < 0) or lighter (amount > 0), shifting hue slightly like paint does:
    shadows toward blue-violet, lights toward warm yellow."""
    if amount < 0:
        return mix(rgb, (30, 25, 60), -amount)
    return mix(rgb, (255, 245, 215), amount)


def jitter_colour(rng: random.Random, rgb: RGB, spread: float) -> RGB:
    """A slightly different shade each time: how a painter's hand loses the exact colour."""
    red, green, blue = (clamp_channel(channel + rng.gauss(0.0, spread)) for channel in rgb)
    return red, green, blue


@dataclass
class Light:
    """Where light comes from: `side` -1 (left) … 1 (right), `strength` of form shading."""

    side: float = -0.5
    height: float = 0.2
    strength: float = 0.22
    shadow: float = 0.4


@dataclass
class Painting:
    """The canvas being painted, with what every layer needs to know about the scene."""

    image: Image.Image
    rng: random.Random
    light: Light = field(default_factory=Light)
    horizon: float = 0.62
    haze: RGB = (200, 210, 225)

    @property
    def size(self) -> int:
        return self.image.size[0]

    def px(self, fraction: float) -> int:
        return int(round(fraction * self.size))

    def layer(
        self,
        left: float,
        top: float,
        right: float,
        bottom: float,
        *,
        shade: bool = True,
        shadow: bool = False,
        depth: float = 0.0,
    ) -> Layer:
        """A supersampled layer over a box; draw into it, then call `put()`."""
        return Layer(self, left, top, right, bottom, shade=shade, shadow=shadow, depth=depth)

    def jitter(self, rgb: RGB, spread: float = 8.0) -> RGB:
        return jitter_colour(self.rng, rgb, spread)


class Layer:
    """One motif's drawing: RGBA at 2x over its bounding box, put down with light and shadow."""

    def __init__(
        self,
        painting: Painting,
        left: float,
        top: float,
        right: float,
        bottom: float,
        *,
        shade: bool,
        shadow: bool,
        depth: float,
    ) -> None:
        self.painting = painting
        self.left, self.top = max(0.0, left), max(0.0, top)
        self.right, self.bottom = min(1.0, right), min(1.0, bottom)
        self.shade, self.shadow, self.depth = shade, shadow, depth
        self.scale = painting.size * SUPERSAMPLE
        width = max(1, int(math.ceil((self.right - self.left) * painting.size)))
        height = max(1, int(math.ceil((self.bottom - self.top) * painting.size)))
        self.width, self.height = width, height
        # Premultiplied alpha: Pillow reduces "RGBa" directly, while "RGBA" would be
        # converted there and back at full size (most of a layer's cost).
        self.image = Image.new("RGBa", (width * SUPERSAMPLE, height * SUPERSAMPLE), (0, 0, 0, 0))
        self.draw = ImageDraw.Draw(self.image)

    def xy(self, x: float, y: float) -> tuple[float, float]:
        return (x - self.left) * self.scale, (y - self.top) * self.scale

    def w(self, fraction: float) -> int:
        return max(1, int(round(fraction * self.scale)))

    def ellipse(
        self,
        cx: float,
        cy: float,
        rx: float,
        ry: float,
        fill: RGB | None,
        outline: RGB | None = None,
        width: float = 0.0,
    ) -> None:
        x0, y0 = self.xy(cx - rx, cy - ry)
        x1, y1 = self.xy(cx + rx, cy + ry)
        if x1 - x0 < 1 or y1 - y0 < 1:
            return
        self.draw.ellipse([x0, y0, x1, y1], fill=fill, outline=outline, width=self.w(width) if outline else 0)

    def polygon(self, points: list[Point], fill: RGB | None, outline: RGB | None = None) -> None:
        if len(points) >= 3:
            self.draw.polygon([self.xy(x, y) for x, y in points], fill=fill, outline=outline)

    def rect(self, left: float, top: float, right: float, bottom: float, fill: RGB | None, radius: float = 0.0) -> None:
        x0, y0 = self.xy(min(left, right), min(top, bottom))
        x1, y1 = self.xy(max(left, right), max(top, bottom))
        if radius > 0:
            self.draw.rounded_rectangle([x0, y0, x1, y1], radius=self.w(radius), fill=fill)
        else:
            self.draw.rectangle([x0, y0, x1, y1], fill=fill)

    def line(self, points: list[Point], fill: RGB, width: float = 0.004) -> None:
        self.draw.line([self.xy(x, y) for x, y in points], fill=fill, width=self.w(width), joint="curve")

    def arc(
        self, cx: float, cy: float, rx: float, ry: float, start: float, end: float, fill: RGB, width: float = 0.004
    ) -> None:
        x0, y0 = self.xy(cx - rx, cy - ry)
        x1, y1 = self.xy(cx + rx, cy + ry)
        if x1 - x0 >= 2 and y1 - y0 >= 2:
            self.draw.arc([x0, y0, x1, y1], start=start, end=end, fill=fill, width=self.w(width))

    def put(self, opacity: float = 1.0) -> None:
        """Reduce to 1x, shade by the light, cast the shadow, composite onto the painting."""
        reduced = self.image.reduce(SUPERSAMPLE).convert("RGBA")
        painting = self.painting
        box = (painting.px(self.left), painting.px(self.top))
        if self.shadow:
            cast_shadow(painting, reduced.getchannel("A"), box)
        if self.shade and painting.light.strength > 0:
            reduced = _form_shade(reduced, painting.light)
        if self.depth > 0:
            reduced = _hazed(reduced, painting.haze, self.depth)
        if opacity < 1.0:
            alpha = reduced.getchannel("A").point(lambda value: int(value * opacity))
            reduced.putalpha(alpha)
        target = painting.image.crop((box[0], box[1], box[0] + reduced.width, box[1] + reduced.height))
        target.paste(reduced, (0, 0), reduced)
        painting.image.paste(target, box)


def _form_shade(layer: Image.Image, light: Light) -> Image.Image:
    """Lighten the side facing the light and darken the far side, across the layer's width.

    Two Pillow passes (multiply toward the shadow side, screen toward the lit side) with
    one-row gradients stretched to the layer: no per-pixel Python or float arrays.
    """
    width, height = layer.size
    across = np.linspace(-1.0, 1.0, width, dtype=np.float32) * (1.0 if light.side > 0 else -1.0)
    toward = across * min(1.0, abs(light.side) + 0.3) * light.strength
    dark_row = np.clip(1.0 + np.minimum(toward, 0.0) * 1.2, 0.0, 1.0) * 255
    light_row = np.clip(np.maximum(toward, 0.0), 0.0, 1.0) * 255
    *bands, alpha = layer.split()
    rgb = Image.merge("RGB", bands)
    rgb = ImageChops.multiply(rgb, _row_image(dark_row, height))
    rgb = ImageChops.screen(rgb, _row_image(light_row, height))
    rgb.putalpha(alpha)
    return rgb


def _row_image(row: np.ndarray, height: int) -> Image.Image:
    strip = Image.fromarray(row.astype(np.uint8)[None, :], "L").convert("RGB")
    return strip.resize((row.size, max(1, height)), Image.Resampling.NEAREST)


def _hazed(layer: Image.Image, haze: RGB, depth: float) -> Image.Image:
    """Far things take on the colour of the air between them and the viewer."""
    tint = Image.new("RGBA", layer.size, (*haze, 255))
    blended = Image.blend(layer, tint, min(0.85, depth))
    blended.putalpha(layer.getchannel("A"))
    return blended


def cast_shadow(painting: Painting, alpha: Image.Image, box: tuple[int, int]) -> None:
    """A soft shadow on the ground: the silhouette squashed flat at its base, pushed away
    from the light and blurred. Computed at a quarter of the resolution: it is all blur."""
    width, height = alpha.size
    if width < 8 or height < 8 or painting.light.shadow <= 0:
        return
    quarter_w, quarter_h = max(2, width // 4), max(2, height // 4)
    flat_h = max(2, int(quarter_h * 0.2))
    flat = alpha.resize((quarter_w, flat_h), Image.Resampling.BILINEAR)
    shift = int(-painting.light.side * quarter_w * 0.3)
    pad = abs(shift) + 4
    canvas = Image.new("L", (quarter_w + 2 * pad, flat_h + 8), 0)
    canvas.paste(flat, (pad + shift, 4))
    strength = painting.light.shadow
    canvas = canvas.filter(ImageFilter.GaussianBlur(2)).point(lambda value: int(value * strength))
    full = canvas.resize((canvas.width * 4, canvas.height * 4), Image.Resampling.BILINEAR)
    _darken(painting.image, full, box[0] - pad * 4, box[1] + height - full.height // 2 - 4)


def _darken(image: Image.Image, mask: Image.Image, left: int, top: int) -> None:
    """Multiply the image under `mask` toward a cool dark, clipped to the canvas."""
    x0, y0 = max(0, left), max(0, top)
    x1, y1 = min(image.width, left + mask.width), min(image.height, top + mask.height)
    if x1 <= x0 or y1 <= y0:
        return
    mask = mask.crop((x0 - left, y0 - top, x1 - left, y1 - top))
    region = image.crop((x0, y0, x1, y1))
    shadowed = region.point([int(v * 0.45) for v in range(256)] * 2 + [int(v * 0.6) for v in range(256)])
    image.paste(Image.composite(shadowed, region, mask), (x0, y0))


def band_fill(size: tuple[int, int], top: RGB, bottom: RGB, curve: float = 1.0) -> Image.Image:
    """A vertical gradient image, built as one column and stretched (cheap at any width)."""
    width, height = size
    t = np.linspace(0.0, 1.0, max(1, height), dtype=np.float32) ** curve
    column = (
        np.asarray(top, np.float32)[None, :] * (1 - t[:, None]) + np.asarray(bottom, np.float32)[None, :] * t[:, None]
    )
    strip = Image.fromarray(np.clip(column, 0, 255).astype(np.uint8)[:, None, :], "RGB")
    return strip.resize((max(1, width), max(1, height)), Image.Resampling.NEAREST)


def fill_shape(
    painting: Painting,
    points: list[Point],
    top: RGB,
    bottom: RGB,
    *,
    curve: float = 1.0,
    span: tuple[float, float] | None = None,
) -> Image.Image:
    """Fill a polygon (fractions) with a vertical gradient, edges supersampled; returns its 1x mask.

    `span` is the vertical range (fractions) the gradient runs over; by default the
    polygon's own height.
    """
    size = painting.size
    ys = [y for _, y in points]
    xs = [x for x, _ in points]
    top_px = max(0, int(min(ys) * size) - 1)
    bottom_px = min(size, int(math.ceil(max(ys) * size)) + 1)
    left_px = max(0, int(min(xs) * size) - 1)
    right_px = min(size, int(math.ceil(max(xs) * size)) + 1)
    if bottom_px - top_px < 1 or right_px - left_px < 1:
        return Image.new("L", (1, 1), 0)
    mask = Image.new("L", ((right_px - left_px) * SUPERSAMPLE, (bottom_px - top_px) * SUPERSAMPLE), 0)
    ImageDraw.Draw(mask).polygon(
        [((x * size - left_px) * SUPERSAMPLE, (y * size - top_px) * SUPERSAMPLE) for x, y in points], fill=255
    )
    mask = mask.reduce(SUPERSAMPLE)
    span_top, span_bottom = span or (top_px / size, bottom_px / size)
    gradient = _span_gradient(mask.size, top, bottom, curve, (top_px / size, bottom_px / size), (span_top, span_bottom))
    region = painting.image.crop((left_px, top_px, right_px, bottom_px))
    region.paste(gradient, (0, 0), mask)
    painting.image.paste(region, (left_px, top_px))
    full = Image.new("L", (size, size), 0)
    full.paste(mask, (left_px, top_px))
    return full


def _span_gradient(
    size, top: RGB, bottom: RGB, curve: float, box: tuple[float, float], span: tuple[float, float]
) -> Image.Image:
    width, height = size
    rows = np.linspace(box[0], box[1], max(1, height), dtype=np.float32)
    t = np.clip((rows - span[0]) / max(1e-3, span[1] - span[0]), 0.0, 1.0) ** curve
    column = (
        np.asarray(top, np.float32)[None, :] * (1 - t[:, None]) + np.asarray(bottom, np.float32)[None, :] * t[:, None]
    )
    strip = Image.fromarray(np.clip(column, 0, 255).astype(np.uint8)[:, None, :], "RGB")
    return strip.resize((max(1, width), max(1, height)), Image.Resampling.NEAREST)


def ridge(
    rng: random.Random, base: float, amplitude: float, roughness: float = 0.5, points: int = 48, peaks: int = 3
) -> list[Point]:
    """A skyline profile: a few broad swells plus finer detail; returns (x, y) from left to right."""
    phases = [rng.uniform(0, math.tau) for _ in range(4)]
    weights = [1.0, 0.5 * roughness, 0.25 * roughness, 0.12 * roughness]
    profile = []
    for index in range(points + 1):
        x = index / points
        swells = enumerate(zip(weights, phases, strict=True))
        value = sum(w * math.sin(x * math.pi * peaks * (2**k) + p) for k, (w, p) in swells)
        profile.append((x, base - amplitude * (0.5 + 0.5 * value / sum(weights))))
    return profile
