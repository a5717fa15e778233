"""Living things: animals, people and faces, drawn as soft rounded silhouettes with a few
telling details (ears, eyes, a tail), the way picture books draw them."""

from __future__ import annotations

from .ink import mix, shade_of
from .pen import Motif, Pen, Tones

EYE_WHITE = (248, 246, 240)
PUPIL = (20, 18, 22)


def _eye(pen: Pen, u: float, v: float, r: float, iris) -> None:
    pen.oval(u, v, r, r * 0.7 * pen.aspect, EYE_WHITE)
    pen.circle(u, v, r * 0.62, iris)
    pen.circle(u, v, r * 0.3, PUPIL)
    pen.circle(u - r * 0.2, v - r * 0.25, r * 0.12, (255, 255, 255))


def _legs(pen: Pen, k: Tones, spots: list[float], top: float, width: float = 0.05) -> None:
    for u in spots:
        pen.box(u, top, u + width, 1.0, k.dark if spots.index(u) % 2 else k.body, radius=0.02)


def cat(pen: Pen, k: Tones) -> None:
    pen.stroke(pen.curve([(0.7, 0.9), (0.92, 0.8), (0.95, 0.55), (0.86, 0.45)]), k.dark, 0.06)
    pen.oval(0.52, 0.72, 0.3, 0.26, k.body)
    pen.oval(0.5, 0.36, 0.24, 0.2, k.body)
    for side in (-1, 1):
        pen.poly([(0.5 + side * 0.22, 0.3), (0.5 + side * 0.2, 0.08), (0.5 + side * 0.06, 0.2)], k.body)
        pen.poly([(0.5 + side * 0.18, 0.26), (0.5 + side * 0.17, 0.13), (0.5 + side * 0.09, 0.21)], k.accent)
    for stripe in range(3):
        pen.stroke([(0.5 - 0.06 + stripe * 0.06, 0.18), (0.5 - 0.04 + stripe * 0.04, 0.25)], k.dark, 0.012)
    for side in (-1, 1):
        _eye(pen, 0.5 + side * 0.09, 0.35, 0.05, (120, 170, 60))
        pen.stroke([(0.5 + side * 0.05, 0.45), (0.5 + side * 0.26, 0.42 + side * 0.0)], k.pale, 0.005)
    pen.poly([(0.47, 0.42), (0.53, 0.42), (0.5, 0.45)], k.accent)
    pen.oval(0.4, 0.95, 0.07, 0.04, k.light)
    pen.oval(0.6, 0.95, 0.07, 0.04, k.light)


def dog(pen: Pen, k: Tones) -> None:
    pen.oval(0.5, 0.6, 0.34, 0.2, k.body)
    _legs(pen, k, [0.22, 0.32, 0.62, 0.72], 0.62, 0.07)
    pen.stroke([(0.82, 0.52), (0.95, 0.32)], k.body, 0.05)
    pen.oval(0.2, 0.36, 0.16, 0.15, k.body)
    pen.oval(0.08, 0.42, 0.08, 0.06, k.light)
    pen.circle(0.02, 0.4, 0.025, PUPIL)
    pen.oval(0.3, 0.38, 0.06, 0.14, k.dark)
    pen.circle(0.17, 0.31, 0.025, PUPIL)
    pen.box(0.3, 0.47, 0.36, 0.52, k.accent)


def horse(pen: Pen, k: Tones) -> None:
    pen.oval(0.5, 0.48, 0.3, 0.16, k.body)
    _legs(pen, k, [0.26, 0.34, 0.62, 0.7], 0.52, 0.05)
    pen.poly([(0.72, 0.44), (0.8, 0.15), (0.9, 0.12), (0.98, 0.26), (0.9, 0.3), (0.84, 0.5)], k.body)
    pen.poly([(0.74, 0.4), (0.78, 0.14), (0.84, 0.14), (0.8, 0.42)], k.deep)
    pen.stroke(pen.curve([(0.2, 0.42), (0.1, 0.5), (0.08, 0.7)]), k.deep, 0.05)
    pen.circle(0.9, 0.19, 0.015, PUPIL)


