"""Vehicles and objects: boats and rockets, cups and lamps, clocks and guitars."""

from __future__ import annotations

import math

from .ink import mix
from .pen import Motif, Pen, Tones

STEAM = (235, 235, 240)
METAL = (70, 72, 80)


def _wheel(pen: Pen, u: float, v: float, r: float, hub) -> None:
    pen.circle(u, v, r, METAL)
    pen.circle(u, v, r * 0.55, hub)
    pen.circle(u, v, r * 0.2, METAL)


def boat(pen: Pen, k: Tones) -> None:
    pen.poly(pen.curve([(0.02, 0.55), (0.2, 0.9), (0.8, 0.9), (0.98, 0.55)]), k.body)
    pen.box(0.02, 0.52, 0.98, 0.6, k.accent)
    pen.box(0.35, 0.3, 0.65, 0.55, (240, 236, 225))
    pen.box(0.4, 0.36, 0.6, 0.44, (120, 160, 200))


def sailboat(pen: Pen, k: Tones) -> None:
    pen.poly(pen.curve([(0.05, 0.78), (0.25, 0.97), (0.75, 0.97), (0.95, 0.78)]), k.body)
    pen.stroke([(0.5, 0.8), (0.5, 0.02)], METAL, 0.012)
    pen.poly([(0.52, 0.04), (0.52, 0.74), (0.92, 0.74)], (248, 246, 238))
    pen.poly([(0.48, 0.1), (0.48, 0.74), (0.14, 0.74)], k.accent)
    pen.poly([(0.52, 0.04), (0.62, 0.07), (0.52, 0.1)], k.accent)


def ship(pen: Pen, k: Tones) -> None:
    pen.poly([(0.0, 0.55), (1.0, 0.55), (0.9, 0.9), (0.06, 0.9)], k.body)
    pen.box(0.0, 0.78, 1.0, 0.9, k.accent)
    pen.box(0.2, 0.35, 0.75, 0.55, (240, 240, 235))
    for index in range(7):
        pen.circle(0.25 + index * 0.075, 0.45, 0.015, (90, 120, 160))
    for u in (0.35, 0.55):
        pen.box(u, 0.12, u + 0.08, 0.35, k.accent)
        pen.circle(u + 0.06, 0.06, 0.05, STEAM)


def car(pen: Pen, k: Tones) -> None:
    pen.poly(
        pen.curve(
            [(0.02, 0.78), (0.05, 0.5), (0.28, 0.45), (0.38, 0.2), (0.7, 0.2), (0.82, 0.46), (0.97, 0.52), (0.98, 0.78)]
        ),
        k.body,
    )
    pen.poly([(0.4, 0.26), (0.54, 0.26), (0.54, 0.45), (0.33, 0.45)], (170, 205, 230))
    pen.poly([(0.58, 0.26), (0.68, 0.26), (0.77, 0.45), (0.58, 0.45)], (170, 205, 230))
    pen.box(0.02, 0.62, 0.98, 0.66, k.dark)
    pen.circle(0.95, 0.56, 0.025, (255, 240, 180))
    for u in (0.24, 0.78):
        _wheel(pen, u, 0.8, 0.1, (200, 200, 205))


def bicycle(pen: Pen, k: Tones) -> None:
    for u in (0.22, 0.78):
        pen.circle(u, 0.7, 0.2, None, METAL, 0.03)
    frame = [(0.22, 0.7), (0.45, 0.7), (0.7, 0.38), (0.4, 0.38), (0.22, 0.7)]
    pen.stroke(frame, k.body, 0.035)
    pen.stroke([(0.45, 0.7), (0.36, 0.28)], k.body, 0.035)
    pen.stroke([(0.7, 0.38), (0.78, 0.7)], k.body, 0.035)
    pen.stroke([(0.3, 0.27), (0.42, 0.27)], METAL, 0.04)
    pen.stroke([(0.66, 0.3), (0.76, 0.24)], METAL, 0.03)


def motorcycle(pen: Pen, k: Tones) -> None:
    for u in (0.2, 0.8):
        _wheel(pen, u, 0.72, 0.18, (160, 160, 170))
    pen.poly(pen.curve([(0.25, 0.62), (0.35, 0.4), (0.62, 0.36), (0.78, 0.55)]), k.body)
    pen.oval(0.48, 0.42, 0.18, 0.1, k.body)
    pen.oval(0.44, 0.38, 0.08, 0.04, k.light)
    pen.box(0.3, 0.33, 0.5, 0.38, (35, 30, 30), radius=0.02)
    pen.stroke([(0.7, 0.4), (0.8, 0.72)], METAL, 0.03)
    pen.stroke([(0.66, 0.3), (0.76, 0.26)], METAL, 0.03)
    pen.box(0.38, 0.55, 0.6, 0.66, METAL, radius=0.03)
    pen.stroke([(0.35, 0.66), (0.05, 0.62)], (190, 190, 195), 0.03)


