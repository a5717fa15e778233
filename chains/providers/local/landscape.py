"""The setting behind the subject: sky or wall, far ridges, ground, water and side masses.

Broad colour fields are computed with numpy on a small grid and enlarged (a gradient
has no detail worth paying 1024x1024 pixels for); silhouettes and texture strokes
(grass blades, ripples, leaf dabs, windows) are drawn in supersampled layers. Far
things are hazed toward the air's colour, which is what makes the depth read.
"""

from __future__ import annotations

import math

import numpy as np
from PIL import Image

from .ink import RGB, Painting, darker, fill_shape, lighter, mix, ridge, shade_of
from .pen import Pen, Tones

FIELD_SIZE = 128
PLACE_CENTRES = {
    "top": (0.5, 0.12),
    "bottom": (0.5, 0.88),
    "left": (0.12, 0.5),
    "right": (0.88, 0.5),
    "upper left": (0.16, 0.16),
    "upper right": (0.84, 0.16),
    "lower left": (0.16, 0.84),
    "lower right": (0.84, 0.84),
    "centre": (0.5, 0.5),
    "background": (0.5, 0.4),
    "horizon": (0.5, 0.55),
}


def colour_field(top: RGB, bottom: RGB, *, horizon: float, curve: float = 1.0) -> np.ndarray:
    """A vertical gradient from `top` down to `bottom` at the horizon, float RGB on a small grid."""
    rows = np.linspace(0.0, 1.0, FIELD_SIZE, dtype=np.float32)
    t = np.clip(rows / max(horizon, 0.05), 0.0, 1.0) ** curve
    column = np.asarray(top, np.float32) * (1 - t[:, None]) + np.asarray(bottom, np.float32) * t[:, None]
    return np.repeat(column[:, None, :], FIELD_SIZE, axis=1)


def glow(field: np.ndarray, colour: RGB, cx: float, cy: float, radius: float, strength: float) -> None:
    """A soft radial light (a low sun, a lamp) added into the field in place."""
    axis = (np.arange(FIELD_SIZE, dtype=np.float32) + 0.5) / FIELD_SIZE
    distance = np.sqrt((axis[None, :] - cx) ** 2 + (axis[:, None] - cy) ** 2)
    alpha = (strength * np.clip(1.0 - distance / radius, 0.0, 1.0) ** 2)[..., None]
    field *= 1.0 - alpha
    field += alpha * np.asarray(colour, np.float32)


def wash(field: np.ndarray, colour: RGB, place: str, strength: float = 0.85, reach: float = 0.42) -> None:
    """A feathered patch of colour where a caption put it ("teal in the upper left")."""
    cx, cy = PLACE_CENTRES.get(place, (0.5, 0.5))
    axis = (np.arange(FIELD_SIZE, dtype=np.float32) + 0.5) / FIELD_SIZE
    if place in {"left", "right"}:
        distance = np.abs(axis[None, :] - cx) / 0.7 + 0 * axis[:, None]
    elif place in {"top", "bottom"}:
        distance = np.abs(axis[:, None] - cy) / 0.7 + 0 * axis[None, :]
    else:
        distance = np.sqrt((axis[None, :] - cx) ** 2 + (axis[:, None] - cy) ** 2)
    alpha = (strength * np.clip(1.0 - distance / reach, 0.0, 1.0) ** 0.8)[..., None]
    field *= 1.0 - alpha
    field += alpha * np.asarray(colour, np.float32)


def field_image(field: np.ndarray, size: int) -> Image.Image:
    small = Image.fromarray(np.clip(field, 0, 255).astype(np.uint8), "RGB")
    return small.resize((size, size), Image.Resampling.BILINEAR)


# --- far layer: what stands on the horizon -------------------------------------------


