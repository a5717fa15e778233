"""Symbols and patterns: clocks, spirals, circles, fractals, mandalas, crystals, eyes, fish.

These are the dreamlike motifs; the captioner rarely recognises them as such (a clock
comes back as a circle, a mandala as a rounded patch), so they tend to mutate quickly,
which keeps chains that wander into them moving.
"""

from __future__ import annotations

import math

from .canvas import Canvas, MotifStyle, RGB, contrasting, darker, lighter


def draw_clock(canvas: Canvas, colour: RGB, x: float, y: float, scale: float) -> None:
    radius = 0.08 * scale
    rim = darker(colour, 0.45)
    canvas.ellipse(x, y, radius, radius, colour, outline=rim, width=max(3, int(6 * scale)))
    for tick in range(12):
        angle = tick * math.tau / 12
        canvas.line([(x + math.cos(angle) * radius * 0.78, y + math.sin(angle) * radius * 0.78),
                     (x + math.cos(angle) * radius * 0.9, y + math.sin(angle) * radius * 0.9)], rim, width=3)
    for length, angle in ((0.5, canvas.rng.uniform(0, math.tau)), (0.75, canvas.rng.uniform(0, math.tau))):
        canvas.line(
            [(x, y), (x + math.cos(angle) * radius * length, y + math.sin(angle) * radius * length)], rim,
            width=4,
        )


def draw_spiral(canvas: Canvas, colour: RGB, x: float, y: float, scale: float) -> None:
    radius = 0.14 * scale
    turns = 3.5
    points = []
    for step in range(140):
        t = step / 139
        angle = t * turns * math.tau
        points.append((x + math.cos(angle) * radius * t, y + math.sin(angle) * radius * t))
    canvas.line(points, colour, width=max(4, int(9 * scale)))


def draw_circle(canvas: Canvas, colour: RGB, x: float, y: float, scale: float) -> None:
    radius = 0.07 * scale
    canvas.ellipse(x, y, radius, radius, colour)
    if canvas.rng.random() < 0.5:
        canvas.ellipse(x, y, radius * 0.55, radius * 0.55, None, outline=lighter(colour, 0.35), width=4)


def draw_fractal(canvas: Canvas, colour: RGB, x: float, y: float, scale: float) -> None:
    """A branching tree, each limb splitting in two, seven levels deep."""
    def branch(start_x: float, start_y: float, angle: float, length: float, depth: int) -> None:
        end_x = start_x + math.cos(angle) * length
        end_y = start_y - math.sin(angle) * length
        canvas.line(
            [(start_x, start_y), (end_x, end_y)], colour if depth > 2 else lighter(colour, 0.4),
            width=max(1, depth),
        )
        if depth > 1:
            spread = 0.45 + canvas.rng.uniform(-0.08, 0.08)
            branch(end_x, end_y, angle + spread, length * 0.72, depth - 1)
            branch(end_x, end_y, angle - spread, length * 0.72, depth - 1)

    branch(x, y + 0.2 * scale, math.pi / 2, 0.11 * scale, 7)


def draw_mandala(canvas: Canvas, colour: RGB, x: float, y: float, scale: float) -> None:
    radius = 0.16 * scale
    petals = canvas.rng.choice([8, 10, 12])
    for ring, shade in ((1.0, colour), (0.65, lighter(colour, 0.35)), (0.38, darker(colour, 0.3))):
        for petal in range(petals):
            angle = petal * math.tau / petals + ring
            tip = (x + math.cos(angle) * radius * ring, y + math.sin(angle) * radius * ring)
            side = math.pi / petals
            left = (
                x + math.cos(angle - side) * radius * ring * 0.55,
                y + math.sin(angle - side) * radius * ring * 0.55,
            )
            right = (
                x + math.cos(angle + side) * radius * ring * 0.55,
                y + math.sin(angle + side) * radius * ring * 0.55,
            )
            canvas.polygon([(x, y), left, tip, right], shade)
    canvas.ellipse(x, y, radius * 0.15, radius * 0.15, lighter(colour, 0.6))