def train(pen: Pen, k: Tones) -> None:
    pen.box(0.05, 0.3, 0.7, 0.8, k.body, radius=0.03)
    pen.box(0.7, 0.1, 0.95, 0.8, k.dark)
    pen.box(0.75, 0.18, 0.9, 0.38, (250, 220, 140))
    pen.box(0.15, 0.12, 0.25, 0.3, METAL)
    pen.circle(0.2, 0.05, 0.07, STEAM)
    pen.box(0.0, 0.7, 1.0, 0.76, k.accent)
    for u in (0.18, 0.4, 0.62, 0.85):
        _wheel(pen, u, 0.86, 0.09, k.accent)


def rocket(pen: Pen, k: Tones) -> None:
    for flame, tone in ((0.2, (250, 150, 40)), (0.13, (255, 220, 90)), (0.06, (255, 250, 220))):
        pen.poly([(0.5 - flame, 0.84), (0.5, 0.84 + flame * 1.1), (0.5 + flame, 0.84)], tone)
    pen.poly([(0.3, 0.62), (0.18, 0.88), (0.36, 0.84)], k.accent)
    pen.poly([(0.7, 0.62), (0.82, 0.88), (0.64, 0.84)], k.accent)
    pen.poly(pen.curve([(0.36, 0.86), (0.34, 0.4), (0.5, 0.02), (0.66, 0.4), (0.64, 0.86)]), k.body)
    pen.poly([(0.5, 0.02), (0.66, 0.4), (0.64, 0.86), (0.54, 0.86)], k.dark)
    pen.circle(0.5, 0.38, 0.07, (120, 180, 230), k.dark, 0.01)
    pen.box(0.4, 0.18, 0.6, 0.22, k.accent)


def cup(pen: Pen, k: Tones) -> None:
    pen.oval(0.5, 0.9, 0.48, 0.08, k.accent)
    pen.oval(0.5, 0.88, 0.36, 0.05, mix(k.accent, (255, 255, 255), 0.3))
    pen.arc(0.84, 0.5, 0.12, 0.14, 270, 90, k.body, 0.06)
    pen.poly(pen.curve([(0.14, 0.28), (0.18, 0.7), (0.32, 0.86), (0.68, 0.86), (0.82, 0.7), (0.86, 0.28)]), k.body)
    pen.oval(0.5, 0.28, 0.36, 0.07, k.dark)
    pen.oval(0.5, 0.3, 0.32, 0.05, (110, 70, 40))
    pen.oval(0.46, 0.29, 0.12, 0.02, (200, 160, 110))
    for wisp in (0.4, 0.55):
        pen.stroke(
            pen.curve([(wisp, 0.2), (wisp - 0.05, 0.12), (wisp + 0.03, 0.05), (wisp - 0.02, -0.02)]), STEAM, 0.015
        )


def teapot(pen: Pen, k: Tones) -> None:
    pen.poly([(0.75, 0.55), (0.98, 0.25), (0.9, 0.24), (0.7, 0.45)], k.body)
    pen.arc(0.18, 0.55, 0.14, 0.18, 90, 270, k.body, 0.06)
    pen.oval(0.5, 0.6, 0.34, 0.3, k.body)
    pen.oval(0.5, 0.34, 0.2, 0.06, k.dark)
    pen.circle(0.5, 0.26, 0.05, k.accent)
    pen.oval(0.5, 0.62, 0.3, 0.05, k.accent)


def vase(pen: Pen, k: Tones) -> None:
    pen.poly(
        pen.curve(
            [
                (0.38, 0.05),
                (0.36, 0.25),
                (0.14, 0.55),
                (0.28, 0.95),
                (0.72, 0.95),
                (0.86, 0.55),
                (0.64, 0.25),
                (0.62, 0.05),
            ]
        ),
        k.body,
    )
    pen.oval(0.5, 0.05, 0.13, 0.03, k.deep)
    pen.box(0.18, 0.55, 0.82, 0.62, k.accent)
    for stem, angle in ((0.42, -0.6), (0.5, 0.0), (0.58, 0.6)):
        pen.stroke([(stem, 0.05), (stem + angle * 0.2, -0.15)], (70, 120, 60), 0.012)


