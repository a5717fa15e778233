"""Drawing a motif inside its own box: the vocabulary every motif function is written in.

A motif is drawn in local units (u, v from 0 to 1 across and down its box), so the
composer can place it anywhere at any size, large and central when a caption says so
or small on the horizon. `Tones` derives the few related colours an illustrator would
use for one object: its body, a shadow tone, a light tone and an accent.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

from .ink import RGB, Layer, Painting, mix, shade_of


@dataclass(frozen=True)
class Tones:
    """The colours of one object: body, shadow side, lit side, deep shadow, accent, trim."""

    body: RGB
    accent: RGB

    @property
    def dark(self) -> RGB:
        return shade_of(self.body, -0.28)

    @property
    def deep(self) -> RGB:
        return shade_of(self.body, -0.55)

    @property
    def light(self) -> RGB:
        return shade_of(self.body, 0.3)

    @property
    def pale(self) -> RGB:
        return shade_of(self.body, 0.6)

    @property
    def accent_dark(self) -> RGB:
        return shade_of(self.accent, -0.3)

    def toward(self, other: RGB, amount: float) -> RGB:
        return mix(self.body, other, amount)


class Pen:
    """Local-unit drawing over a Layer; `aspect` is the box's width / height."""

    def __init__(self, layer: Layer, left: float, top: float, width: float, height: float, rng: random.Random) -> None:
        self.layer = layer
        self.left, self.top, self.width, self.height = left, top, width, height
        self.rng = rng
        self.aspect = width / max(height, 1e-6)

    def p(self, u: float, v: float) -> tuple[float, float]:
        return self.left + u * self.width, self.top + v * self.height

    def poly(self, points: list[tuple[float, float]], fill: RGB | None) -> None:
        self.layer.polygon([self.p(u, v) for u, v in points], fill)

    def oval(
        self,
        cu: float,
        cv: float,
        ru: float,
        rv: float,
        fill: RGB | None,
        outline: RGB | None = None,
        width: float = 0.0,
    ) -> None:
        cx, cy = self.p(cu, cv)
        self.layer.ellipse(cx, cy, ru * self.width, rv * self.height, fill, outline, width * self.height)

    def circle(
        self, cu: float, cv: float, r: float, fill: RGB | None, outline: RGB | None = None, width: float = 0.0
    ) -> None:
        """A true circle of radius `r` box-widths, whatever the box's shape."""
        self.oval(cu, cv, r, r * self.aspect, fill, outline, width)

    def box(self, u0: float, v0: float, u1: float, v1: float, fill: RGB | None, radius: float = 0.0) -> None:
        x0, y0 = self.p(u0, v0)
        x1, y1 = self.p(u1, v1)
        self.layer.rect(x0, y0, x1, y1, fill, radius * self.width)

    def stroke(self, points: list[tuple[float, float]], fill: RGB, width: float = 0.02) -> None:
        """A line `width` box-heights thick."""
        self.layer.line([self.p(u, v) for u, v in points], fill, width * self.height)

    def arc(
        self, cu: float, cv: float, ru: float, rv: float, start: float, end: float, fill: RGB, width: float = 0.02
    ) -> None:
        cx, cy = self.p(cu, cv)
        self.layer.arc(cx, cy, ru * self.width, rv * self.height, start, end, fill, width * self.height)

    def curve(self, points: list[tuple[float, float]], steps: int = 16) -> list[tuple[float, float]]:
        """A smooth path through control points (Catmull-Rom), for petals, hulls and hills."""
        if len(points) < 3:
            return points
        padded = [points[0], *points, points[-1]]
        path = []
        for index in range(1, len(padded) - 2):
            p0, p1, p2, p3 = padded[index - 1 : index + 3]
            for step in range(steps):
                t = step / steps
                path.append(
                    tuple(
                        0.5
                        * (
                            (2 * b)
                            + (-a + c) * t
                            + (2 * a - 5 * b + 4 * c - d) * t * t
                            + (-a + 3 * b - 3 * c + d) * t**3
                        )
                        for a, b, c, d in zip(p0, p1, p2, p3, strict=True)
                    )
                )
        path.append(points[-1])
        return path

    def petal(self, cu: float, cv: float, angle: float, length: float, width: float, fill: RGB) -> None:
        """A pointed lens from (cu, cv) outward at `angle`: petals, leaves, flames, feathers."""
        along = (math.cos(angle), math.sin(angle) * self.aspect)
        across = (-along[1] / self.aspect * self.aspect, along[0])
        points = []
        for step in range(13):
            t = step / 12
            bulge = math.sin(math.pi * t) ** 0.8 * width
            points.append(
                (cu + along[0] * length * t + across[0] * bulge, cv + along[1] * length * t + across[1] * bulge)
            )
        for step in range(11, 0, -1):
            t = step / 12
            bulge = math.sin(math.pi * t) ** 0.8 * width
            points.append(
                (cu + along[0] * length * t - across[0] * bulge, cv + along[1] * length * t - across[1] * bulge)
            )
        self.poly(points, fill)

    def blob(self, cu: float, cv: float, ru: float, rv: float, fill: RGB, lumps: int = 7, wobble: float = 0.18) -> None:
        """An irregular rounded shape: foliage masses, clouds, bushes, rocks."""
        phases = [self.rng.uniform(0, math.tau) for _ in range(3)]
        points = []
        for index in range(lumps * 6):
            angle = index / (lumps * 6) * math.tau
            swell = 1 + wobble * (0.6 * math.sin(angle * lumps + phases[0]) + 0.4 * math.sin(angle * 3 + phases[1]))
            points.append((cu + math.cos(angle) * ru * swell, cv + math.sin(angle) * rv * swell))
        self.poly(points, fill)

    def dabs(
        self, cu: float, cv: float, ru: float, rv: float, colours: list[RGB], count: int, size: float = 0.06
    ) -> None:
        """Many small overlapping strokes inside an ellipse: how foliage and fur are suggested."""
        for _ in range(count):
            angle = self.rng.uniform(0, math.tau)
            reach = math.sqrt(self.rng.random())
            u = cu + math.cos(angle) * ru * reach
            v = cv + math.sin(angle) * rv * reach
            radius = size * self.rng.uniform(0.6, 1.2)
            tone = colours[min(len(colours) - 1, int((v - (cv - rv)) / max(2 * rv, 1e-6) * len(colours)))]
            self.oval(u, v, radius, radius * self.aspect * 0.75, tone)


def draw_motif(
    painting: Painting,
    draw,
    tones: Tones,
    left: float,
    top: float,
    width: float,
    height: float,
    *,
    shadow: bool,
    depth: float = 0.0,
    shade: bool = True,
    flip: bool = False,
) -> None:
    """Give a motif function its own supersampled layer over its box, then put it down."""
    margin = 0.02 * max(width, height)
    layer = painting.layer(
        left - margin,
        top - margin,
        left + width + margin,
        top + height + margin,
        shadow=shadow,
        depth=depth,
        shade=shade,
    )
    pen = Pen(layer, left, top, width, height, painting.rng)
    draw(pen, tones)
    if flip:
        from PIL import Image

        layer.image = layer.image.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
    layer.put()


@dataclass(frozen=True)
class Motif:
    """How a motif is drawn, and how it sits in a picture when the caption does not say.

    `place` is where it belongs: "ground" (stands on it, casts a shadow), "sky",
    "water" (floats on it), "free" (anywhere, e.g. a cup or a face) or "field" (covers
    the picture, e.g. stripes). `aspect` is its box's width / height and `height` its
    usual height as a fraction of the picture.
    """

    draw: object
    colour: str
    accent: str
    place: str
    aspect: float = 1.0
    height: float = 0.3