def far_ridge(painting: Painting, material: str, colour: RGB, *, cold: bool = False) -> None:
    """Mountains, hills, a treeline or a city skyline along the horizon, hazed by distance."""
    horizon = painting.horizon
    rng = painting.rng
    far = mix(colour, painting.haze, 0.45)
    if material == "rock":
        jagged = rng.random() < 0.6
        back = ridge(rng, horizon + 0.01, rng.uniform(0.12, 0.22), 0.9 if jagged else 0.3, peaks=rng.choice([2, 3]))
        fill_shape(painting, [(0.0, horizon + 0.05), *back, (1.0, horizon + 0.05)], mix(far, painting.haze, 0.3), far)
        front = ridge(rng, horizon + 0.03, rng.uniform(0.06, 0.12), 0.7 if jagged else 0.2, peaks=rng.choice([2, 4]))
        fill_shape(
            painting,
            [(0.0, horizon + 0.08), *front, (1.0, horizon + 0.08)],
            mix(colour, painting.haze, 0.25),
            darker(colour, 0.1),
        )
        if jagged and (cold or rng.random() < 0.5):
            _snow_caps(painting, back)
    elif material == "foliage":
        _treeline(painting, colour, horizon)
    elif material == "buildings":
        _skyline(painting, colour, horizon)


def _snow_caps(painting: Painting, profile: list[tuple[float, float]]) -> None:
    peaks = [
        point
        for index, point in enumerate(profile[1:-1], 1)
        if point[1] < profile[index - 1][1] and point[1] < profile[index + 1][1]
    ]
    layer = painting.layer(0, 0, 1, 1, shade=False)
    for x, y in peaks:
        layer.polygon(
            [(x, y), (x - 0.05, y + 0.05), (x - 0.015, y + 0.04), (x + 0.01, y + 0.055), (x + 0.05, y + 0.045)],
            (240, 244, 250),
        )
    layer.put(0.9)


def _treeline(painting: Painting, colour: RGB, horizon: float) -> None:
    layer = painting.layer(0, horizon - 0.16, 1, horizon + 0.08, shade=False, depth=0.25)
    pen = Pen(layer, 0, horizon - 0.16, 1, 0.24, painting.rng)
    tones = [darker(colour, 0.25), colour, lighter(colour, 0.15)]
    pen.box(0, 0.7, 1, 1.0, tones[0])
    for index in range(22):
        u = (index + painting.rng.uniform(-0.3, 0.3)) / 21
        height = painting.rng.uniform(0.35, 0.75)
        if painting.rng.random() < 0.4:
            pen.poly([(u, 1 - height - 0.15), (u - 0.035, 0.85), (u + 0.035, 0.85)], tones[0])
        else:
            pen.oval(u, 1 - height * 0.6, 0.04, height * 0.5, tones[painting.rng.randint(0, 1)])
    pen.dabs(0.5, 0.55, 0.5, 0.35, tones, 90, size=0.012)
    layer.put()


def _skyline(painting: Painting, colour: RGB, horizon: float) -> None:
    layer = painting.layer(0, horizon - 0.3, 1, horizon + 0.04, shade=False, depth=0.3)
    pen = Pen(layer, 0, horizon - 0.3, 1, 0.34, painting.rng)
    u = 0.0
    while u < 1.0:
        width = painting.rng.uniform(0.04, 0.1)
        top = painting.rng.uniform(0.2, 0.75)
        tone = mix(colour, darker(colour, 0.3), painting.rng.random())
        pen.box(u, top, u + width, 1.0, tone)
        for row in range(int((1 - top) / 0.07)):
            for column in range(int(width / 0.02)):
                if painting.rng.random() < 0.45:
                    wu, wv = u + 0.006 + column * 0.02, top + 0.03 + row * 0.07
                    pen.box(wu, wv, wu + 0.008, wv + 0.025, lighter(tone, 0.45))
        u += width + painting.rng.uniform(0.0, 0.015)
    layer.put()


# --- the ground ---------------------------------------------------------------------


def ground(painting: Painting, material: str, colour: RGB, sky_bottom: RGB) -> None:
    """Everything below the horizon: a gradient from hazy far ground to rich near ground,
    with the material's texture strokes growing larger toward the viewer."""
    horizon = painting.horizon
    rng = painting.rng
    far = mix(colour, painting.haze, 0.35)
    if material == "water":
        far, colour = mix(colour, sky_bottom, 0.45), darker(colour, 0.15)
    profile = ridge(rng, horizon + 0.02, 0.02 if material in {"water", "sand"} else 0.04, 0.4, peaks=2)
    if material == "water":
        profile = [(x, horizon) for x, _ in profile]
    fill_shape(painting, [(0.0, 1.0), *profile, (1.0, 1.0)], far, colour, curve=0.8)
    texture = {
        "water": _ripples,
        "grass": _grass,
        "sand": _dunes,
        "snow": _drifts,
        "rock": _stones,
        "foliage": _undergrowth,
    }.get(material, _grass)
    texture(painting, colour)


