"""The drawing surface and colour helpers every motif painter shares.

Motif functions get fractions (0..1) for positions and a size multiplier, never pixel
values, so the canvas size can change in one place. The canvas also remembers where the
ground starts, so a tower drawn after the hills stands on them instead of floating.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Callable

from PIL import Image, ImageDraw

SIZE = 512
RGB = tuple[int, int, int]
Point = tuple[float, float]


@dataclass
class Canvas:
    image: Image.Image
    rng: random.Random
    horizon: float = 0.66
    jitter_amount: float = 10.0
    draw: ImageDraw.ImageDraw = field(init=False)

    def __post_init__(self) -> None:
        self.draw = ImageDraw.Draw(self.image)

    @property
    def size(self) -> int:
        return self.image.size[0]

    def px(self, fraction: float) -> int:
        return int(round(fraction * self.size))

    def jitter(self, rgb: RGB, amount: float | None = None) -> RGB:
        return jitter_colour(self.rng, rgb, self.jitter_amount if amount is None else amount)

    def wobble(self, fraction: float, spread: float = 0.03) -> float:
        return fraction + self.rng.uniform(-spread, spread)

    def ellipse(
        self, cx: float, cy: float, rx: float, ry: float, fill: RGB | None,
        outline: RGB | None = None, width: int = 0,
    ) -> None:
        """Ellipse from a centre and radii given in fractions of the canvas side."""
        box = [self.px(cx - rx), self.px(cy - ry), self.px(cx + rx), self.px(cy + ry)]
        self.draw.ellipse(box, fill=fill, outline=outline, width=width)

    def polygon(self, points: list[Point], fill: RGB | None, outline: RGB | None = None) -> None:
        self.draw.polygon([(self.px(x), self.px(y)) for x, y in points], fill=fill, outline=outline)

    def rectangle(
        self, left: float, top: float, right: float, bottom: float, fill: RGB | None,
        outline: RGB | None = None, width: int = 1,
    ) -> None:
        horizontal = sorted((self.px(left), self.px(right)))
        vertical = sorted((self.px(top), self.px(bottom)))
        box = [horizontal[0], vertical[0], horizontal[1], vertical[1]]
        self.draw.rectangle(box, fill=fill, outline=outline, width=width)

    def line(self, points: list[Point], fill: RGB, width: int = 2) -> None:
        self.draw.line([(self.px(x), self.px(y)) for x, y in points], fill=fill, width=width, joint="curve")


def clamp_channel(value: float) -> int:
    return int(min(255, max(0, round(value))))


def jitter_colour(rng: random.Random, rgb: RGB, spread: float) -> RGB:
    """A slightly different shade each time: how a painter's hand loses the exact colour."""
    red, green, blue = (clamp_channel(channel + rng.gauss(0.0, spread)) for channel in rgb)
    return red, green, blue


def mix(first: RGB, second: RGB, amount: float) -> RGB:
    """`amount` of the way from `first` to `second`."""
    red, green, blue = (clamp_channel(a + (b - a) * amount) for a, b in zip(first, second))
    return red, green, blue


def darker(rgb: RGB, amount: float = 0.3) -> RGB:
    return mix(rgb, (0, 0, 0), amount)


def lighter(rgb: RGB, amount: float = 0.3) -> RGB:
    return mix(rgb, (255, 255, 255), amount)


def brightness_of(rgb: RGB) -> float:
    return (0.299 * rgb[0] + 0.587 * rgb[1] + 0.114 * rgb[2]) / 255.0


def contrasting(rgb: RGB, against: RGB, amount: float = 0.35) -> RGB:
    """A variant of `rgb` pushed away from `against` so details stay visible on it."""
    if brightness_of(against) > 0.5:
        return darker(rgb, amount)
    return lighter(rgb, amount)


@dataclass(frozen=True)
class MotifStyle:
    """How a motif is drawn and where it goes when the caption does not say.

    `layer` orders drawing back to front (0 far sky ... 5 weather); `arrangement` says
    what a count means: copies along a row, copies scattered around the anchor, more
    density for a swarm, or nothing at all for a single scene-wide motif.
    """

    draw: Callable[[Canvas, RGB, float, float, float], None]
    layer: int
    x: float
    y: float
    colour: str
    arrangement: str = "scatter"
    ground: bool = False
