"""What is seen in the sky: lights, weather, flying things and far-off worlds."""

from __future__ import annotations

import math

from .ink import mix
from .pen import Motif, Pen, Tones


def sun(pen: Pen, k: Tones) -> None:
    for ring, amount in ((0.5, 0.82), (0.42, 0.65), (0.34, 0.4)):
        pen.circle(0.5, 0.5, ring, mix(k.body, k.accent, amount))
    pen.circle(0.5, 0.5, 0.26, k.body)
    pen.circle(0.44, 0.44, 0.12, k.pale)
    if pen.rng.random() < 0.5:
        for ray in range(16):
            angle = ray * math.tau / 16
            pen.stroke(
                [
                    (0.5 + 0.3 * math.cos(angle), 0.5 + 0.3 * math.sin(angle)),
                    (0.5 + 0.48 * math.cos(angle), 0.5 + 0.48 * math.sin(angle)),
                ],
                k.light,
                0.02,
            )


def moon(pen: Pen, k: Tones) -> None:
    pen.circle(0.5, 0.5, 0.48, mix(k.body, k.accent, 0.75))
    pen.circle(0.5, 0.5, 0.36, k.body)
    for _ in range(4):
        pen.circle(pen.rng.uniform(0.36, 0.62), pen.rng.uniform(0.36, 0.64), pen.rng.uniform(0.03, 0.07), k.dark)
    if pen.rng.random() < 0.45:
        pen.circle(0.66, 0.42, 0.34, k.accent)


def stars(pen: Pen, k: Tones) -> None:
    for _ in range(70):
        u, v = pen.rng.random(), pen.rng.random() ** 1.3
        size = pen.rng.uniform(0.002, 0.007)
        tone = mix(k.body, (255, 255, 255), pen.rng.random())
        pen.circle(u, v, size, tone)
        if size > 0.006:
            pen.stroke([(u - size * 3, v), (u + size * 3, v)], tone, 0.003)
            pen.stroke([(u, v - size * 3 * pen.aspect), (u, v + size * 3 * pen.aspect)], tone, 0.003)


def planet(pen: Pen, k: Tones) -> None:
    pen.oval(0.5, 0.5, 0.48, 0.14, None, k.light, 0.03)
    pen.circle(0.5, 0.5, 0.3, k.body)
    for band in (0.38, 0.5, 0.6):
        pen.oval(0.5, band, 0.28, 0.035, k.dark)
    pen.circle(0.4, 0.4, 0.1, k.light)
    pen.arc(0.5, 0.5, 0.48, 0.14, 0, 180, k.pale, 0.03)


def clouds(pen: Pen, k: Tones) -> None:
    for u, v, r in ((0.3, 0.6, 0.2), (0.5, 0.45, 0.26), (0.7, 0.58, 0.2), (0.5, 0.66, 0.28)):
        pen.blob(u, v + 0.05, r, r * pen.aspect * 0.7, k.dark, lumps=5, wobble=0.08)
    for u, v, r in ((0.3, 0.55, 0.18), (0.5, 0.4, 0.24), (0.7, 0.53, 0.18)):
        pen.blob(u, v, r, r * pen.aspect * 0.7, k.body, lumps=5, wobble=0.08)
    pen.blob(0.45, 0.34, 0.12, 0.12 * pen.aspect * 0.6, k.pale, lumps=4, wobble=0.05)


def rainbow(pen: Pen, k: Tones) -> None:
    bands = [(225, 60, 60), (240, 150, 40), (245, 225, 70), (80, 180, 90), (60, 120, 220), (120, 70, 190)]
    for index, band in enumerate(bands):
        radius = 0.48 - index * 0.045
        pen.arc(0.5, 1.0, radius, radius * pen.aspect * 2, 180, 360, mix(band, k.body, 0.15), 0.05)


def lightning(pen: Pen, k: Tones) -> None:
    points, u = [(0.5, 0.0)], 0.5
    for step in range(1, 8):
        u += pen.rng.uniform(-0.18, 0.18)
        points.append((min(0.9, max(0.1, u)), step / 7))
    pen.stroke(points, k.pale, 0.05)
    pen.stroke(points, (255, 255, 240), 0.018)


def rain(pen: Pen, k: Tones) -> None:
    for _ in range(120):
        u, v = pen.rng.random(), pen.rng.random()
        pen.stroke([(u, v), (u - 0.02, v + 0.06)], k.light, 0.003)


def snow(pen: Pen, k: Tones) -> None:
    for _ in range(150):
        pen.circle(pen.rng.random(), pen.rng.random(), pen.rng.uniform(0.003, 0.008), k.pale)


def birds(pen: Pen, k: Tones) -> None:
    for _ in range(pen.rng.randint(3, 7)):
        u, v, s = pen.rng.uniform(0.1, 0.9), pen.rng.uniform(0.15, 0.85), pen.rng.uniform(0.05, 0.1)
        pen.stroke([(u - s, v - s * 0.5), (u - s * 0.4, v - s * 0.1), (u, v + s * 0.2)], k.body, 0.03)
        pen.stroke([(u, v + s * 0.2), (u + s * 0.4, v - s * 0.1), (u + s, v - s * 0.5)], k.body, 0.03)