def deer(pen: Pen, k: Tones) -> None:
    pen.oval(0.45, 0.55, 0.26, 0.14, k.body)
    _legs(pen, k, [0.25, 0.32, 0.56, 0.63], 0.6, 0.04)
    pen.poly([(0.62, 0.5), (0.7, 0.26), (0.8, 0.28), (0.72, 0.55)], k.body)
    pen.oval(0.78, 0.26, 0.08, 0.06, k.body)
    for side in (-1, 1):
        pen.stroke([(0.76, 0.2), (0.76 + side * 0.1, 0.02), (0.76 + side * 0.16, 0.0)], k.deep, 0.015)
        pen.stroke([(0.76 + side * 0.06, 0.1), (0.76 + side * 0.13, 0.08)], k.deep, 0.012)
    for _ in range(6):
        pen.circle(pen.rng.uniform(0.3, 0.6), pen.rng.uniform(0.48, 0.58), 0.012, k.pale)
    pen.circle(0.81, 0.25, 0.012, PUPIL)


def fox(pen: Pen, k: Tones) -> None:
    pen.poly(pen.curve([(0.3, 0.75), (0.1, 0.7), (0.02, 0.5), (0.1, 0.42), (0.25, 0.6)]), k.body)
    pen.circle(0.05, 0.48, 0.04, (245, 245, 240))
    pen.oval(0.5, 0.68, 0.24, 0.2, k.body)
    pen.oval(0.52, 0.74, 0.12, 0.16, (245, 240, 230))
    pen.poly([(0.38, 0.45), (0.4, 0.12), (0.5, 0.3), (0.6, 0.12), (0.62, 0.45), (0.5, 0.6)], k.body)
    pen.poly([(0.42, 0.42), (0.5, 0.6), (0.58, 0.42), (0.5, 0.5)], (245, 240, 230))
    pen.circle(0.5, 0.59, 0.02, PUPIL)
    for side in (-1, 1):
        pen.circle(0.5 + side * 0.05, 0.4, 0.015, PUPIL)


def owl(pen: Pen, k: Tones) -> None:
    pen.oval(0.5, 0.58, 0.36, 0.4, k.body)
    pen.oval(0.5, 0.68, 0.22, 0.26, k.pale)
    for row in range(3):
        for column in range(3):
            pen.arc(0.38 + column * 0.12, 0.58 + row * 0.09, 0.04, 0.02, 0, 180, k.dark, 0.01)
    for side in (-1, 1):
        pen.poly([(0.5 + side * 0.3, 0.3), (0.5 + side * 0.34, 0.1), (0.5 + side * 0.16, 0.22)], k.body)
        pen.circle(0.5 + side * 0.14, 0.34, 0.12, k.light)
        _eye(pen, 0.5 + side * 0.14, 0.34, 0.09, (240, 170, 30))
    pen.poly([(0.46, 0.42), (0.54, 0.42), (0.5, 0.5)], (230, 160, 40))
    pen.box(0.36, 0.96, 0.64, 1.0, (110, 80, 50))


def rabbit(pen: Pen, k: Tones) -> None:
    pen.oval(0.5, 0.72, 0.3, 0.26, k.body)
    pen.circle(0.78, 0.78, 0.08, k.pale)
    pen.oval(0.38, 0.46, 0.18, 0.16, k.body)
    for side in (-1, 1):
        pen.oval(0.36 + side * 0.07, 0.18, 0.05, 0.18, k.body)
        pen.oval(0.36 + side * 0.07, 0.2, 0.025, 0.13, k.accent)
    pen.circle(0.3, 0.44, 0.025, PUPIL)
    pen.circle(0.22, 0.5, 0.018, k.accent)