def _ground_layer(painting: Painting):
    top = painting.horizon
    layer = painting.layer(0, top, 1, 1, shade=False)
    return layer, Pen(layer, 0, top, 1, 1 - top, painting.rng)


def _ripples(painting: Painting, colour: RGB) -> None:
    layer, pen = _ground_layer(painting)
    rng = painting.rng
    for _ in range(110):
        v = rng.random() ** 1.6
        u = rng.random()
        length = 0.02 + 0.08 * v
        tone = lighter(colour, 0.35) if rng.random() < 0.55 else darker(colour, 0.25)
        pen.stroke([(u - length, v), (u + length, v)], tone, 0.004 + 0.012 * v)
    layer.put(0.8)


def _grass(painting: Painting, colour: RGB) -> None:
    layer, pen = _ground_layer(painting)
    rng = painting.rng
    tones = [darker(colour, 0.3), shade_of(colour, 0.2), darker(colour, 0.12)]
    for _ in range(260):
        v = rng.random() ** 0.7
        u = rng.random()
        height = 0.01 + 0.09 * v
        pen.stroke([(u, v), (u + rng.uniform(-0.012, 0.012), v - height)], rng.choice(tones), 0.004 + 0.006 * v)
    layer.put(0.85)


def _dunes(painting: Painting, colour: RGB) -> None:
    layer, pen = _ground_layer(painting)
    for index in range(7):
        v = (index + 1) / 8
        start = painting.rng.uniform(-0.3, 0.4)
        points = [(start + step * 0.05, v + 0.03 * math.sin(step * 0.6)) for step in range(20)]
        pen.stroke(points, darker(colour, 0.15), 0.006 + 0.01 * v)
        pen.stroke([(x, y - 0.015) for x, y in points], lighter(colour, 0.2), 0.004 + 0.006 * v)
    layer.put(0.7)


def _drifts(painting: Painting, colour: RGB) -> None:
    layer, pen = _ground_layer(painting)
    for _ in range(14):
        pen.oval(
            painting.rng.random(),
            painting.rng.random(),
            painting.rng.uniform(0.1, 0.25),
            0.04,
            mix(colour, (150, 170, 210), 0.35),
        )
    layer.put(0.6)


def _stones(painting: Painting, colour: RGB) -> None:
    layer, pen = _ground_layer(painting)
    for _ in range(40):
        v = painting.rng.random() ** 0.8
        size = 0.01 + 0.04 * v
        pen.blob(
            painting.rng.random(),
            v,
            size,
            size * 0.5,
            mix(colour, darker(colour, 0.4), painting.rng.random()),
            lumps=3,
            wobble=0.15,
        )
    layer.put(0.8)


def _undergrowth(painting: Painting, colour: RGB) -> None:
    layer, pen = _ground_layer(painting)
    pen.dabs(0.5, 0.6, 0.6, 0.5, [lighter(colour, 0.2), colour, darker(colour, 0.3)], 220, size=0.025)
    layer.put(0.9)


# --- side masses and placed settings ------------------------------------------------------


def side_mass(painting: Painting, material: str, colour: RGB, place: str) -> None:
    """A setting at one side or corner: trees framing the left, a pond in the lower right."""
    cx, cy = PLACE_CENTRES.get(place, (0.5, 0.5))
    left_side = cx < 0.5
    if material == "foliage":
        _tree_mass(painting, colour, cx, cy, place)
    elif material == "buildings":
        for index in range(3):
            width = painting.rng.uniform(0.1, 0.16)
            x = (0.0 if left_side else 1.0 - width) + (index * 0.08 if left_side else -index * 0.08)
            top = painting.rng.uniform(0.15, 0.45)
            from .motifs_built import skyscraper
            from .pen import draw_motif

            draw_motif(
                painting,
                skyscraper,
                Tones(mix(colour, darker(colour, 0.3), index / 3), lighter(colour, 0.4)),
                x - 0.06,
                top,
                width + 0.12,
                painting.horizon + 0.15 - top,
                shadow=False,
            )
    elif material == "water":
        _pond(painting, colour, cx, max(cy, painting.horizon + 0.1))
    elif material == "rock":
        edge = 0.0 if left_side else 1.0
        inner = 0.38 if left_side else 0.62
        top = min(cy, 0.5)
        points = [
            (edge, top),
            (edge + (inner - edge) * 0.5, top + 0.05),
            (inner, painting.horizon + 0.1),
            (inner, 1.0),
            (edge, 1.0),
        ]
        fill_shape(painting, points, lighter(colour, 0.1), darker(colour, 0.35))