def balloon(pen: Pen, k: Tones) -> None:
    pen.stroke([(0.36, 0.66), (0.44, 0.86)], k.deep, 0.012)
    pen.stroke([(0.64, 0.66), (0.56, 0.86)], k.deep, 0.012)
    pen.box(0.42, 0.84, 0.58, 0.97, (140, 95, 60), radius=0.02)
    pen.oval(0.5, 0.36, 0.36, 0.34, k.body)
    for gore in (-0.22, 0.0, 0.22):
        pen.oval(0.5 + gore * 0.6, 0.36, 0.06, 0.33, k.accent if gore == 0 else k.dark)
    pen.poly([(0.24, 0.5), (0.76, 0.5), (0.6, 0.68), (0.4, 0.68)], k.body)
    pen.oval(0.38, 0.22, 0.06, 0.07, k.pale)


def kite(pen: Pen, k: Tones) -> None:
    pen.poly([(0.5, 0.0), (0.85, 0.3), (0.5, 0.62), (0.15, 0.3)], k.body)
    pen.poly([(0.5, 0.0), (0.85, 0.3), (0.5, 0.3)], k.accent)
    pen.poly([(0.5, 0.3), (0.15, 0.3), (0.5, 0.62)], k.accent)
    tail = [(0.5, 0.62)] + [(0.5 + 0.08 * math.sin(i * 1.3), 0.62 + i * 0.06) for i in range(1, 7)]
    pen.stroke(tail, k.deep, 0.01)
    for u, v in tail[2::2]:
        pen.poly([(u - 0.04, v - 0.02), (u + 0.04, v + 0.02), (u + 0.04, v - 0.02), (u - 0.04, v + 0.02)], k.accent)


def comet(pen: Pen, k: Tones) -> None:
    for step in range(14):
        t = step / 13
        pen.circle(0.15 + 0.6 * t, 0.85 - 0.6 * t, 0.02 + 0.08 * t, mix(k.accent, k.pale, t))
    pen.circle(0.78, 0.22, 0.1, (255, 255, 245))


def galaxy(pen: Pen, k: Tones) -> None:
    pen.oval(0.5, 0.5, 0.46, 0.3, mix(k.body, k.accent, 0.7))
    for arm in range(2):
        for step in range(90):
            t = step / 90
            angle = arm * math.pi + t * 3.2 * math.pi
            u = 0.5 + math.cos(angle) * 0.45 * t + pen.rng.gauss(0, 0.012)
            v = 0.5 + math.sin(angle) * 0.28 * t + pen.rng.gauss(0, 0.012)
            pen.circle(u, v, 0.012 * (1.2 - t) + 0.004, mix(k.light, (255, 255, 255), pen.rng.random() * 0.6))
    pen.oval(0.5, 0.5, 0.09, 0.06, (255, 250, 235))


def aurora(pen: Pen, k: Tones) -> None:
    for curtain in range(4):
        base = 0.35 + curtain * 0.12
        phase = pen.rng.uniform(0, math.tau)
        top = [(i / 24, base - 0.25 + 0.08 * math.sin(i / 24 * 7 + phase)) for i in range(25)]
        bottom = [(u, v + 0.3) for u, v in reversed(top)]
        pen.poly(top + bottom, mix(k.body, k.accent, curtain / 4))


def airplane(pen: Pen, k: Tones) -> None:
    pen.oval(0.5, 0.5, 0.42, 0.09, k.body)
    pen.poly([(0.45, 0.5), (0.62, 0.5), (0.4, 0.95), (0.3, 0.95)], k.dark)
    pen.poly([(0.45, 0.5), (0.62, 0.5), (0.4, 0.08), (0.3, 0.08)], k.light)
    pen.poly([(0.1, 0.48), (0.18, 0.48), (0.1, 0.25), (0.05, 0.25)], k.accent)
    for window in range(6):
        pen.circle(0.55 + window * 0.05, 0.47, 0.012, k.deep)


SKY_MOTIFS = {
    "sun": Motif(sun, "golden yellow", "apricot", "sky", 1.0, 0.26),
    "moon": Motif(moon, "ivory", "midnight blue", "sky", 1.0, 0.2),
    "stars": Motif(stars, "white", "pale yellow", "field", 1.0, 0.6),
    "planet": Motif(planet, "amber", "periwinkle", "sky", 1.4, 0.26),
    "clouds": Motif(clouds, "snow white", "powder blue", "sky", 1.8, 0.2),
    "rainbow": Motif(rainbow, "white", "sky blue", "sky", 2.0, 0.42),
    "lightning": Motif(lightning, "pale yellow", "white", "sky", 0.4, 0.5),
    "rain": Motif(rain, "powder blue", "white", "field", 1.0, 1.0),
    "snow": Motif(snow, "snow white", "white", "field", 1.0, 1.0),
    "birds": Motif(birds, "charcoal", "black", "sky", 1.8, 0.18),
    "balloon": Motif(balloon, "scarlet", "golden yellow", "sky", 0.75, 0.34),
    "kite": Motif(kite, "vermilion", "canary yellow", "sky", 0.6, 0.36),
    "comet": Motif(comet, "ice blue", "cornflower blue", "sky", 1.3, 0.28),
    "galaxy": Motif(galaxy, "lavender", "indigo", "sky", 1.4, 0.46),
    "aurora": Motif(aurora, "spring green", "violet", "sky", 2.4, 0.4),
    "airplane": Motif(airplane, "silver", "scarlet", "sky", 1.8, 0.16),
}
