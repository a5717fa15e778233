"""Things people make or are: buildings, towers, castles, bridges, boats, doors, figures.

Structures are drawn with flat fills and crisp edges on purpose: rectangles and
triangles are exactly what the captioner's shape finder can recognise again.
"""

from __future__ import annotations

import math

from .canvas import Canvas, MotifStyle, RGB, contrasting, darker, lighter


def _window_rows(canvas: Canvas, left: float, top: float, right: float, bottom: float, glass: RGB) -> None:
    columns = max(1, int((right - left) / 0.03))
    rows = max(1, int((bottom - top) / 0.05))
    for row in range(rows):
        for column in range(columns):
            wx = left + (column + 0.3) * (right - left) / columns
            wy = top + (row + 0.3) * (bottom - top) / rows
            canvas.rectangle(
                wx, wy, wx + 0.35 * (right - left) / columns, wy + 0.4 * (bottom - top) / rows, glass,
            )


def draw_building(canvas: Canvas, colour: RGB, x: float, y: float, scale: float) -> None:
    width = 0.11 * scale * canvas.rng.uniform(0.8, 1.2)
    height = 0.2 * scale * canvas.rng.uniform(0.7, 1.3)
    top, bottom = y - height / 2, y + height / 2
    canvas.rectangle(x - width / 2, top, x + width / 2, bottom, colour)
    if canvas.rng.random() < 0.4:
        canvas.polygon(
            [(x - width * 0.6, top), (x, top - height * 0.3), (x + width * 0.6, top)], darker(colour, 0.3),
        )
    _window_rows(
        canvas, x - width / 2, top + 0.02, x + width / 2, bottom - 0.02, contrasting(colour, colour, 0.45),
    )


def draw_tower(canvas: Canvas, colour: RGB, x: float, y: float, scale: float) -> None:
    width = 0.055 * scale
    height = 0.38 * scale
    top, bottom = y - height / 2, min(1.0, y + height / 2)
    canvas.rectangle(x - width / 2, top, x + width / 2, bottom, colour)
    if canvas.rng.random() < 0.6:
        canvas.polygon(
            [(x - width * 0.7, top), (x, top - width * 1.6), (x + width * 0.7, top)], darker(colour, 0.35),
        )
    else:
        for merlon in range(3):
            left = x - width / 2 + merlon * width * 0.4
            canvas.rectangle(left, top - 0.02, left + width * 0.2, top, colour)
    for slit in range(3):
        slit_y = top + (slit + 1) * height / 4.5
        canvas.rectangle(x - 0.005, slit_y, x + 0.005, slit_y + 0.025, darker(colour, 0.55))


def draw_castle(canvas: Canvas, colour: RGB, x: float, y: float, scale: float) -> None:
    width, height = 0.36 * scale, 0.16 * scale
    top, bottom = y - height / 2, y + height / 2
    canvas.rectangle(x - width / 2, top, x + width / 2, bottom, colour)
    for merlon in range(9):
        left = x - width / 2 + merlon * width / 8.5
        canvas.rectangle(left, top - 0.02, left + width / 20, top, colour)
    for side in (-1, 1):
        draw_tower(canvas, darker(colour, 0.08), x + side * width / 2, y - height * 0.25, scale * 0.8)
    canvas.ellipse(x, bottom - height * 0.3, width * 0.08, height * 0.3, darker(colour, 0.6))
    canvas.rectangle(x - width * 0.08, bottom - height * 0.3, x + width * 0.08, bottom, darker(colour, 0.6))