def draw_crystal(canvas: Canvas, colour: RGB, x: float, y: float, scale: float) -> None:
    width, height = 0.05 * scale, 0.16 * scale
    lean = canvas.rng.uniform(-0.02, 0.02)
    top = (x + lean, y - height / 2)
    outline = [top, (x + width, y - height * 0.25), (x + width, y + height * 0.35), (x, y + height / 2),
               (x - width, y + height * 0.35), (x - width, y - height * 0.25)]
    canvas.polygon(outline, colour)
    canvas.polygon(
        [top, (x + width, y - height * 0.25), (x + width, y + height * 0.35), (x, y + height / 2)],
        darker(colour, 0.2),
    )
    canvas.line([top, (x - width * 0.3, y + height * 0.2)], lighter(colour, 0.6), width=3)


def draw_eye(canvas: Canvas, colour: RGB, x: float, y: float, scale: float) -> None:
    width, height = 0.13 * scale, 0.06 * scale
    points = []
    for step in range(21):
        t = step / 20
        points.append((x - width + 2 * width * t, y - height * math.sin(math.pi * t)))
    for step in range(1, 20):
        t = step / 20
        points.append((x + width - 2 * width * t, y + height * math.sin(math.pi * t)))
    canvas.polygon(points, (248, 245, 238), outline=(40, 30, 30))
    canvas.ellipse(x, y, height * 0.95, height * 0.95, colour)
    canvas.ellipse(x, y, height * 0.45, height * 0.45, (10, 10, 12))
    canvas.ellipse(x - height * 0.3, y - height * 0.3, height * 0.15, height * 0.15, (255, 255, 255))


def draw_fish(canvas: Canvas, colour: RGB, x: float, y: float, scale: float) -> None:
    length = 0.1 * scale
    facing = 1 if canvas.rng.random() < 0.5 else -1
    canvas.polygon(
        [
            (x - facing * length * 0.8, y), (x - facing * length * 1.4, y - length * 0.45),
            (x - facing * length * 1.4, y + length * 0.45),
        ],
        darker(colour, 0.2),
    )
    canvas.ellipse(x, y, length, length * 0.45, colour)
    canvas.ellipse(x + facing * length * 0.55, y - length * 0.1, length * 0.08, length * 0.08, (15, 15, 20))


def draw_stripes(canvas: Canvas, colour: RGB, x: float, y: float, scale: float) -> None:
    bands = 9
    slope = canvas.rng.choice([0.0, 0.25, -0.25])
    for band in range(0, bands, 2):
        top = band / bands
        bottom = (band + 1) / bands
        canvas.polygon([(0, top), (1, top + slope), (1, bottom + slope), (0, bottom)], colour)


def draw_grid(canvas: Canvas, colour: RGB, x: float, y: float, scale: float) -> None:
    cells = 8
    half = 0.3 * scale
    step = 2 * half / cells
    alternate = contrasting(colour, colour, 0.5)
    for row in range(cells):
        for column in range(cells):
            left, top = x - half + column * step, y - half + row * step
            canvas.rectangle(
                left, top, left + step, top + step, colour if (row + column) % 2 == 0 else alternate,
            )


def draw_dots(canvas: Canvas, colour: RGB, x: float, y: float, scale: float) -> None:
    spacing = 0.1
    offset = canvas.rng.uniform(0, spacing)
    for row in range(11):
        for column in range(11):
            dot_x = offset + column * spacing + (spacing / 2 if row % 2 else 0)
            dot_y = offset + row * spacing
            canvas.ellipse(dot_x, dot_y, 0.016, 0.016, colour)


PATTERN_MOTIFS = {
    "clocks": MotifStyle(draw_clock, 4, 0.5, 0.45, "ivory"),
    "spirals": MotifStyle(draw_spiral, 4, 0.5, 0.5, "violet"),
    "circles": MotifStyle(draw_circle, 4, 0.5, 0.5, "vermilion"),
    "fractal": MotifStyle(draw_fractal, 4, 0.5, 0.5, "jade", arrangement="single"),
    "mandala": MotifStyle(draw_mandala, 4, 0.5, 0.5, "saffron", arrangement="single"),
    "crystal": MotifStyle(draw_crystal, 4, 0.5, 0.65, "amethyst"),
    "eye": MotifStyle(draw_eye, 4, 0.5, 0.4, "jade"),
    "fish": MotifStyle(draw_fish, 4, 0.5, 0.8, "tangerine"),
    "stripes": MotifStyle(draw_stripes, 0, 0.5, 0.5, "cream", arrangement="single"),
    "grid": MotifStyle(draw_grid, 4, 0.5, 0.5, "charcoal", arrangement="single"),
    "dots": MotifStyle(draw_dots, 4, 0.5, 0.5, "white", arrangement="single"),
}