def bottle(pen: Pen, k: Tones) -> None:
    pen.poly(
        pen.curve(
            [(0.42, 0.0), (0.42, 0.25), (0.26, 0.4), (0.26, 1.0), (0.74, 1.0), (0.74, 0.4), (0.58, 0.25), (0.58, 0.0)]
        ),
        k.body,
    )
    pen.box(0.3, 0.55, 0.7, 0.8, k.accent)
    pen.box(0.3, 0.42, 0.36, 0.95, k.light)
    pen.box(0.4, -0.02, 0.6, 0.06, METAL)


def bowl(pen: Pen, k: Tones) -> None:
    for u, tone in ((0.3, (210, 40, 40)), (0.5, (240, 170, 40)), (0.7, (120, 170, 50)), (0.42, (150, 40, 90))):
        pen.circle(u, 0.42, 0.14, tone)
    pen.poly(pen.curve([(0.02, 0.45), (0.15, 0.85), (0.5, 0.95), (0.85, 0.85), (0.98, 0.45)]), k.body)
    pen.box(0.02, 0.44, 0.98, 0.5, k.dark)


def apple(pen: Pen, k: Tones) -> None:
    pen.circle(0.38, 0.58, 0.3, k.body)
    pen.circle(0.62, 0.58, 0.3, k.body)
    pen.circle(0.36, 0.45, 0.08, k.pale)
    pen.stroke([(0.5, 0.34), (0.54, 0.1)], (100, 70, 40), 0.03)
    pen.poly(pen.curve([(0.54, 0.2), (0.72, 0.08), (0.86, 0.14), (0.66, 0.24), (0.54, 0.2)]), (80, 150, 60))


def lamp(pen: Pen, k: Tones) -> None:
    pen.circle(0.5, 0.3, 0.48, mix((255, 235, 170), (255, 255, 255), 0.4))
    pen.oval(0.5, 0.96, 0.26, 0.04, k.dark)
    pen.box(0.47, 0.45, 0.53, 0.96, k.dark)
    pen.poly([(0.3, 0.12), (0.7, 0.12), (0.84, 0.45), (0.16, 0.45)], k.body)
    pen.oval(0.5, 0.45, 0.34, 0.04, (255, 240, 190))


def candle(pen: Pen, k: Tones) -> None:
    pen.circle(0.5, 0.18, 0.4, mix((255, 210, 120), (255, 255, 255), 0.3))
    pen.oval(0.5, 0.95, 0.4, 0.05, k.dark)
    pen.box(0.36, 0.3, 0.64, 0.95, k.body)
    pen.oval(0.5, 0.3, 0.14, 0.03, k.pale)
    pen.stroke([(0.5, 0.3), (0.5, 0.24)], (40, 30, 30), 0.01)
    pen.poly(pen.curve([(0.5, 0.26), (0.44, 0.18), (0.5, 0.06), (0.56, 0.18), (0.5, 0.26)]), (255, 200, 70))


def clock(pen: Pen, k: Tones) -> None:
    pen.circle(0.5, 0.5, 0.48, k.dark)
    pen.circle(0.5, 0.5, 0.42, k.body)
    for tick in range(12):
        angle = tick * math.tau / 12
        pen.stroke(
            [
                (0.5 + 0.34 * math.cos(angle), 0.5 + 0.34 * math.sin(angle)),
                (0.5 + 0.39 * math.cos(angle), 0.5 + 0.39 * math.sin(angle)),
            ],
            k.deep,
            0.02,
        )
    for length, angle in ((0.22, pen.rng.uniform(0, math.tau)), (0.32, pen.rng.uniform(0, math.tau))):
        pen.stroke([(0.5, 0.5), (0.5 + length * math.cos(angle), 0.5 + length * math.sin(angle))], k.deep, 0.03)
    pen.circle(0.5, 0.5, 0.03, k.accent)


def book(pen: Pen, k: Tones) -> None:
    pen.poly([(0.05, 0.3), (0.5, 0.4), (0.95, 0.3), (0.95, 0.85), (0.5, 0.95), (0.05, 0.85)], k.body)
    pen.poly([(0.09, 0.3), (0.5, 0.38), (0.5, 0.9), (0.09, 0.82)], (248, 244, 232))
    pen.poly([(0.91, 0.3), (0.5, 0.38), (0.5, 0.9), (0.91, 0.82)], (238, 232, 218))
    for row in range(6):
        v = 0.45 + row * 0.06
        pen.stroke([(0.14, v - 0.04), (0.45, v + 0.02)], (150, 145, 140), 0.006)
        pen.stroke([(0.55, v + 0.02), (0.86, v - 0.04)], (150, 145, 140), 0.006)


