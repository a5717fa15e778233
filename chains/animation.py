"""A chain as one moving picture: every step's image in turn, as a GIF or an animated WebP.

Pure Pillow, no ORM and no storage: the service hands in image bytes and stores what
comes back, so rendering is tested without a database and the options are checked in
one place whether they come from a form, a task or the shell.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Iterable

from PIL import Image, ImageDraw, ImageFont, ImageOps

from .errors import UserFacingError

FORMATS = ("gif", "webp")
WIDTHS = (256, 512, 768)
FRAME_MS_MIN = 100
FRAME_MS_MAX = 5000
# Whole tenths of a second keep the set of cacheable renders per chain small.
FRAME_MS_STEP = 100
DEFAULT_FORMAT = "gif"
DEFAULT_WIDTH = 512
DEFAULT_FRAME_MS = 800

CONTENT_TYPES = {"gif": "image/gif", "webp": "image/webp"}
WEBP_QUALITY = 80
BACKGROUND = (17, 17, 17)
LABEL_INK = (255, 255, 255)
# A first picture of extreme proportions must not squash every painted square after it.
MIN_ASPECT, MAX_ASPECT = 0.5, 2.0

ANIMATION_BAD_FORMAT = "Choose GIF or WebP as the animation format."
ANIMATION_BAD_WIDTH = "Choose an animation width of 256, 512 or 768 pixels."
ANIMATION_BAD_FRAME_MS = "Each frame lasts between 100 and 5000 milliseconds, in steps of 100."
ANIMATION_NO_PICTURES = "This chain has no pictures to animate yet."
ANIMATION_BAD_PICTURE = "The picture of step {index} could not be read."


class AnimationError(UserFacingError):
    """Options or pictures that cannot make an animation; `message` is for people."""


@dataclass(frozen=True)
class AnimationOptions:
    format: str
    width: int
    frame_ms: int

    @property
    def name(self) -> str:
        """The options as one URL- and file-safe word, e.g. `gif-512-800`."""
        return f"{self.format}-{self.width}-{self.frame_ms}"

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.format]


def animation_options(*, format: str, width: int | str, frame_ms: int | str) -> AnimationOptions:
    """Checked options; raises AnimationError with the message for the first bad one."""
    if format not in FORMATS:
        raise AnimationError(ANIMATION_BAD_FORMAT)
    width = _as_int(width, ANIMATION_BAD_WIDTH)
    if width not in WIDTHS:
        raise AnimationError(ANIMATION_BAD_WIDTH)
    frame_ms = _as_int(frame_ms, ANIMATION_BAD_FRAME_MS)
    if not FRAME_MS_MIN <= frame_ms <= FRAME_MS_MAX or frame_ms % FRAME_MS_STEP:
        raise AnimationError(ANIMATION_BAD_FRAME_MS)
    return AnimationOptions(format=format, width=width, frame_ms=frame_ms)


def _as_int(value, message: str) -> int:
    if isinstance(value, bool):
        raise AnimationError(message)
    try:
        return int(value)
    except (TypeError, ValueError):
        raise AnimationError(message) from None


def animation_key(*, chain_id: int, options: AnimationOptions) -> str:
    """Fixed per chain and options, so a re-render replaces the file instead of adding one."""
    return f"animations/{chain_id}/{options.name}.{options.format}"


def render_animation(*, pictures: Iterable[bytes], options: AnimationOptions) -> bytes:
    """Encode one frame per picture, in order, each shown for `options.frame_ms`.

    Pictures are decoded one at a time and shrunk to frame size at once, so only
    frames (never full-size images) are held while the encoder needs them all.
    GIF stores durations in hundredths of a second, so it rounds to 10 ms.
    """
    frames: list[Image.Image] = []
    size = None
    for index, data in enumerate(pictures):
        picture = _decode(data, index)
        size = size or _frame_size(picture, options.width)
        frames.append(_label(ImageOps.pad(picture, size, color=BACKGROUND), index))
    if not frames:
        raise AnimationError(ANIMATION_NO_PICTURES)
    encode = _encode_gif if options.format == "gif" else _encode_webp
    return encode(frames, options.frame_ms)


def _decode(data: bytes, index: int) -> Image.Image:
    try:
        with Image.open(io.BytesIO(data)) as picture:
            return picture.convert("RGB")
    except Exception:  # noqa: BLE001 - Pillow's decoders raise many types; each means a bad frame
        raise AnimationError(ANIMATION_BAD_PICTURE.format(index=index)) from None


def _frame_size(first: Image.Image, width: int) -> tuple[int, int]:
    """Every frame shares the first picture's proportions, within sane bounds."""
    aspect = min(max(first.height / first.width, MIN_ASPECT), MAX_ASPECT)
    return width, max(1, round(width * aspect))


def _label(frame: Image.Image, index: int) -> Image.Image:
    """A small step number in the corner, so a viewer can tell where the loop starts."""
    draw = ImageDraw.Draw(frame)
    font = ImageFont.load_default(size=max(12, frame.width // 24))
    text = str(index)
    left, top, right, bottom = draw.textbbox((0, 0), text, font=font)
    pad = max(3, frame.width // 96)
    box = (pad, frame.height - (bottom - top) - 3 * pad, right - left + 3 * pad, frame.height - pad)
    draw.rectangle(box, fill=BACKGROUND)
    draw.text((box[0] + pad - left, box[1] + pad - top), text, font=font, fill=LABEL_INK)
    return frame


def _encode_gif(frames: list[Image.Image], frame_ms: int) -> bytes:
    """Each frame gets its own 256-colour palette: chains drift through very different colours."""
    paletted = [
        frame.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.FLOYDSTEINBERG)
        for frame in frames
    ]
    buffer = io.BytesIO()
    paletted[0].save(
        buffer, format="GIF", save_all=True, append_images=paletted[1:],
        duration=frame_ms, loop=0, optimize=False,
    )
    return buffer.getvalue()


def _encode_webp(frames: list[Image.Image], frame_ms: int) -> bytes:
    buffer = io.BytesIO()
    frames[0].save(
        buffer, format="WEBP", save_all=True, append_images=frames[1:],
        duration=frame_ms, loop=0, quality=WEBP_QUALITY, method=4,
    )
    return buffer.getvalue()