def fish(pen: Pen, k: Tones) -> None:
    pen.poly([(0.2, 0.5), (0.02, 0.2), (0.06, 0.5), (0.02, 0.8)], k.dark)
    pen.oval(0.55, 0.5, 0.4, 0.3, k.body)
    for row in range(3):
        for column in range(4):
            pen.arc(0.4 + column * 0.1, 0.38 + row * 0.12, 0.05, 0.06, 270, 90, k.dark, 0.015)
    pen.poly([(0.5, 0.22), (0.62, 0.02), (0.72, 0.24)], k.accent)
    _eye(pen, 0.8, 0.44, 0.05, k.accent)


def whale(pen: Pen, k: Tones) -> None:
    pen.poly(pen.curve([(0.02, 0.3), (0.12, 0.45), (0.2, 0.5)]) + [(0.2, 0.55), (0.0, 0.55)], k.body)
    pen.oval(0.55, 0.6, 0.42, 0.28, k.body)
    pen.oval(0.6, 0.72, 0.34, 0.14, k.pale)
    pen.circle(0.82, 0.55, 0.02, PUPIL)
    for spout in (-0.06, 0.0, 0.06):
        pen.stroke([(0.6, 0.32), (0.6 + spout, 0.05)], (220, 235, 250), 0.02)


def swan(pen: Pen, k: Tones) -> None:
    pen.oval(0.5, 0.75, 0.38, 0.18, k.body)
    pen.poly(pen.curve([(0.2, 0.62), (0.5, 0.55), (0.85, 0.65), (0.6, 0.78)]), k.pale)
    pen.stroke(pen.curve([(0.22, 0.7), (0.18, 0.45), (0.26, 0.2), (0.34, 0.18)]), k.body, 0.06)
    pen.poly([(0.34, 0.16), (0.46, 0.2), (0.34, 0.22)], (240, 140, 40))
    pen.circle(0.3, 0.17, 0.012, PUPIL)


def butterfly(pen: Pen, k: Tones) -> None:
    for side in (-1, 1):
        pen.oval(0.5 + side * 0.24, 0.32, 0.22, 0.26, k.body)
        pen.oval(0.5 + side * 0.2, 0.7, 0.15, 0.18, k.dark)
        pen.circle(0.5 + side * 0.26, 0.3, 0.07, k.accent)
        pen.circle(0.5 + side * 0.2, 0.72, 0.05, k.pale)
    pen.oval(0.5, 0.5, 0.03, 0.32, PUPIL)
    for side in (-1, 1):
        pen.stroke([(0.5, 0.2), (0.5 + side * 0.1, 0.02)], PUPIL, 0.01)


def elephant(pen: Pen, k: Tones) -> None:
    pen.oval(0.52, 0.5, 0.32, 0.24, k.body)
    _legs(pen, k, [0.28, 0.4, 0.6, 0.72], 0.6, 0.09)
    pen.circle(0.22, 0.4, 0.16, k.body)
    pen.oval(0.32, 0.4, 0.12, 0.18, k.dark)
    pen.stroke(pen.curve([(0.12, 0.45), (0.08, 0.7), (0.14, 0.86)]), k.body, 0.07)
    pen.circle(0.17, 0.35, 0.015, PUPIL)
    pen.poly([(0.12, 0.52), (0.04, 0.6), (0.12, 0.58)], (245, 240, 225))


def figure(pen: Pen, k: Tones) -> None:
    pen.circle(0.5, 0.1, 0.13, mix(k.accent, (230, 190, 160), 0.5))
    pen.oval(0.5, 0.06, 0.14, 0.05, k.deep)
    pen.poly([(0.3, 0.2), (0.7, 0.2), (0.8, 0.62), (0.2, 0.62)], k.body)
    pen.poly([(0.5, 0.2), (0.7, 0.2), (0.8, 0.62), (0.55, 0.62)], k.dark)
    pen.box(0.32, 0.6, 0.46, 1.0, k.deep)
    pen.box(0.54, 0.6, 0.68, 1.0, k.deep)
    lean = pen.rng.choice([-1, 1])
    pen.stroke([(0.5 + lean * 0.22, 0.25), (0.5 + lean * 0.3, 0.55)], k.body, 0.05)
    pen.stroke([(0.5 - lean * 0.22, 0.25), (0.5 - lean * 0.36, 0.45)], k.body, 0.05)


