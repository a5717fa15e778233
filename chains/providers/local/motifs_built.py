"""Things people built: houses, temples, towers, bridges and the furniture of streets.

Walls carry brick or plank texture, roofs a darker tone, windows a warm glow; the
light and cast shadow come from the layer they are drawn in.
"""

from __future__ import annotations

import math

from .ink import mix
from .pen import Motif, Pen, Tones

GLASS = (250, 215, 120)
NIGHT_GLASS = (60, 70, 95)


def _bricks(pen: Pen, k: Tones, u0: float, v0: float, u1: float, v1: float, rows: int = 9) -> None:
    mortar = k.dark
    for row in range(rows):
        v = v0 + (v1 - v0) * (row + 1) / (rows + 1)
        pen.stroke([(u0, v), (u1, v)], mortar, 0.004)
        offset = 0.5 if row % 2 else 0.0
        for column in range(6):
            u = u0 + (u1 - u0) * (column + offset) / 6
            if u0 < u < u1:
                pen.stroke([(u, v), (u, v - (v1 - v0) / (rows + 1))], mortar, 0.004)


def _windows(pen: Pen, u0: float, v0: float, u1: float, v1: float, columns: int, rows: int, lit: float = 0.7) -> None:
    for row in range(rows):
        for column in range(columns):
            wu = u0 + (u1 - u0) * (column + 0.25) / columns
            wv = v0 + (v1 - v0) * (row + 0.2) / rows
            glass = GLASS if pen.rng.random() < lit else NIGHT_GLASS
            pen.box(wu, wv, wu + (u1 - u0) * 0.5 / columns, wv + (v1 - v0) * 0.55 / rows, glass)


def house(pen: Pen, k: Tones) -> None:
    pen.box(0.12, 0.45, 0.88, 1.0, k.body)
    _bricks(pen, k, 0.12, 0.45, 0.88, 1.0, rows=7)
    pen.poly([(0.04, 0.47), (0.5, 0.06), (0.96, 0.47)], k.accent)
    pen.poly([(0.5, 0.06), (0.96, 0.47), (0.6, 0.47)], mix(k.accent, (0, 0, 0), 0.25))
    pen.box(0.66, 0.1, 0.76, 0.3, k.dark)
    pen.box(0.43, 0.7, 0.57, 1.0, k.deep, radius=0.02)
    _windows(pen, 0.18, 0.55, 0.4, 0.75, 1, 1)
    _windows(pen, 0.62, 0.55, 0.84, 0.75, 1, 1)


def cottage(pen: Pen, k: Tones) -> None:
    pen.box(0.15, 0.5, 0.85, 1.0, k.body, radius=0.03)
    pen.poly(pen.curve([(0.02, 0.56), (0.2, 0.2), (0.5, 0.08), (0.8, 0.2), (0.98, 0.56)]), k.accent)
    for _ in range(40):
        u, v = pen.rng.uniform(0.1, 0.9), pen.rng.uniform(0.2, 0.52)
        pen.stroke([(u, v), (u + 0.03, v + 0.04)], mix(k.accent, (0, 0, 0), 0.3), 0.006)
    pen.box(0.44, 0.68, 0.58, 1.0, k.deep, radius=0.06)
    pen.circle(0.28, 0.7, 0.07, GLASS)
    pen.circle(0.72, 0.7, 0.07, GLASS)


def barn(pen: Pen, k: Tones) -> None:
    pen.poly([(0.08, 0.45), (0.25, 0.15), (0.75, 0.15), (0.92, 0.45), (0.92, 1.0), (0.08, 1.0)], k.body)
    pen.poly(
        [(0.05, 0.47), (0.25, 0.12), (0.75, 0.12), (0.95, 0.47), (0.9, 0.47), (0.73, 0.18), (0.27, 0.18), (0.1, 0.47)],
        (240, 236, 225),
    )
    pen.box(0.32, 0.55, 0.68, 1.0, (240, 236, 225))
    pen.box(0.35, 0.58, 0.65, 1.0, k.dark)
    pen.stroke([(0.35, 0.58), (0.65, 1.0)], (240, 236, 225), 0.02)
    pen.stroke([(0.65, 0.58), (0.35, 1.0)], (240, 236, 225), 0.02)


