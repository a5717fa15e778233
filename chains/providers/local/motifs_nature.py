"""Things that grow or were never built: trees, flowers, mountains, islands, waterfalls."""

from __future__ import annotations

import math

from .ink import mix
from .pen import Motif, Pen, Tones

BARK = (100, 70, 45)


def _canopy(pen: Pen, k: Tones, cu: float, cv: float, ru: float, rv: float) -> None:
    """A rounded crown built from a shadow mass, a body mass and many leaf dabs, lit from above."""
    pen.blob(cu, cv + rv * 0.08, ru, rv, k.deep, lumps=6, wobble=0.14)
    pen.blob(cu - ru * 0.05, cv - rv * 0.02, ru * 0.92, rv * 0.9, k.dark, lumps=6, wobble=0.14)
    pen.dabs(cu, cv, ru * 0.85, rv * 0.85, [k.light, k.body, k.body, k.dark], 60, size=ru * 0.16)


def tree(pen: Pen, k: Tones) -> None:
    pen.poly([(0.45, 1.0), (0.47, 0.5), (0.53, 0.5), (0.55, 1.0)], BARK)
    pen.stroke([(0.5, 0.62), (0.36, 0.46)], BARK, 0.025)
    pen.stroke([(0.5, 0.58), (0.66, 0.42)], BARK, 0.022)
    variant = pen.rng.random()
    if variant < 0.5:
        _canopy(pen, k, 0.5, 0.36, 0.42, 0.32)
    else:
        for cu, cv, r in ((0.34, 0.44, 0.22), (0.66, 0.42, 0.22), (0.5, 0.26, 0.26)):
            _canopy(pen, k, cu, cv, r, r * 0.9)


def pine(pen: Pen, k: Tones) -> None:
    pen.box(0.46, 0.85, 0.54, 1.0, BARK)
    tiers = pen.rng.choice([3, 4, 5])
    for tier in range(tiers):
        top = 0.02 + tier * 0.8 / (tiers + 0.5)
        half = 0.16 + 0.3 * (tier + 1) / tiers
        bottom = top + 0.32
        pen.poly([(0.5, top), (0.5 - half, bottom), (0.5 + half, bottom)], k.dark)
        pen.poly([(0.5, top), (0.5 - half * 0.2, bottom - 0.02), (0.5 + half, bottom)], k.body)


def palm(pen: Pen, k: Tones) -> None:
    trunk = pen.curve([(0.55, 1.0), (0.5, 0.6), (0.4, 0.25)])
    for index, (u, v) in enumerate(trunk[:-1]):
        pen.circle(u, v, 0.035 - index * 0.0004, BARK if index % 3 else mix(BARK, (0, 0, 0), 0.3))
    for angle in (-2.6, -2.0, -1.3, -0.6, -0.1, 0.5):
        tip = (0.4 + 0.42 * math.cos(angle), 0.25 + 0.28 * math.sin(angle) + 0.12)
        mid = (0.4 + 0.25 * math.cos(angle), 0.25 + 0.2 * math.sin(angle) - 0.04)
        pen.poly([(0.4, 0.24), mid, tip, (mid[0], mid[1] + 0.05)], k.body if angle < -1 else k.dark)


def cypress(pen: Pen, k: Tones) -> None:
    pen.box(0.46, 0.9, 0.54, 1.0, BARK)
    outline = pen.curve([(0.5, 0.0), (0.64, 0.3), (0.68, 0.6), (0.5, 0.94), (0.32, 0.6), (0.36, 0.3), (0.5, 0.0)])
    pen.poly(outline, k.dark)
    pen.dabs(0.46, 0.5, 0.12, 0.4, [k.light, k.body], 30, size=0.06)


def bush(pen: Pen, k: Tones) -> None:
    for cu in (0.3, 0.7, 0.5):
        _canopy(pen, k, cu, 0.6, 0.3, 0.36)
    if pen.rng.random() < 0.5:
        for _ in range(10):
            pen.circle(pen.rng.uniform(0.2, 0.8), pen.rng.uniform(0.35, 0.8), 0.025, k.accent)