def chair(pen: Pen, k: Tones) -> None:
    pen.box(0.2, 0.0, 0.3, 1.0, k.dark)
    pen.box(0.2, 0.05, 0.8, 0.12, k.body)
    pen.box(0.2, 0.22, 0.8, 0.28, k.body)
    pen.box(0.15, 0.5, 0.85, 0.58, k.body)
    for u in (0.18, 0.76):
        pen.box(u, 0.58, u + 0.06, 1.0, k.dark)
    pen.box(0.7, 0.0, 0.8, 0.58, k.dark)


def umbrella(pen: Pen, k: Tones) -> None:
    pen.stroke([(0.5, 0.3), (0.5, 0.92)], METAL, 0.02)
    pen.arc(0.42, 0.92, 0.08, 0.06, 0, 180, METAL, 0.02)
    canopy = pen.curve([(0.02, 0.42), (0.2, 0.12), (0.5, 0.04), (0.8, 0.12), (0.98, 0.42)])
    pen.poly(canopy, k.body)
    for panel in range(4):
        u0 = 0.02 + panel * 0.24
        pen.poly([(0.5, 0.05), (u0, 0.42), (u0 + 0.24, 0.42)], k.body if panel % 2 else k.accent)


def guitar(pen: Pen, k: Tones) -> None:
    pen.box(0.46, 0.0, 0.54, 0.5, (90, 60, 40))
    pen.circle(0.5, 0.58, 0.2, k.body)
    pen.circle(0.5, 0.8, 0.26, k.body)
    pen.circle(0.5, 0.62, 0.07, k.deep)
    pen.box(0.4, 0.84, 0.6, 0.88, k.deep)
    for string in (0.475, 0.49, 0.51, 0.525):
        pen.stroke([(string, 0.02), (string, 0.86)], (235, 230, 210), 0.003)


def bell(pen: Pen, k: Tones) -> None:
    pen.poly(
        pen.curve([(0.1, 0.85), (0.22, 0.6), (0.26, 0.25), (0.5, 0.1), (0.74, 0.25), (0.78, 0.6), (0.9, 0.85)]), k.body
    )
    pen.box(0.08, 0.82, 0.92, 0.9, k.dark)
    pen.circle(0.5, 0.93, 0.07, k.deep)
    pen.arc(0.5, 0.1, 0.08, 0.08, 180, 360, k.dark, 0.03)


THING_MOTIFS = {
    "boat": Motif(boat, "cerulean", "white", "water", 1.8, 0.16),
    "sailboat": Motif(sailboat, "navy", "scarlet", "water", 0.9, 0.34),
    "ship": Motif(ship, "charcoal", "crimson", "water", 2.2, 0.24),
    "car": Motif(car, "cherry red", "silver", "ground", 2.2, 0.18),
    "bicycle": Motif(bicycle, "teal", "black", "ground", 1.6, 0.2),
    "motorcycle": Motif(motorcycle, "crimson", "charcoal", "ground", 1.6, 0.28),
    "train": Motif(train, "bottle green", "crimson", "ground", 2.4, 0.2),
    "rocket": Motif(rocket, "white", "scarlet", "ground", 0.5, 0.62),
    "cup": Motif(cup, "ivory", "cardinal red", "free", 1.2, 0.34),
    "teapot": Motif(teapot, "cobalt", "white", "free", 1.3, 0.3),
    "vase": Motif(vase, "cerulean", "gold", "free", 0.6, 0.4),
    "bottle": Motif(bottle, "bottle green", "cream", "free", 0.4, 0.42),
    "bowl": Motif(bowl, "terracotta", "cream", "free", 1.6, 0.24),
    "apple": Motif(apple, "cherry red", "grass green", "free", 1.0, 0.22),
    "lamp": Motif(lamp, "mustard", "charcoal", "free", 0.7, 0.4),
    "candle": Motif(candle, "ivory", "gold", "free", 0.5, 0.34),
    "clock": Motif(clock, "ivory", "gold", "free", 1.0, 0.3),
    "book": Motif(book, "burgundy", "cream", "free", 1.5, 0.22),
    "chair": Motif(chair, "walnut brown", "ochre", "ground", 0.75, 0.3),
    "umbrella": Motif(umbrella, "cherry red", "navy", "free", 1.1, 0.34),
    "guitar": Motif(guitar, "honey", "chocolate brown", "free", 0.45, 0.5),
    "bell": Motif(bell, "gold", "bronze", "free", 0.9, 0.3),
}