def _tree_mass(painting: Painting, colour: RGB, cx: float, cy: float, place: str) -> None:
    """Trees crowding one side of the picture, trunks standing on the ground."""
    left = 0.0 if cx < 0.5 else 0.58
    top = 0.0 if place in {"left", "right", "upper left", "upper right"} else max(0.2, cy - 0.35)
    base = min(1.0, max(painting.horizon + 0.12, cy + 0.2))
    layer = painting.layer(left - 0.05, top, left + 0.47, base, shadow=True)
    pen = Pen(layer, left - 0.05, top, 0.52, base - top, painting.rng)
    tones = Tones(colour, lighter(colour, 0.3))
    for trunk in (0.25, 0.6):
        pen.poly([(trunk - 0.03, 1.0), (trunk - 0.015, 0.4), (trunk + 0.015, 0.4), (trunk + 0.03, 1.0)], (85, 60, 40))
    for u, v, r in ((0.3, 0.35, 0.32), (0.7, 0.3, 0.28), (0.5, 0.55, 0.3), (0.2, 0.6, 0.22)):
        pen.blob(u, v, r, r * 0.7, tones.deep, lumps=6, wobble=0.16)
    pen.dabs(0.48, 0.42, 0.46, 0.35, [tones.light, tones.body, tones.dark, tones.deep], 160, size=0.035)
    layer.put()


def _pond(painting: Painting, colour: RGB, cx: float, cy: float) -> None:
    layer = painting.layer(cx - 0.3, cy - 0.12, cx + 0.3, cy + 0.12, shade=False)
    pen = Pen(layer, cx - 0.3, cy - 0.12, 0.6, 0.24, painting.rng)
    pen.blob(0.5, 0.5, 0.48, 0.42, darker(colour, 0.2), lumps=4, wobble=0.08)
    pen.blob(0.5, 0.45, 0.44, 0.34, colour, lumps=4, wobble=0.08)
    for _ in range(14):
        u, v = painting.rng.uniform(0.2, 0.8), painting.rng.uniform(0.3, 0.7)
        pen.stroke([(u - 0.05, v), (u + 0.05, v)], lighter(colour, 0.4), 0.02)
    layer.put()


def clutter(painting: Painting, colour: RGB, place: str) -> None:
    """Shelves of boxes and jars: what a busy interior reads as from across the room."""
    cx, _ = PLACE_CENTRES.get(place, (0.5, 0.5))
    left = 0.0 if cx < 0.4 else 0.55 if cx > 0.6 else 0.1
    width = 0.45 if cx != 0.5 else 0.8
    layer = painting.layer(left, 0.05, left + width, 0.95, shade=True)
    pen = Pen(layer, left, 0.05, width, 0.9, painting.rng)
    for shelf in range(4):
        v = 0.24 + shelf * 0.24
        pen.box(0.0, v, 1.0, v + 0.025, darker(colour, 0.4))
        u = 0.02
        while u < 0.95:
            w = painting.rng.uniform(0.06, 0.16)
            h = painting.rng.uniform(0.08, 0.19)
            tone = mix(colour, painting.rng.choice([(200, 60, 50), (60, 90, 160), (220, 200, 150), (90, 90, 95)]), 0.35)
            if painting.rng.random() < 0.3:
                pen.oval(u + w / 2, v - h / 2, w / 2, h / 2, tone)
            else:
                pen.box(u, v - h, u + w, v, tone)
            u += w + painting.rng.uniform(0.01, 0.04)
    layer.put()
