"""Share cards: the 1200×630 picture a link preview shows (Open Graph, X, chat apps).

The start, an arrow, and where the chain got to, under the chain's title: the whole
game in one glance. Pure Pillow, no ORM and no storage (like `chains.animation`): the
service hands in picture bytes and words and stores what comes back.

Text uses Pillow's bundled font (`ImageFont.load_default(size=…)`), so nothing is
copied in and nothing depends on the fonts of the machine.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from PIL import Image, ImageDraw, ImageFont, ImageOps

WIDTH, HEIGHT = 1200, 630
PICTURE = 400
MARGIN = 56
BACKGROUND = (22, 19, 16)
INK = (245, 240, 232)
MUTED = (176, 166, 154)
ACCENT = (242, 122, 76)
JPEG_QUALITY = 86
TITLE_SIZES = (50, 44, 38)
TITLE_MAX_LINES = 2
BRAND = "IMAGE TELEPHONE"
CONTENT_TYPE = "image/jpeg"
EXTENSION = "jpg"


@dataclass(frozen=True)
class CardText:
    title: str
    start_label: str = "The original"
    end_label: str = "Latest"
    byline: str = ""


def render_share_card(*, start: bytes, end: bytes, text: CardText) -> bytes:
    """The card as JPEG bytes: brand line, title, then start → end, both square."""
    card = Image.new("RGB", (WIDTH, HEIGHT), BACKGROUND)
    draw = ImageDraw.Draw(card)
    top = _brand_and_title(draw, text)
    pictures_top = max(top + 24, HEIGHT - MARGIN // 2 - PICTURE)
    size = min(PICTURE, HEIGHT - pictures_top - 28)
    gap = 132
    left = (WIDTH - 2 * size - gap) // 2
    _paste_square(card, start, (left, pictures_top), size, text.start_label)
    _paste_square(card, end, (left + size + gap, pictures_top), size, text.end_label)
    _arrow(draw, x0=left + size + 24, x1=left + size + gap - 24, y=pictures_top + size // 2)
    buffer = io.BytesIO()
    card.save(buffer, format="JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
    return buffer.getvalue()


def _font(size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.load_default(size=size)


def _brand_and_title(draw: ImageDraw.ImageDraw, text: CardText) -> int:
    """Brand line and title, centred; returns the y where the pictures may start."""
    brand = _font(22)
    y = 34
    _centred(draw, BRAND, y, brand, ACCENT, stroke=0)
    y += 40
    for size in TITLE_SIZES:
        font = _font(size)
        lines = wrap(text.title, font, WIDTH - 2 * MARGIN, draw=draw)
        if len(lines) <= TITLE_MAX_LINES:
            break
    lines = _clip_lines(lines, font, draw)
    for line in lines:
        _centred(draw, line, y, font, INK, stroke=1)
        y += int(font.size * 1.2)
    if text.byline:
        byline = _font(24)
        _centred(draw, text.byline, y + 4, byline, MUTED, stroke=0)
        y += 36
    return y


def _clip_lines(lines: list[str], font, draw) -> list[str]:
    if len(lines) <= TITLE_MAX_LINES:
        return lines
    kept = lines[:TITLE_MAX_LINES]
    last = kept[-1]
    while last and draw.textlength(last + "…", font=font) > WIDTH - 2 * MARGIN:
        last = last[:-1].rstrip()
    kept[-1] = last + "…"
    return kept


def wrap(text: str, font, width: float, *, draw: ImageDraw.ImageDraw) -> list[str]:
    """Greedy word wrap to `width` pixels; a word longer than a line is cut to fit."""
    lines: list[str] = []
    current = ""
    for word in " ".join(str(text).split()).split(" "):
        trial = f"{current} {word}".strip()
        if draw.textlength(trial, font=font) <= width or not current:
            current = trial
        else:
            lines.append(current)
            current = word
        while draw.textlength(current, font=font) > width and len(current) > 1:
            cut = len(current) - 1
            while cut > 1 and draw.textlength(current[:cut], font=font) > width:
                cut -= 1
            lines.append(current[:cut])
            current = current[cut:]
    if current:
        lines.append(current)
    return lines


def _centred(draw, line: str, y: int, font, fill, *, stroke: int) -> None:
    width = draw.textlength(line, font=font)
    draw.text(((WIDTH - width) / 2, y), line, font=font, fill=fill, stroke_width=stroke, stroke_fill=fill)


def square_picture(data: bytes, size: int) -> Image.Image:
    """The picture cropped to a centred square of `size` pixels (no letterbox bars)."""
    with Image.open(io.BytesIO(data)) as picture:
        return ImageOps.fit(picture.convert("RGB"), (size, size), Image.Resampling.LANCZOS)


def _paste_square(card: Image.Image, data: bytes, at: tuple[int, int], size: int, label: str) -> None:
    picture = square_picture(data, size)
    mask = Image.new("L", (size, size), 0)
    ImageDraw.Draw(mask).rounded_rectangle((0, 0, size - 1, size - 1), radius=22, fill=255)
    card.paste(picture, at, mask)
    _chip(ImageDraw.Draw(card), label, (at[0] + 14, at[1] + size - 14))


def _chip(draw: ImageDraw.ImageDraw, label: str, bottom_left: tuple[int, int]) -> None:
    font = _font(22)
    left, top, right, bottom = draw.textbbox((0, 0), label, font=font)
    pad_x, pad_y = 12, 7
    x, y = bottom_left
    box = (x, y - (bottom - top) - 2 * pad_y, x + right - left + 2 * pad_x, y)
    draw.rounded_rectangle(box, radius=(box[3] - box[1]) // 2, fill=(0, 0, 0))
    draw.text((box[0] + pad_x - left, box[1] + pad_y - top), label, font=font, fill=INK)


def _arrow(draw: ImageDraw.ImageDraw, *, x0: int, x1: int, y: int) -> None:
    head = 30
    draw.rounded_rectangle((x0, y - 6, x1 - head + 4, y + 6), radius=6, fill=ACCENT)
    draw.polygon([(x1 - head, y - 24), (x1, y), (x1 - head, y + 24)], fill=ACCENT)