def pagoda(pen: Pen, k: Tones) -> None:
    tiers = pen.rng.choice([3, 4, 5])
    height = 0.9 / tiers
    for tier in range(tiers):
        bottom = 1.0 - tier * height
        half = 0.34 - tier * 0.05
        pen.box(0.5 - half * 0.7, bottom - height * 0.62, 0.5 + half * 0.7, bottom, k.body)
        _windows(pen, 0.5 - half * 0.5, bottom - height * 0.5, 0.5 + half * 0.5, bottom - height * 0.1, 3, 1, 0.3)
        eave = bottom - height * 0.6
        pen.poly(
            [
                (0.5 - half - 0.1, eave + 0.03),
                (0.5 - half * 0.8, eave - height * 0.32),
                (0.5 + half * 0.8, eave - height * 0.32),
                (0.5 + half + 0.1, eave + 0.03),
                (0.5 + half * 0.7, eave),
                (0.5 - half * 0.7, eave),
            ],
            k.accent,
        )
    pen.stroke([(0.5, 0.1 - 0.02), (0.5, 0.0)], k.accent_dark, 0.02)


def temple(pen: Pen, k: Tones) -> None:
    pen.box(0.05, 0.9, 0.95, 1.0, k.dark)
    pen.box(0.1, 0.84, 0.9, 0.9, k.body)
    for column in range(6):
        u = 0.16 + column * 0.136
        pen.box(u, 0.4, u + 0.06, 0.84, k.light)
        pen.box(u + 0.04, 0.4, u + 0.06, 0.84, k.dark)
    pen.box(0.1, 0.32, 0.9, 0.4, k.body)
    pen.poly([(0.06, 0.33), (0.5, 0.08), (0.94, 0.33)], k.body)
    pen.poly([(0.18, 0.3), (0.5, 0.14), (0.82, 0.3)], k.dark)
    if pen.rng.random() < 0.5:
        pen.oval(0.5, 0.1, 0.16, 0.1, k.accent)


def cathedral(pen: Pen, k: Tones) -> None:
    pen.box(0.2, 0.4, 0.8, 1.0, k.body)
    _bricks(pen, k, 0.2, 0.4, 0.8, 1.0, rows=10)
    for u in (0.04, 0.8):
        pen.box(u, 0.25, u + 0.16, 1.0, k.dark)
        pen.poly([(u - 0.01, 0.26), (u + 0.08, 0.0), (u + 0.17, 0.26)], k.deep)
    pen.poly([(0.2, 0.42), (0.5, 0.18), (0.8, 0.42)], k.dark)
    pen.circle(0.5, 0.5, 0.09, k.accent)
    for spoke in range(8):
        angle = spoke * math.tau / 8
        pen.stroke(
            [(0.5, 0.5), (0.5 + 0.09 * math.cos(angle), 0.5 + 0.09 * math.sin(angle) * pen.aspect)], k.deep, 0.005
        )
    pen.box(0.42, 0.72, 0.58, 1.0, k.deep, radius=0.08)


def castle(pen: Pen, k: Tones) -> None:
    pen.box(0.15, 0.4, 0.85, 1.0, k.body)
    _bricks(pen, k, 0.15, 0.4, 0.85, 1.0, rows=9)
    for merlon in range(8):
        u = 0.15 + merlon * 0.0875
        pen.box(u, 0.34, u + 0.05, 0.4, k.body)
    for u in (0.02, 0.78):
        pen.box(u, 0.2, u + 0.2, 1.0, k.dark)
        pen.poly([(u - 0.02, 0.21), (u + 0.1, 0.0), (u + 0.22, 0.21)], k.accent)
    pen.box(0.4, 0.66, 0.6, 1.0, k.deep, radius=0.1)
    _windows(pen, 0.06, 0.35, 0.18, 0.6, 1, 2, 0.6)


