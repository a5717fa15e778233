"""The site's mark, drawn once as shapes and rendered both as SVG and as PNG/ICO.

A speech bubble (the caption) holding a little landscape (the picture): the game in
one glyph. The shapes live here, in a 64-unit square, so the vector icon and every
bitmap size come from one drawing; `manage.py draw_icons` writes them to
static/icons/. Pillow draws the bitmaps at 8× and scales down, for smooth edges.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from PIL import Image, ImageDraw

UNITS = 64
SUPERSAMPLE = 8
ACCENT = "#c2461c"
PAPER = "#fff7ef"
INK = "#7c2710"
# A maskable icon may be cropped to a circle: keep the drawing within its middle 80 %.
MASKABLE_SCALE = 0.72


@dataclass(frozen=True)
class Shapes:
    """The mark in icon units: (x0, y0, x1, y1) boxes, radii and polygons."""

    background: tuple = (0, 0, 64, 64)
    background_radius: float = 14
    bubble: tuple = (9, 11, 55, 44)
    bubble_radius: float = 8
    tail: tuple = ((17, 41), (17, 55), (31, 42))
    sun_centre: tuple = (44, 20.5)
    sun_radius: float = 4.5
    hills: tuple = ((14, 39), (25.5, 23.5), (33, 31.5), (38.5, 26), (50, 39))


SHAPES = Shapes()
PNG_SIZES = {"icon-32.png": 32, "apple-touch-icon.png": 180, "icon-192.png": 192, "icon-512.png": 512}
ICO_SIZES = (16, 32, 48)


def icon_svg() -> str:
    """The vector icon: crisp at any size, used by browsers that take an SVG favicon."""
    s = SHAPES
    x0, y0, x1, y1 = s.bubble

    def points(pairs) -> str:
        return " ".join(f"{x:g},{y:g}" for x, y in pairs)

    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {UNITS} {UNITS}">'
        f'<rect width="{UNITS}" height="{UNITS}" rx="{s.background_radius:g}" fill="{ACCENT}"/>'
        f'<rect x="{x0}" y="{y0}" width="{x1 - x0}" height="{y1 - y0}" rx="{s.bubble_radius:g}" fill="{PAPER}"/>'
        f'<polygon points="{points(s.tail)}" fill="{PAPER}"/>'
        f'<circle cx="{s.sun_centre[0]:g}" cy="{s.sun_centre[1]:g}" r="{s.sun_radius:g}" fill="{ACCENT}"/>'
        f'<polygon points="{points(s.hills)}" fill="{INK}"/>'
        "</svg>\n"
    )


def icon_image(size: int, *, maskable: bool = False) -> Image.Image:
    """The mark as an RGBA bitmap of `size` pixels; maskable ones fill the square with colour."""
    big = size * SUPERSAMPLE
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    unit = big / UNITS
    if maskable:
        draw.rectangle((0, 0, big, big), fill=ACCENT)
        scale, offset = unit * MASKABLE_SCALE, big * (1 - MASKABLE_SCALE) / 2
    else:
        draw.rounded_rectangle((0, 0, big - 1, big - 1), radius=SHAPES.background_radius * unit, fill=ACCENT)
        scale, offset = unit, 0.0
    _draw_bubble(draw, scale=scale, offset=offset)
    return image.resize((size, size), Image.Resampling.LANCZOS)


def _draw_bubble(draw: ImageDraw.ImageDraw, *, scale: float, offset: float) -> None:
    s = SHAPES

    def at(x: float, y: float) -> tuple[float, float]:
        return offset + x * scale, offset + y * scale

    x0, y0, x1, y1 = s.bubble
    draw.rounded_rectangle((*at(x0, y0), *at(x1, y1)), radius=s.bubble_radius * scale, fill=PAPER)
    draw.polygon([at(x, y) for x, y in s.tail], fill=PAPER)
    cx, cy = at(*s.sun_centre)
    r = s.sun_radius * scale
    draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=ACCENT)
    draw.polygon([at(x, y) for x, y in s.hills], fill=INK)


def png_bytes(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def ico_bytes() -> bytes:
    """favicon.ico with 16, 32 and 48 px images, for browsers and tools that ask for /favicon.ico."""
    buffer = io.BytesIO()
    largest = max(ICO_SIZES)
    icon_image(largest).save(buffer, format="ICO", sizes=[(size, size) for size in ICO_SIZES])
    return buffer.getvalue()


def icon_files() -> dict[str, bytes]:
    """Every file of the icon set by name, as `draw_icons` writes them."""
    files = {name: png_bytes(icon_image(size)) for name, size in PNG_SIZES.items()}
    files["icon-maskable-512.png"] = png_bytes(icon_image(512, maskable=True))
    files["favicon.ico"] = ico_bytes()
    files["icon.svg"] = icon_svg().encode()
    return files
