"""Things in the sky: sun, moon, stars, planets, clouds, weather, birds, balloons.

Every function takes (canvas, colour, x, y, scale) with x/y the motif's centre as a
fraction of the canvas, and draws one instance; the painter handles repetition.
"""

from __future__ import annotations

import math

from .canvas import RGB, Canvas, MotifStyle, darker, lighter, mix


def background_at(canvas: Canvas, x: float, y: float) -> RGB:
    size = canvas.size - 1
    return canvas.image.getpixel((min(size, max(0, canvas.px(x))), min(size, max(0, canvas.px(y)))))


def draw_sun(canvas: Canvas, colour: RGB, x: float, y: float, scale: float) -> None:
    radius = 0.085 * scale
    sky = background_at(canvas, x, min(0.99, y + radius * 1.6))
    for ring, blend in ((1.5, 0.75), (1.25, 0.5)):
        canvas.ellipse(x, y, radius * ring, radius * ring, mix(colour, sky, blend))
    canvas.ellipse(x, y, radius, radius, colour)
    if canvas.rng.random() < 0.5:
        for step in range(12):
            angle = step * math.pi / 6 + canvas.rng.uniform(-0.1, 0.1)
            inner, outer = radius * 1.65, radius * 2.1
            canvas.line(
                [(x + inner * math.cos(angle), y + inner * math.sin(angle)),
                 (x + outer * math.cos(angle), y + outer * math.sin(angle))],
                mix(colour, sky, 0.3), width=4,
            )


def draw_moon(canvas: Canvas, colour: RGB, x: float, y: float, scale: float) -> None:
    radius = 0.07 * scale
    sky = background_at(canvas, x, min(0.99, y + radius * 1.5))
    canvas.ellipse(x, y, radius * 1.3, radius * 1.3, mix(colour, sky, 0.7))
    canvas.ellipse(x, y, radius, radius, colour)
    for _ in range(3):
        crater_x = x + canvas.rng.uniform(-0.5, 0.5) * radius
        crater_y = y + canvas.rng.uniform(-0.5, 0.5) * radius
        canvas.ellipse(crater_x, crater_y, radius * 0.16, radius * 0.16, darker(colour, 0.1))
    if canvas.rng.random() < 0.25:
        canvas.ellipse(x + radius * 0.45, y - radius * 0.2, radius * 0.9, radius * 0.9, sky)


def draw_stars(canvas: Canvas, colour: RGB, x: float, y: float, scale: float) -> None:
    """A field of points above the horizon; `scale` carries the requested density."""
    count = int(min(140, max(14, 9 * scale)))
    bottom = max(0.15, min(canvas.horizon - 0.04, 0.75))
    for _ in range(count):
        star_x = canvas.rng.random()
        star_y = canvas.rng.uniform(0.02, bottom)
        radius = canvas.rng.uniform(0.005, 0.011)
        shade = lighter(colour, canvas.rng.uniform(0.0, 0.5))
        canvas.ellipse(star_x, star_y, radius, radius, shade)
        if radius > 0.009:
            canvas.line([(star_x - radius * 2.5, star_y), (star_x + radius * 2.5, star_y)], shade, width=2)
            canvas.line([(star_x, star_y - radius * 2.5), (star_x, star_y + radius * 2.5)], shade, width=2)


def draw_planet(canvas: Canvas, colour: RGB, x: float, y: float, scale: float) -> None:
    radius = 0.09 * scale
    canvas.ellipse(x, y, radius, radius, colour)
    canvas.ellipse(x + radius * 0.25, y + radius * 0.2, radius * 0.7, radius * 0.7, darker(colour, 0.15))
    ring = lighter(colour, 0.45)
    box = [
        canvas.px(x - radius * 1.9), canvas.px(y - radius * 0.45), canvas.px(x + radius * 1.9),
        canvas.px(y + radius * 0.45),
    ]
    canvas.draw.arc(box, start=-15, end=195, fill=ring, width=5)


def draw_clouds(canvas: Canvas, colour: RGB, x: float, y: float, scale: float) -> None:
    width = 0.12 * scale
    puffs = canvas.rng.randint(4, 6)
    for puff in range(puffs):
        offset = (puff / (puffs - 1) - 0.5) * 2 * width
        lift = math.cos(offset / width * 1.4) * width * 0.45
        radius = width * canvas.rng.uniform(0.35, 0.55)
        canvas.ellipse(x + offset, y - lift * 0.6, radius, radius * 0.8, colour)
    canvas.rectangle(x - width * 1.1, y, x + width * 1.1, y + width * 0.28, colour)
    canvas.ellipse(x, y + width * 0.28, width * 1.1, width * 0.08, darker(colour, 0.08))


def draw_rain(canvas: Canvas, colour: RGB, x: float, y: float, scale: float) -> None:
    drops = int(90 * max(1.0, scale / 3))
    slant = canvas.rng.uniform(0.01, 0.03)
    for _ in range(drops):
        top_x, top_y = canvas.rng.random(), canvas.rng.random()
        length = canvas.rng.uniform(0.03, 0.06)
        canvas.line([(top_x, top_y), (top_x - slant, top_y + length)], colour, width=2)


