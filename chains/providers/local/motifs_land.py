"""The ground and what grows on it: mountains, hills, water, fields, roads, trees, flowers.

Ground motifs cover the canvas from the horizon down, so they set `canvas.horizon`
for everything drawn after them; the painter moves the horizon to where a caption put
the ground before calling them.
"""

from __future__ import annotations

import math

from .canvas import Canvas, MotifStyle, RGB, darker, lighter, mix


def draw_mountains(canvas: Canvas, colour: RGB, x: float, y: float, scale: float) -> None:
    """A range of peaks whose feet reach the bottom edge; `x` pulls the tallest peak over."""
    base = canvas.horizon
    peaks = max(3, min(6, int(scale * 2)))
    points = [(0.0, 1.0), (0.0, base - 0.05)]
    tops = []
    for index in range(peaks):
        peak_x = (index + 0.5) / peaks + canvas.rng.uniform(-0.06, 0.06)
        height = canvas.rng.uniform(0.14, 0.3) * (1.3 if abs(peak_x - x) < 0.2 else 1.0)
        valley_x = (index + 1) / peaks
        points += [(peak_x, base - height), (valley_x, base - canvas.rng.uniform(0.0, 0.06))]
        tops.append((peak_x, base - height))
    points += [(1.0, 1.0)]
    canvas.polygon(points, colour)
    for peak_x, peak_y in tops:
        shade = [(peak_x, peak_y), (peak_x + 0.12, base), (peak_x + 0.02, base)]
        canvas.polygon(shade, darker(colour, 0.18))
        if peak_y < base - 0.2 and canvas.rng.random() < 0.5:
            canvas.polygon(
                [(peak_x, peak_y), (peak_x - 0.035, peak_y + 0.05), (peak_x + 0.035, peak_y + 0.05)],
                lighter(colour, 0.7),
            )


def draw_hills(canvas: Canvas, colour: RGB, x: float, y: float, scale: float) -> None:
    base = canvas.horizon
    for layer in range(3):
        centre = canvas.rng.uniform(0.0, 1.0)
        width = canvas.rng.uniform(0.45, 0.8)
        top = base + layer * 0.06 - canvas.rng.uniform(0.0, 0.05)
        shade = darker(colour, 0.12 * (2 - layer)) if layer < 2 else colour
        canvas.ellipse(centre, top + 0.5, width, 0.5, shade)
    canvas.rectangle(0.0, base + 0.14, 1.0, 1.0, colour)


def draw_sea(canvas: Canvas, colour: RGB, x: float, y: float, scale: float) -> None:
    top = canvas.px(canvas.horizon)
    bottom = canvas.size
    deep = darker(colour, 0.3)
    for row in range(top, bottom, 4):
        canvas.draw.rectangle(
            [0, row, canvas.size, row + 4], fill=mix(colour, deep, (row - top) / max(1, bottom - top)),
        )
    for _ in range(14):
        wave_x = canvas.rng.random()
        wave_y = canvas.rng.uniform(canvas.horizon + 0.03, 0.97)
        canvas.line([(wave_x - 0.04, wave_y), (wave_x + 0.04, wave_y)], lighter(colour, 0.25), width=3)