def cactus(pen: Pen, k: Tones) -> None:
    pen.box(0.4, 0.1, 0.6, 1.0, k.body, radius=0.1)
    pen.box(0.15, 0.35, 0.3, 0.62, k.body, radius=0.07)
    pen.box(0.15, 0.55, 0.45, 0.66, k.body)
    pen.box(0.7, 0.25, 0.85, 0.5, k.body, radius=0.07)
    pen.box(0.55, 0.44, 0.85, 0.55, k.body)
    for u in (0.45, 0.5, 0.55):
        pen.stroke([(u, 0.15), (u, 0.98)], k.dark, 0.008)
    pen.circle(0.5, 0.1, 0.06, k.accent)


def mushroom(pen: Pen, k: Tones) -> None:
    pen.poly([(0.4, 1.0), (0.43, 0.45), (0.57, 0.45), (0.6, 1.0)], (240, 232, 214))
    cap = pen.curve([(0.05, 0.5), (0.2, 0.15), (0.5, 0.05), (0.8, 0.15), (0.95, 0.5)])
    pen.poly(cap, k.body)
    pen.oval(0.5, 0.5, 0.45, 0.05, k.dark)
    for u, v in ((0.3, 0.3), (0.55, 0.18), (0.72, 0.33), (0.45, 0.36)):
        pen.circle(u, v, 0.045, (250, 245, 235))


def flower(pen: Pen, k: Tones) -> None:
    """A bloom seen from the front: three rings of pointed petals, dark at the back, lit in front."""
    petals = pen.rng.choice([9, 11, 13, 16])
    twist = pen.rng.uniform(0, math.tau)
    for ring, (length, width, tone) in enumerate(((0.48, 0.1, k.dark), (0.38, 0.09, k.body), (0.26, 0.07, k.light))):
        for petal in range(petals):
            angle = twist + (petal + ring * 0.5) * math.tau / petals
            pen.petal(0.5, 0.5, angle, length, width, tone)
            if ring == 1:
                pen.petal(0.5, 0.5, angle, length * 0.8, width * 0.25, k.pale)
    pen.circle(0.5, 0.5, 0.11, k.accent)
    for _ in range(16):
        angle, reach = pen.rng.uniform(0, math.tau), pen.rng.uniform(0, 0.08)
        pen.circle(0.5 + math.cos(angle) * reach, 0.5 + math.sin(angle) * reach, 0.01, mix(k.accent, (0, 0, 0), 0.4))


def sunflower(pen: Pen, k: Tones) -> None:
    pen.stroke([(0.5, 0.5), (0.52, 1.0)], (70, 120, 50), 0.04)
    pen.oval(0.64, 0.78, 0.12, 0.05, (80, 140, 60))
    for petal in range(18):
        angle = petal * math.tau / 18
        tip = (0.5 + math.cos(angle) * 0.3, 0.38 + math.sin(angle) * 0.3)
        side = 0.17
        pen.poly(
            [
                (0.5 + math.cos(angle - side) * 0.12, 0.38 + math.sin(angle - side) * 0.12),
                tip,
                (0.5 + math.cos(angle + side) * 0.12, 0.38 + math.sin(angle + side) * 0.12),
            ],
            k.body if petal % 2 else k.light,
        )
    pen.circle(0.5, 0.38, 0.13, k.accent)
    pen.circle(0.48, 0.36, 0.07, mix(k.accent, (0, 0, 0), 0.3))


def tulip(pen: Pen, k: Tones) -> None:
    pen.stroke([(0.5, 0.4), (0.5, 1.0)], (60, 125, 55), 0.04)
    pen.poly(pen.curve([(0.5, 0.95), (0.3, 0.6), (0.45, 0.75)]) + [(0.5, 0.95)], (80, 150, 60))
    pen.poly(
        [(0.3, 0.12), (0.4, 0.22), (0.5, 0.08), (0.6, 0.22), (0.7, 0.12), (0.68, 0.36), (0.5, 0.46), (0.32, 0.36)],
        k.body,
    )
    pen.poly([(0.5, 0.08), (0.6, 0.22), (0.7, 0.12), (0.68, 0.36), (0.5, 0.46)], k.dark)