def tower(pen: Pen, k: Tones) -> None:
    pen.poly([(0.28, 1.0), (0.34, 0.22), (0.66, 0.22), (0.72, 1.0)], k.body)
    _bricks(pen, k, 0.32, 0.22, 0.68, 1.0, rows=14)
    if pen.rng.random() < 0.5:
        pen.poly([(0.24, 0.23), (0.5, 0.0), (0.76, 0.23)], k.accent)
    else:
        for merlon in range(4):
            pen.box(0.3 + merlon * 0.11, 0.14, 0.36 + merlon * 0.11, 0.22, k.body)
    for v in (0.35, 0.55, 0.75):
        pen.box(0.46, v, 0.54, v + 0.07, k.deep, radius=0.03)


def lighthouse(pen: Pen, k: Tones) -> None:
    stripes = 6
    for band in range(stripes):
        v0, v1 = 0.28 + band * 0.72 / stripes, 0.28 + (band + 1) * 0.72 / stripes
        h0, h1 = 0.12 + 0.1 * (v0 - 0.28), 0.12 + 0.1 * (v1 - 0.28)
        pen.poly(
            [(0.5 - h0, v0), (0.5 + h0, v0), (0.5 + h1, v1), (0.5 - h1, v1)],
            k.body if band % 2 == 0 else (245, 243, 236),
        )
    pen.box(0.34, 0.26, 0.66, 0.3, k.deep)
    pen.box(0.38, 0.12, 0.62, 0.26, (255, 240, 170))
    pen.poly([(0.34, 0.13), (0.5, 0.0), (0.66, 0.13)], k.deep)
    pen.poly([(0.6, 0.17), (1.0, 0.08), (1.0, 0.28)], (255, 250, 200))


def windmill(pen: Pen, k: Tones) -> None:
    pen.poly([(0.34, 1.0), (0.4, 0.35), (0.6, 0.35), (0.66, 1.0)], k.body)
    pen.poly(pen.curve([(0.37, 0.36), (0.5, 0.24), (0.63, 0.36)]), k.accent)
    pen.box(0.45, 0.78, 0.55, 1.0, k.deep, radius=0.04)
    angle0 = pen.rng.uniform(0, math.pi / 2)
    for blade in range(4):
        angle = angle0 + blade * math.pi / 2
        tip = (0.5 + 0.45 * math.cos(angle), 0.32 + 0.3 * math.sin(angle))
        side = (0.5 + 0.45 * math.cos(angle + 0.25), 0.32 + 0.3 * math.sin(angle + 0.25))
        pen.poly([(0.5, 0.32), tip, side], (240, 235, 220))
        pen.stroke([(0.5, 0.32), tip], k.deep, 0.008)
    pen.circle(0.5, 0.32, 0.03, k.deep)


def skyscraper(pen: Pen, k: Tones) -> None:
    pen.box(0.25, 0.08, 0.75, 1.0, k.body)
    pen.box(0.6, 0.08, 0.75, 1.0, k.dark)
    _windows(pen, 0.28, 0.12, 0.72, 0.98, 4, 14, 0.55)
    pen.box(0.35, 0.02, 0.65, 0.08, k.dark)
    pen.stroke([(0.5, 0.02), (0.5, -0.05)], k.deep, 0.006)


def bridge(pen: Pen, k: Tones) -> None:
    pen.box(0.0, 0.3, 1.0, 0.4, k.body)
    pen.box(0.0, 0.27, 1.0, 0.3, k.dark)
    arches = pen.rng.choice([3, 4, 5])
    for arch in range(arches + 1):
        u = arch / arches
        pen.box(u - 0.03, 0.4, u + 0.03, 1.0, k.body)
    for arch in range(arches):
        u = (arch + 0.5) / arches
        pen.arc(u, 0.9, 0.5 / arches, 0.5, 180, 360, k.dark, 0.04)