def draw_waves(canvas: Canvas, colour: RGB, x: float, y: float, scale: float) -> None:
    draw_sea(canvas, colour, x, y, scale)
    rows = 6
    for row in range(rows):
        wave_y = canvas.horizon + (row + 0.6) * (1.0 - canvas.horizon) / rows
        amplitude = 0.008 + 0.004 * row
        phase = canvas.rng.uniform(0, math.tau)
        points = [(step / 40, wave_y + amplitude * math.sin(step / 40 * 18 + phase)) for step in range(41)]
        canvas.line(points, lighter(colour, 0.45), width=3 + row // 2)


def draw_river(canvas: Canvas, colour: RGB, x: float, y: float, scale: float) -> None:
    left, right = [], []
    steps = 12
    for step in range(steps + 1):
        t = step / steps
        row = canvas.horizon + t * (1.0 - canvas.horizon)
        middle = x + 0.12 * math.sin(t * 4.0 + x * 7.0)
        half_width = 0.01 + 0.16 * t * t
        left.append((middle - half_width, row))
        right.append((middle + half_width, row))
    canvas.polygon(left + right[::-1], colour)


def draw_road(canvas: Canvas, colour: RGB, x: float, y: float, scale: float) -> None:
    top = canvas.horizon
    canvas.polygon([(x - 0.01, top), (x + 0.01, top), (x + 0.3, 1.0), (x - 0.3, 1.0)], colour)
    stripe = lighter(colour, 0.6)
    for step in range(6):
        t0, t1 = step / 6 + 0.02, step / 6 + 0.09
        canvas.line([(x, top + t0 * (1 - top)), (x, top + t1 * (1 - top))], stripe, width=2 + step)


def draw_field(canvas: Canvas, colour: RGB, x: float, y: float, scale: float) -> None:
    canvas.rectangle(0.0, canvas.horizon, 1.0, 1.0, colour)
    stroke = darker(colour, 0.2)
    for _ in range(90):
        blade_x = canvas.rng.random()
        blade_y = canvas.rng.uniform(canvas.horizon + 0.02, 1.0)
        height = 0.01 + 0.03 * (blade_y - canvas.horizon)
        canvas.line(
            [(blade_x, blade_y), (blade_x + canvas.rng.uniform(-0.01, 0.01), blade_y - height)], stroke,
            width=2,
        )


def draw_desert(canvas: Canvas, colour: RGB, x: float, y: float, scale: float) -> None:
    canvas.rectangle(0.0, canvas.horizon, 1.0, 1.0, colour)
    for dune in range(4):
        top = canvas.horizon + 0.04 + dune * 0.08
        left = canvas.rng.uniform(-0.3, 0.5)
        box = [canvas.px(left), canvas.px(top), canvas.px(left + 0.8), canvas.px(top + 0.2)]
        canvas.draw.arc(box, start=190, end=340, fill=darker(colour, 0.15), width=4)


def draw_tree(canvas: Canvas, colour: RGB, x: float, y: float, scale: float) -> None:
    height = 0.28 * scale
    trunk = (95, 65, 40)
    canvas.rectangle(x - 0.012 * scale, y, x + 0.012 * scale, y + height * 0.5, trunk)
    radius = height * 0.38
    for dx, dy in ((-0.5, 0.1), (0.5, 0.1), (0.0, -0.3), (0.0, 0.1)):
        canvas.ellipse(
            x + dx * radius, y + dy * radius, radius * 0.75, radius * 0.7,
            colour if dy < 0 else darker(colour, 0.1),
        )


def draw_pine(canvas: Canvas, colour: RGB, x: float, y: float, scale: float) -> None:
    height = 0.32 * scale
    top = y - height * 0.5
    canvas.rectangle(x - 0.008 * scale, y + height * 0.35, x + 0.008 * scale, y + height * 0.5, (80, 55, 35))
    for tier in range(3):
        tier_top = top + tier * height * 0.22
        half = 0.04 * scale * (1 + tier * 0.45)
        canvas.polygon(
            [(x, tier_top), (x - half, tier_top + height * 0.42), (x + half, tier_top + height * 0.42)],
            colour,
        )


def draw_forest(canvas: Canvas, colour: RGB, x: float, y: float, scale: float) -> None:
    base = canvas.horizon
    canvas.rectangle(0.0, base + 0.04, 1.0, 1.0, darker(colour, 0.25))
    for index in range(16):
        tree_x = (index + 0.5) / 16 + canvas.rng.uniform(-0.015, 0.015)
        size = canvas.rng.uniform(0.6, 1.0)
        shade = mix(colour, darker(colour, 0.35), canvas.rng.random())
        draw_pine(canvas, shade, tree_x, base - 0.01, size * 0.8)


def draw_flower(canvas: Canvas, colour: RGB, x: float, y: float, scale: float) -> None:
    radius = 0.045 * scale * scale
    canvas.line([(x, y), (x + canvas.rng.uniform(-0.01, 0.01), y + radius * 4)], (60, 120, 50), width=3)
    petals = canvas.rng.choice([5, 6, 8])
    for petal in range(petals):
        angle = petal * math.tau / petals
        canvas.ellipse(
            x + math.cos(angle) * radius, y + math.sin(angle) * radius, radius * 0.7, radius * 0.7, colour,
        )
    canvas.ellipse(
        x, y, radius * 0.55, radius * 0.55,
        (250, 205, 60) if colour[0] < 200 or colour[2] > 90 else (120, 60, 30),
    )


LAND_MOTIFS = {
    "mountains": MotifStyle(draw_mountains, 2, 0.5, 0.6, "slate grey", arrangement="single", ground=True),
    "hills": MotifStyle(draw_hills, 2, 0.5, 0.64, "grass green", arrangement="single", ground=True),
    "sea": MotifStyle(draw_sea, 2, 0.5, 0.62, "cerulean", arrangement="single", ground=True),
    "waves": MotifStyle(draw_waves, 2, 0.5, 0.62, "steel blue", arrangement="single", ground=True),
    "river": MotifStyle(draw_river, 3, 0.5, 0.7, "azure", arrangement="single"),
    "road": MotifStyle(draw_road, 3, 0.5, 0.7, "graphite", arrangement="single"),
    "field": MotifStyle(draw_field, 2, 0.5, 0.66, "grass green", arrangement="single", ground=True),
    "desert": MotifStyle(draw_desert, 2, 0.5, 0.62, "sand", arrangement="single", ground=True),
    "trees": MotifStyle(draw_tree, 3, 0.3, 0.62, "forest green", arrangement="row"),
    "pines": MotifStyle(draw_pine, 3, 0.3, 0.6, "pine green", arrangement="row"),
    "forest": MotifStyle(draw_forest, 2, 0.5, 0.62, "forest green", arrangement="single", ground=True),
    "flowers": MotifStyle(draw_flower, 4, 0.5, 0.85, "rose pink", arrangement="scatter"),
}