def draw_cathedral(canvas: Canvas, colour: RGB, x: float, y: float, scale: float) -> None:
    width, height = 0.24 * scale, 0.2 * scale
    top, bottom = y - height / 2, y + height / 2
    canvas.rectangle(x - width / 2, top, x + width / 2, bottom, colour)
    canvas.polygon([(x - width / 2, top), (x, top - height * 0.4), (x + width / 2, top)], darker(colour, 0.2))
    spire_x = x + width * 0.3
    canvas.rectangle(spire_x - 0.03, top - height * 0.7, spire_x + 0.03, top, colour)
    canvas.polygon(
        [
            (spire_x - 0.035, top - height * 0.7), (spire_x, top - height * 1.6),
            (spire_x + 0.035, top - height * 0.7),
        ],
        darker(colour, 0.3),
    )
    canvas.ellipse(
        x - width * 0.1, top + height * 0.3, 0.035, 0.035, (200, 60, 80), outline=darker(colour, 0.5),
        width=3,
    )
    canvas.ellipse(x - width * 0.1, bottom - 0.05, 0.03, 0.03, darker(colour, 0.6))
    canvas.rectangle(
        x - width * 0.1 - 0.03, bottom - 0.05, x - width * 0.1 + 0.03, bottom, darker(colour, 0.6),
    )


def draw_bridge(canvas: Canvas, colour: RGB, x: float, y: float, scale: float) -> None:
    deck = y - 0.05
    canvas.rectangle(0.05, deck, 0.95, deck + 0.03, colour)
    arches = 3
    for arch in range(arches):
        left = 0.05 + arch * 0.9 / arches
        box = [canvas.px(left), canvas.px(deck), canvas.px(left + 0.9 / arches), canvas.px(deck + 0.24)]
        canvas.draw.arc(box, start=180, end=360, fill=darker(colour, 0.15), width=9)
        canvas.rectangle(left - 0.012, deck, left + 0.012, deck + 0.14, colour)
    canvas.rectangle(0.938, deck, 0.962, deck + 0.14, colour)


def draw_lighthouse(canvas: Canvas, colour: RGB, x: float, y: float, scale: float) -> None:
    height = 0.4 * scale
    top, bottom = y - height / 2, y + height / 2
    stripes = 5
    for band in range(stripes):
        t0, t1 = band / stripes, (band + 1) / stripes
        half0, half1 = 0.025 + 0.025 * t0, 0.025 + 0.025 * t1
        shade = colour if band % 2 == 0 else (245, 245, 240)
        row0, row1 = top + t0 * height, top + t1 * height
        canvas.polygon([(x - half0, row0), (x + half0, row0), (x + half1, row1), (x - half1, row1)], shade)
    canvas.rectangle(x - 0.03, top - 0.05, x + 0.03, top, (250, 235, 150))
    canvas.polygon([(x - 0.035, top - 0.05), (x, top - 0.09), (x + 0.035, top - 0.05)], darker(colour, 0.4))
    side = 1 if x < 0.5 else -1
    canvas.polygon(
        [(x, top - 0.025), (x + side * 0.4, top - 0.1), (x + side * 0.4, top + 0.05)],
        lighter((250, 235, 150), 0.3),
    )


def draw_boat(canvas: Canvas, colour: RGB, x: float, y: float, scale: float) -> None:
    size = 0.08 * scale
    canvas.polygon(
        [(x - size, y), (x + size, y), (x + size * 0.7, y + size * 0.35), (x - size * 0.7, y + size * 0.35)],
        darker(colour, 0.3),
    )
    canvas.line([(x, y), (x, y - size * 1.4)], darker(colour, 0.5), width=3)
    canvas.polygon([(x + 0.005, y - size * 1.35), (x + 0.005, y - 0.01), (x + size * 0.8, y - 0.01)], colour)


def draw_windows(canvas: Canvas, colour: RGB, x: float, y: float, scale: float) -> None:
    width, height = 0.1 * scale, 0.14 * scale
    frame = darker(colour, 0.5)
    canvas.rectangle(
        x - width / 2, y - height / 2, x + width / 2, y + height / 2, colour, outline=frame, width=5,
    )
    canvas.line([(x, y - height / 2), (x, y + height / 2)], frame, width=4)
    canvas.line([(x - width / 2, y), (x + width / 2, y)], frame, width=4)