def tent(pen: Pen, k: Tones) -> None:
    pen.poly([(0.02, 1.0), (0.5, 0.05), (0.98, 1.0)], k.body)
    pen.poly([(0.5, 0.05), (0.98, 1.0), (0.6, 1.0)], k.dark)
    pen.poly([(0.5, 0.35), (0.36, 1.0), (0.64, 1.0)], k.deep)
    pen.stroke([(0.5, 0.05), (0.5, -0.04)], k.deep, 0.01)
    pen.poly([(0.5, -0.04), (0.62, -0.01), (0.5, 0.02)], k.accent)


def pyramid(pen: Pen, k: Tones) -> None:
    apex = pen.rng.uniform(0.45, 0.55)
    pen.poly([(0.0, 1.0), (apex, 0.0), (1.0, 1.0)], k.body)
    pen.poly([(apex, 0.0), (1.0, 1.0), (apex + 0.2, 1.0)], k.dark)
    for row in range(1, 8):
        v = row / 8
        pen.stroke([(apex * (1 - v), v), (apex + (1 - apex) * v, v)], k.dark, 0.004)


def obelisk(pen: Pen, k: Tones) -> None:
    pen.poly([(0.36, 0.92), (0.42, 0.1), (0.58, 0.1), (0.64, 0.92)], k.body)
    pen.poly([(0.5, 0.1), (0.58, 0.1), (0.64, 0.92), (0.52, 0.92)], k.dark)
    pen.poly([(0.42, 0.1), (0.5, 0.0), (0.58, 0.1)], k.accent)
    pen.box(0.26, 0.92, 0.74, 1.0, k.dark)


def arch(pen: Pen, k: Tones) -> None:
    pen.box(0.05, 0.0, 0.95, 1.0, k.body)
    _bricks(pen, k, 0.05, 0.0, 0.95, 1.0, rows=10)
    pen.box(0.25, 0.4, 0.75, 1.0, k.deep)
    pen.oval(0.5, 0.4, 0.25, 0.22, k.deep)
    pen.box(0.0, 0.0, 1.0, 0.06, k.dark)


def fountain(pen: Pen, k: Tones) -> None:
    pen.oval(0.5, 0.85, 0.46, 0.12, k.dark)
    pen.box(0.04, 0.72, 0.96, 0.86, k.body)
    pen.oval(0.5, 0.72, 0.46, 0.08, (120, 180, 220))
    pen.box(0.44, 0.3, 0.56, 0.74, k.body)
    pen.oval(0.5, 0.32, 0.22, 0.05, k.body)
    for side in (-1, 1):
        pen.stroke(pen.curve([(0.5, 0.2), (0.5 + side * 0.2, 0.22), (0.5 + side * 0.3, 0.7)]), (200, 230, 250), 0.015)
    pen.stroke([(0.5, 0.3), (0.5, 0.08)], (210, 235, 250), 0.02)


def door(pen: Pen, k: Tones) -> None:
    pen.box(0.0, 0.0, 1.0, 1.0, k.accent)
    pen.box(0.2, 0.25, 0.8, 1.0, k.body)
    pen.oval(0.5, 0.25, 0.3, 0.18, k.body)
    for u in (0.3, 0.5, 0.7):
        pen.stroke([(u, 0.2), (u, 1.0)], k.dark, 0.01)
    pen.circle(0.68, 0.62, 0.03, (230, 190, 90))


def window(pen: Pen, k: Tones) -> None:
    pen.box(0.0, 0.0, 1.0, 1.0, k.body)
    pen.box(0.1, 0.08, 0.9, 0.9, k.accent)
    pen.box(0.1, 0.08, 0.9, 0.3, mix(k.accent, (255, 255, 255), 0.4))
    pen.stroke([(0.5, 0.08), (0.5, 0.9)], k.body, 0.05)
    pen.stroke([(0.1, 0.48), (0.9, 0.48)], k.body, 0.05)
    pen.box(0.0, 0.9, 1.0, 1.0, k.dark)


