"""Symbols and patterns: spirals, mandalas, crystals, hearts and the texture of lettering.

These are the dream motifs; the captioner rarely reads them back as themselves (a
mandala comes back as a flower, a sign as lettering), so chains that wander into them
keep moving.
"""

from __future__ import annotations

import math

from .ink import mix
from .pen import Motif, Pen, Tones


def spiral(pen: Pen, k: Tones) -> None:
    points = []
    for step in range(160):
        t = step / 159
        angle = t * 3.5 * math.tau
        points.append((0.5 + math.cos(angle) * 0.46 * t, 0.5 + math.sin(angle) * 0.46 * t))
    pen.stroke(points, k.dark, 0.06)
    pen.stroke(points, k.body, 0.035)


def mandala(pen: Pen, k: Tones) -> None:
    petals = pen.rng.choice([8, 12, 16])
    for ring, tone in ((0.48, k.dark), (0.38, k.body), (0.27, k.accent), (0.16, k.light)):
        for petal in range(petals):
            angle = petal * math.tau / petals + ring * 3
            side = math.pi / petals
            pen.poly(
                [
                    (0.5, 0.5),
                    (0.5 + math.cos(angle - side) * ring * 0.6, 0.5 + math.sin(angle - side) * ring * 0.6),
                    (0.5 + math.cos(angle) * ring, 0.5 + math.sin(angle) * ring),
                    (0.5 + math.cos(angle + side) * ring * 0.6, 0.5 + math.sin(angle + side) * ring * 0.6),
                ],
                tone,
            )
    pen.circle(0.5, 0.5, 0.07, k.pale)


def crystal(pen: Pen, k: Tones) -> None:
    for offset, tall in ((-0.22, 0.6), (0.22, 0.7), (0.0, 1.0)):
        u, top = 0.5 + offset, 1.0 - tall
        pen.poly([(u, top), (u + 0.12, top + 0.15), (u + 0.12, 1.0), (u - 0.12, 1.0), (u - 0.12, top + 0.15)], k.body)
        pen.poly([(u, top), (u + 0.12, top + 0.15), (u + 0.12, 1.0), (u, 1.0)], k.dark)
        pen.stroke([(u - 0.06, top + 0.2), (u - 0.06, 0.9)], k.pale, 0.012)


def eye(pen: Pen, k: Tones) -> None:
    top = [(i / 20, 0.5 - 0.38 * math.sin(math.pi * i / 20)) for i in range(21)]
    bottom = [(1 - i / 20, 0.5 + 0.3 * math.sin(math.pi * i / 20)) for i in range(21)]
    pen.poly(top + bottom, (248, 245, 238))
    pen.circle(0.5, 0.5, 0.2, k.body)
    pen.circle(0.5, 0.5, 0.09, (15, 15, 20))
    pen.circle(0.45, 0.42, 0.04, (255, 255, 255))
    pen.stroke(top, k.deep, 0.04)


def heart(pen: Pen, k: Tones) -> None:
    pen.circle(0.3, 0.32, 0.25, k.body)
    pen.circle(0.7, 0.32, 0.25, k.body)
    pen.poly([(0.06, 0.4), (0.5, 0.98), (0.94, 0.4), (0.5, 0.3)], k.body)
    pen.poly([(0.5, 0.3), (0.94, 0.4), (0.5, 0.98)], k.dark)
    pen.circle(0.28, 0.28, 0.08, k.pale)


def circles(pen: Pen, k: Tones) -> None:
    for ring in range(6, 0, -1):
        pen.circle(0.5, 0.5, ring * 0.08, k.body if ring % 2 else k.accent)


def grid(pen: Pen, k: Tones) -> None:
    cells = 8
    for row in range(cells):
        for column in range(cells):
            tone = k.body if (row + column) % 2 else k.pale
            pen.box(column / cells, row / cells, (column + 1) / cells, (row + 1) / cells, tone)


def stripes(pen: Pen, k: Tones) -> None:
    slope = pen.rng.choice([0.0, 0.3, -0.3])
    for band in range(0, 12, 2):
        pen.poly([(0, band / 12), (1, band / 12 + slope), (1, (band + 1) / 12 + slope), (0, (band + 1) / 12)], k.body)


def dots(pen: Pen, k: Tones) -> None:
    for row in range(9):
        for column in range(9):
            pen.circle(
                (column + 0.5 + (0.5 if row % 2 else 0)) / 9,
                (row + 0.5) / 9,
                0.025,
                k.body if (row + column) % 3 else k.accent,
            )


def sign(pen: Pen, k: Tones) -> None:
    pen.box(0.46, 0.6, 0.54, 1.0, (110, 80, 50))
    pen.box(0.02, 0.02, 0.98, 0.62, k.body, radius=0.04)
    pen.box(0.06, 0.06, 0.94, 0.58, mix(k.body, (255, 255, 255), 0.2), radius=0.03)
    for row in range(4):
        v = 0.14 + row * 0.11
        u = 0.12
        while u < 0.84:
            length = pen.rng.uniform(0.03, 0.12)
            pen.stroke([(u, v), (u + length, v)], k.accent, 0.035)
            u += length + 0.04


PATTERN_MOTIFS = {
    "spiral": Motif(spiral, "violet", "lavender", "free", 1.0, 0.5),
    "mandala": Motif(mandala, "saffron", "crimson", "free", 1.0, 0.6),
    "crystal": Motif(crystal, "amethyst", "lavender", "ground", 0.9, 0.4),
    "eye": Motif(eye, "jade", "black", "free", 1.6, 0.3),
    "heart": Motif(heart, "crimson", "blush pink", "free", 1.0, 0.34),
    "circles": Motif(circles, "vermilion", "cream", "free", 1.0, 0.5),
    "grid": Motif(grid, "charcoal", "ivory", "field", 1.0, 1.0),
    "stripes": Motif(stripes, "cream", "navy", "field", 1.0, 1.0),
    "dots": Motif(dots, "white", "coral", "field", 1.0, 1.0),
    "sign": Motif(sign, "navy", "white", "ground", 1.4, 0.24),
}