def draw_door(canvas: Canvas, colour: RGB, x: float, y: float, scale: float) -> None:
    width, height = 0.11 * scale, 0.24 * scale
    top = y - height / 2
    canvas.ellipse(x, top + width / 2, width / 2, width / 2, colour)
    canvas.rectangle(x - width / 2, top + width / 2, x + width / 2, y + height / 2, colour)
    canvas.ellipse(x + width * 0.3, y + height * 0.05, 0.008, 0.008, lighter(colour, 0.6))


def draw_fence(canvas: Canvas, colour: RGB, x: float, y: float, scale: float) -> None:
    top, bottom = y - 0.05 * scale, y + 0.05 * scale
    for post in range(15):
        post_x = (post + 0.5) / 15
        canvas.polygon(
            [
                (post_x - 0.012, top + 0.015), (post_x, top), (post_x + 0.012, top + 0.015),
                (post_x + 0.012, bottom), (post_x - 0.012, bottom),
            ],
            colour,
        )
    for rail in (0.35, 0.75):
        rail_y = top + rail * (bottom - top)
        canvas.rectangle(0.0, rail_y, 1.0, rail_y + 0.012, darker(colour, 0.15))


def draw_pyramid(canvas: Canvas, colour: RGB, x: float, y: float, scale: float) -> None:
    half, height = 0.16 * scale, 0.2 * scale
    apex = (x, y - height / 2)
    canvas.polygon([apex, (x - half, y + height / 2), (x + half, y + height / 2)], colour)
    canvas.polygon([apex, (x + half * 0.25, y + height / 2), (x + half, y + height / 2)], darker(colour, 0.2))


def draw_figure(canvas: Canvas, colour: RGB, x: float, y: float, scale: float) -> None:
    height = 0.2 * scale
    head = height * 0.12
    top = y - height / 2
    canvas.ellipse(x, top + head, head, head, colour)
    canvas.polygon(
        [
            (x - head * 1.1, top + head * 2.2), (x + head * 1.1, top + head * 2.2),
            (x + head * 1.5, y + height * 0.15), (x - head * 1.5, y + height * 0.15),
        ],
        colour,
    )
    for side in (-1, 1):
        canvas.line(
            [(x + side * head * 0.6, y + height * 0.12), (x + side * head * 0.9, y + height / 2)], colour,
            width=max(3, int(6 * scale)),
        )
    lean = math.copysign(head * 1.8, canvas.rng.uniform(-1, 1))
    canvas.line(
        [(x + math.copysign(head, lean), top + head * 2.6), (x + lean, top + head * 5)], colour,
        width=max(3, int(5 * scale)),
    )


BUILT_MOTIFS = {
    "buildings": MotifStyle(draw_building, 3, 0.5, 0.6, "brick red", arrangement="row"),
    "towers": MotifStyle(draw_tower, 3, 0.5, 0.52, "stone grey", arrangement="row"),
    "castle": MotifStyle(draw_castle, 3, 0.5, 0.58, "ash grey", arrangement="single"),
    "cathedral": MotifStyle(draw_cathedral, 3, 0.5, 0.6, "sand", arrangement="single"),
    "bridge": MotifStyle(draw_bridge, 3, 0.5, 0.7, "stone grey", arrangement="single"),
    "lighthouse": MotifStyle(draw_lighthouse, 3, 0.75, 0.5, "scarlet", arrangement="single"),
    "boats": MotifStyle(draw_boat, 4, 0.4, 0.75, "white"),
    "windows": MotifStyle(draw_windows, 4, 0.5, 0.5, "butter yellow", arrangement="row"),
    "door": MotifStyle(draw_door, 4, 0.5, 0.72, "mahogany", arrangement="single"),
    "fence": MotifStyle(draw_fence, 4, 0.5, 0.88, "walnut brown", arrangement="single"),
    "pyramid": MotifStyle(draw_pyramid, 3, 0.5, 0.55, "ochre", arrangement="row"),
    "figure": MotifStyle(draw_figure, 4, 0.5, 0.72, "charcoal", arrangement="row"),
}