def mountain(pen: Pen, k: Tones) -> None:
    peak = pen.rng.uniform(0.4, 0.6)
    pen.poly([(0.0, 1.0), (peak, 0.0), (1.0, 1.0)], k.body)
    pen.poly([(peak, 0.0), (1.0, 1.0), (peak + 0.1, 1.0), (peak + 0.05, 0.5)], k.dark)
    pen.poly(
        [(peak, 0.0), (peak - 0.14, 0.3), (peak - 0.05, 0.26), (peak, 0.34), (peak + 0.07, 0.24), (peak + 0.12, 0.28)],
        k.pale,
    )


def volcano(pen: Pen, k: Tones) -> None:
    pen.poly([(0.0, 1.0), (0.38, 0.25), (0.62, 0.25), (1.0, 1.0)], k.body)
    pen.poly([(0.55, 0.25), (0.62, 0.25), (1.0, 1.0), (0.7, 1.0)], k.dark)
    pen.poly([(0.42, 0.25), (0.5, 0.45), (0.46, 0.6), (0.55, 0.4), (0.58, 0.25)], k.accent)
    for puff in range(4):
        pen.circle(0.5 + puff * 0.05, 0.18 - puff * 0.07, 0.06 + puff * 0.02, (120, 115, 120))


def island(pen: Pen, k: Tones) -> None:
    pen.oval(0.5, 0.86, 0.48, 0.1, k.accent)
    pen.poly(pen.curve([(0.08, 0.86), (0.3, 0.7), (0.6, 0.66), (0.92, 0.86)]), (220, 200, 150))
    palm(Pen(pen.layer, pen.left + pen.width * 0.32, pen.top, pen.width * 0.4, pen.height * 0.78, pen.rng), k)


def boulder(pen: Pen, k: Tones) -> None:
    pen.blob(0.5, 0.62, 0.46, 0.36, k.dark, lumps=4, wobble=0.1)
    pen.blob(0.45, 0.58, 0.38, 0.3, k.body, lumps=4, wobble=0.1)
    pen.blob(0.38, 0.48, 0.16, 0.1, k.light, lumps=3, wobble=0.1)


def waterfall(pen: Pen, k: Tones) -> None:
    pen.poly([(0.0, 0.0), (0.3, 0.0), (0.3, 1.0), (0.0, 1.0)], (110, 100, 95))
    pen.poly([(0.7, 0.0), (1.0, 0.0), (1.0, 1.0), (0.7, 1.0)], (95, 88, 84))
    pen.box(0.3, 0.0, 0.7, 1.0, k.body)
    for _ in range(26):
        u = pen.rng.uniform(0.32, 0.68)
        pen.stroke([(u, pen.rng.uniform(0, 0.3)), (u, pen.rng.uniform(0.5, 1.0))], k.pale, 0.01)
    pen.oval(0.5, 0.96, 0.34, 0.06, (250, 252, 255))


NATURE_MOTIFS = {
    "tree": Motif(tree, "forest green", "apricot", "ground", 0.85, 0.46),
    "pine": Motif(pine, "pine green", "snow white", "ground", 0.6, 0.46),
    "palm": Motif(palm, "grass green", "sand", "ground", 0.8, 0.5),
    "cypress": Motif(cypress, "bottle green", "olive", "ground", 0.32, 0.5),
    "bush": Motif(bush, "moss green", "rose pink", "ground", 1.6, 0.18),
    "cactus": Motif(cactus, "sea green", "hot pink", "ground", 0.7, 0.36),
    "mushroom": Motif(mushroom, "scarlet", "white", "ground", 1.0, 0.28),
    "flower": Motif(flower, "rose pink", "golden yellow", "free", 1.0, 0.4),
    "sunflower": Motif(sunflower, "golden yellow", "chocolate brown", "ground", 0.8, 0.5),
    "tulip": Motif(tulip, "crimson", "grass green", "ground", 0.5, 0.36),
    "mountain": Motif(mountain, "slate grey", "snow white", "ground", 1.6, 0.42),
    "volcano": Motif(volcano, "umber", "vermilion", "ground", 1.6, 0.4),
    "island": Motif(island, "grass green", "aqua", "water", 1.8, 0.3),
    "boulder": Motif(boulder, "stone grey", "moss green", "ground", 1.4, 0.2),
    "waterfall": Motif(waterfall, "sky blue", "white", "ground", 0.9, 0.5),
}