def draw_snow(canvas: Canvas, colour: RGB, x: float, y: float, scale: float) -> None:
    for _ in range(int(110 * max(1.0, scale / 3))):
        radius = canvas.rng.uniform(0.003, 0.008)
        canvas.ellipse(canvas.rng.random(), canvas.rng.random(), radius, radius, colour)


def draw_lightning(canvas: Canvas, colour: RGB, x: float, y: float, scale: float) -> None:
    points = [(x, 0.0)]
    current_x, current_y = x, 0.0
    while current_y < min(canvas.horizon, 0.8):
        current_x += canvas.rng.uniform(-0.06, 0.06)
        current_y += canvas.rng.uniform(0.05, 0.1)
        points.append((current_x, current_y))
    canvas.line(points, lighter(colour, 0.5), width=10)
    canvas.line(points, colour, width=4)


def draw_rainbow(canvas: Canvas, colour: RGB, x: float, y: float, scale: float) -> None:
    bands = [
        (220, 40, 40), (245, 140, 30), (245, 225, 50), (60, 170, 70), (40, 110, 220), (90, 50, 170),
        (150, 70, 200),
    ]
    radius = 0.42 * scale
    base = canvas.horizon + 0.05
    for index, band in enumerate(bands):
        r = radius - index * 0.022
        box = [canvas.px(x - r), canvas.px(base - r), canvas.px(x + r), canvas.px(base + r)]
        canvas.draw.arc(box, start=180, end=360, fill=mix(band, colour, 0.2), width=12)


def draw_birds(canvas: Canvas, colour: RGB, x: float, y: float, scale: float) -> None:
    span = 0.045 * scale
    lift = span * canvas.rng.uniform(0.4, 0.7)
    width = max(3, int(6 * scale))
    canvas.line([(x - span, y - lift), (x - span * 0.4, y - lift * 0.2), (x, y)], colour, width=width)
    canvas.line([(x, y), (x + span * 0.4, y - lift * 0.2), (x + span, y - lift)], colour, width=width)


def draw_galaxy(canvas: Canvas, colour: RGB, x: float, y: float, scale: float) -> None:
    radius = 0.22 * scale
    canvas.ellipse(x, y, radius * 0.25, radius * 0.18, lighter(colour, 0.6))
    for arm in range(2):
        for step in range(160):
            t = step / 160.0
            angle = arm * math.pi + t * 3.4 * math.pi
            distance = radius * (0.12 + t)
            spread = canvas.rng.gauss(0, 0.015)
            px = x + math.cos(angle) * distance + spread
            py = y + math.sin(angle) * distance * 0.6 + spread
            dot = canvas.rng.uniform(0.003, 0.008)
            canvas.ellipse(px, py, dot, dot, mix(colour, (255, 255, 255), canvas.rng.uniform(0.0, 0.7)))


def draw_balloons(canvas: Canvas, colour: RGB, x: float, y: float, scale: float) -> None:
    radius = 0.045 * scale
    canvas.line(
        [(x, y + radius * 1.2), (x + canvas.rng.uniform(-0.02, 0.02), y + radius * 3.5)],
        darker(colour, 0.5), width=2,
    )
    canvas.polygon(
        [(x, y + radius * 1.1), (x - radius * 0.2, y + radius * 1.35), (x + radius * 0.2, y + radius * 1.35)],
        darker(colour, 0.2),
    )
    canvas.ellipse(x, y, radius, radius * 1.2, colour)
    canvas.ellipse(x - radius * 0.35, y - radius * 0.45, radius * 0.2, radius * 0.3, lighter(colour, 0.5))


SKY_MOTIFS = {
    "sun": MotifStyle(draw_sun, 1, 0.74, 0.2, "golden yellow"),
    "moon": MotifStyle(draw_moon, 1, 0.72, 0.2, "ivory"),
    "stars": MotifStyle(draw_stars, 0, 0.5, 0.25, "white", arrangement="swarm"),
    "planet": MotifStyle(draw_planet, 1, 0.3, 0.24, "amber"),
    "clouds": MotifStyle(draw_clouds, 1, 0.4, 0.18, "snow white"),
    "rain": MotifStyle(draw_rain, 5, 0.5, 0.5, "powder blue", arrangement="swarm"),
    "snow": MotifStyle(draw_snow, 5, 0.5, 0.5, "snow white", arrangement="swarm"),
    "lightning": MotifStyle(draw_lightning, 1, 0.6, 0.2, "pale yellow"),
    "rainbow": MotifStyle(draw_rainbow, 1, 0.5, 0.4, "white", arrangement="single"),
    "birds": MotifStyle(draw_birds, 4, 0.4, 0.25, "charcoal"),
    "galaxy": MotifStyle(draw_galaxy, 0, 0.5, 0.32, "lavender", arrangement="single"),
    "balloons": MotifStyle(draw_balloons, 4, 0.6, 0.35, "scarlet"),
}