def face(pen: Pen, k: Tones) -> None:
    """A face filling its box: hair framing an oval, eyes in the accent colour."""
    hair = shade_of(k.body, -0.5)
    pen.oval(0.5, 0.46, 0.47, 0.46, hair)
    pen.oval(0.5, 0.56, 0.36, 0.42, k.body)
    pen.oval(0.5, 0.26, 0.38, 0.16, hair)
    for side in (-1, 1):
        pen.oval(0.5 + side * 0.37, 0.56, 0.05, 0.08, k.dark)
        _eye(pen, 0.5 + side * 0.14, 0.52, 0.07, k.accent)
        pen.stroke([(0.5 + side * 0.2, 0.42), (0.5 + side * 0.08, 0.41)], hair, 0.015)
        pen.circle(0.5 + side * 0.2, 0.68, 0.05, mix(k.body, (220, 90, 90), 0.3))
    pen.stroke([(0.5, 0.55), (0.47, 0.67), (0.52, 0.68)], k.dark, 0.012)
    pen.arc(0.5, 0.72, 0.1, 0.05, 20, 160, (170, 70, 70), 0.02)


def astronaut(pen: Pen, k: Tones) -> None:
    pen.box(0.2, 0.45, 0.8, 1.0, k.body, radius=0.12)
    pen.box(0.36, 0.55, 0.64, 0.75, k.light, radius=0.03)
    for u, tone in ((0.4, (210, 40, 40)), (0.5, (40, 80, 200)), (0.6, (240, 200, 40))):
        pen.circle(u, 0.65, 0.025, tone)
    pen.circle(0.5, 0.3, 0.3, k.body)
    pen.circle(0.5, 0.32, 0.22, k.accent)
    pen.oval(0.5, 0.34, 0.15, 0.16, (230, 190, 160))
    for side in (-1, 1):
        pen.circle(0.5 + side * 0.06, 0.32, 0.02, PUPIL)
    pen.arc(0.5, 0.38, 0.06, 0.04, 20, 160, (160, 70, 70), 0.012)
    pen.oval(0.42, 0.2, 0.06, 0.03, (255, 255, 255))


LIFE_MOTIFS = {
    "cat": Motif(cat, "copper", "shell pink", "ground", 0.9, 0.4),
    "dog": Motif(dog, "tan", "crimson", "ground", 1.4, 0.28),
    "horse": Motif(horse, "chestnut", "coffee", "ground", 1.3, 0.36),
    "deer": Motif(deer, "camel", "bone", "ground", 1.1, 0.36),
    "fox": Motif(fox, "burnt orange", "ivory", "ground", 1.2, 0.3),
    "owl": Motif(owl, "sepia", "amber", "free", 0.8, 0.36),
    "rabbit": Motif(rabbit, "dove grey", "blush pink", "ground", 0.9, 0.24),
    "fish": Motif(fish, "tangerine", "golden yellow", "free", 1.6, 0.2),
    "whale": Motif(whale, "slate blue", "ice blue", "water", 1.8, 0.3),
    "swan": Motif(swan, "snow white", "pearl grey", "water", 1.2, 0.26),
    "butterfly": Motif(butterfly, "cornflower blue", "amber", "free", 1.1, 0.24),
    "elephant": Motif(elephant, "dove grey", "ivory", "ground", 1.3, 0.36),
    "figure": Motif(figure, "cobalt", "peach", "ground", 0.4, 0.34),
    "face": Motif(face, "peach", "sea green", "free", 0.85, 0.62),
    "astronaut": Motif(astronaut, "white", "navy", "free", 0.85, 0.62),
}