def fence(pen: Pen, k: Tones) -> None:
    for post in range(12):
        u = (post + 0.5) / 12
        pen.poly([(u - 0.03, 0.2), (u, 0.05), (u + 0.03, 0.2), (u + 0.03, 1.0), (u - 0.03, 1.0)], k.body)
    for v in (0.35, 0.75):
        pen.box(0.0, v, 1.0, v + 0.08, k.dark)


def lamppost(pen: Pen, k: Tones) -> None:
    pen.circle(0.5, 0.12, 0.4, mix(GLASS, (255, 255, 255), 0.5))
    pen.box(0.46, 0.2, 0.54, 1.0, k.body)
    pen.box(0.38, 0.94, 0.62, 1.0, k.body)
    pen.poly([(0.3, 0.05), (0.7, 0.05), (0.62, 0.22), (0.38, 0.22)], GLASS)
    pen.poly([(0.28, 0.06), (0.5, -0.02), (0.72, 0.06)], k.body)


def statue(pen: Pen, k: Tones) -> None:
    pen.box(0.25, 0.72, 0.75, 1.0, k.dark)
    pen.circle(0.5, 0.12, 0.1, k.body)
    pen.poly([(0.36, 0.22), (0.64, 0.22), (0.62, 0.72), (0.38, 0.72)], k.body)
    pen.stroke([(0.62, 0.28), (0.8, 0.05)], k.body, 0.04)
    pen.poly([(0.38, 0.22), (0.5, 0.22), (0.5, 0.72), (0.38, 0.72)], k.light)


BUILT_MOTIFS = {
    "house": Motif(house, "brick red", "slate grey", "ground", 1.0, 0.3),
    "cottage": Motif(cottage, "cream", "straw", "ground", 1.2, 0.28),
    "barn": Motif(barn, "cardinal red", "white", "ground", 1.1, 0.3),
    "pagoda": Motif(pagoda, "vermilion", "bottle green", "ground", 0.7, 0.56),
    "temple": Motif(temple, "bone", "gold", "ground", 1.2, 0.36),
    "cathedral": Motif(cathedral, "sand", "crimson", "ground", 0.95, 0.5),
    "castle": Motif(castle, "ash grey", "ultramarine", "ground", 1.3, 0.4),
    "tower": Motif(tower, "stone grey", "brick red", "ground", 0.4, 0.58),
    "lighthouse": Motif(lighthouse, "scarlet", "white", "ground", 0.45, 0.6),
    "windmill": Motif(windmill, "bone", "brick red", "ground", 0.75, 0.52),
    "skyscraper": Motif(skyscraper, "steel blue", "silver", "ground", 0.36, 0.7),
    "bridge": Motif(bridge, "stone grey", "brick red", "ground", 3.0, 0.3),
    "tent": Motif(tent, "tangerine", "scarlet", "ground", 1.2, 0.26),
    "pyramid": Motif(pyramid, "ochre", "sand", "ground", 1.5, 0.36),
    "obelisk": Motif(obelisk, "sand", "gold", "ground", 0.3, 0.56),
    "arch": Motif(arch, "terracotta", "sand", "ground", 1.0, 0.4),
    "fountain": Motif(fountain, "stone grey", "sky blue", "ground", 1.2, 0.3),
    "door": Motif(door, "mahogany", "stone grey", "free", 0.65, 0.5),
    "window": Motif(window, "ivory", "sky blue", "free", 0.8, 0.4),
    "fence": Motif(fence, "walnut brown", "tan", "ground", 4.0, 0.14),
    "lamppost": Motif(lamppost, "graphite", "amber", "ground", 0.3, 0.5),
    "statue": Motif(statue, "pearl grey", "bronze", "ground", 0.5, 0.5),
}
