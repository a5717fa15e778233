"""A chain as one moving picture: every step's image in turn, as a GIF, an animated WebP
or an MP4 video.

Each frame is the step's picture as a square (cropped, never letterboxed), with a band
under it: the step number and the first sentence of its caption, because in a game of
telephone the words are half the story. Text uses Pillow's bundled font
(`ImageFont.load_default(size=…)`). GIF and WebP are Pillow's; MP4 (H.264) is encoded
by the ffmpeg binary that the imageio-ffmpeg wheel ships (`chains.video`).

No ORM and no storage: the service hands in image bytes and captions and stores what
comes back, so rendering is tested without a database and the options are checked in
one place whether they come from a form, a task or the shell.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Iterable, Sequence

from PIL import Image, ImageDraw, ImageFont, ImageOps

from .captions import split_caption
from .errors import UserFacingError

FORMATS = ("gif", "webp", "mp4")
WIDTHS = (256, 512, 768)
# A few paces, not every tenth of a second from 0.1 to 5: each set of options is a
# render of several CPU-seconds kept in storage, and 3 x 3 x 4 = 36 per chain bounds
# what anyone can make the site render (issue 12; 450 before).
FRAME_TIMES = (200, 400, 800, 1600)
# Every frame time is a multiple of this; a video runs at 1000 / FRAME_MS_STEP frames a
# second and holds each picture for frame_ms / FRAME_MS_STEP of them.
FRAME_MS_STEP = 200
DEFAULT_FORMAT = "gif"
DEFAULT_WIDTH = 512
DEFAULT_FRAME_MS = 800

CONTENT_TYPES = {"gif": "image/gif", "webp": "image/webp", "mp4": "video/mp4"}
WEBP_QUALITY = 80
BACKGROUND = (17, 17, 17)
CAPTION_INK = (240, 235, 228)
LABEL_INK = (255, 143, 98)
# The caption band under each square picture, as a share of the width; frame heights
# are rounded to 16 px so video encoders take them as they are.
BAND_SHARE = 0.27
BAND_LINES = 3
MACRO_BLOCK = 16

ANIMATION_BAD_FORMAT = "Choose GIF, WebP or MP4 as the animation format."
ANIMATION_BAD_WIDTH = "Choose an animation width of 256, 512 or 768 pixels."
ANIMATION_BAD_FRAME_MS = "Choose a frame time of 200, 400, 800 or 1600 milliseconds."
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
    if frame_ms not in FRAME_TIMES:
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


def render_animation(
    *, pictures: Iterable[bytes], options: AnimationOptions, captions: Sequence[str] | None = None
) -> bytes:
    """Encode one frame per picture, in order, each shown for `options.frame_ms`.

    `captions[i]` is step i's caption (its first sentence is drawn under the picture).
    Pictures are decoded one at a time and shrunk to frame size at once, so only
    frames (never full-size images) are held while the encoder needs them all.
    GIF stores durations in hundredths of a second, so it rounds to 10 ms.
    """
    captions = list(captions or [])
    frames: list[Image.Image] = []
    for index, data in enumerate(pictures):
        square = ImageOps.fit(_decode(data, index), (options.width, options.width), Image.Resampling.LANCZOS)
        caption = captions[index] if index < len(captions) else ""
        frames.append(caption_frame(square, index=index, caption=caption))
    if not frames:
        raise AnimationError(ANIMATION_NO_PICTURES)
    if options.format == "mp4":
        from .video import encode_mp4

        return encode_mp4(frames, options.frame_ms, frame_step_ms=FRAME_MS_STEP)
    encode = _encode_gif if options.format == "gif" else _encode_webp
    return encode(frames, options.frame_ms)


def frame_height(width: int) -> int:
    """A frame is the square picture plus the caption band, in whole macro blocks."""
    return -(-round(width * (1 + BAND_SHARE)) // MACRO_BLOCK) * MACRO_BLOCK


def band_top(width: int) -> int:
    return width


def _decode(data: bytes, index: int) -> Image.Image:
    try:
        with Image.open(io.BytesIO(data)) as picture:
            return picture.convert("RGB")
    except Exception:  # noqa: BLE001 - Pillow's decoders raise many types; each means a bad frame
        raise AnimationError(ANIMATION_BAD_PICTURE.format(index=index)) from None


def caption_frame(square: Image.Image, *, index: int, caption: str) -> Image.Image:
    """The square picture over a dark band with "Step N" and the caption's first sentence."""
    width = square.width
    frame = Image.new("RGB", (width, frame_height(width)), BACKGROUND)
    frame.paste(square, (0, 0))
    draw = ImageDraw.Draw(frame)
    pad = max(8, width // 32)
    label_font = ImageFont.load_default(size=max(12, width // 30))
    text_font = ImageFont.load_default(size=max(13, width // 24))
    label = "The original" if index == 0 else f"Step {index}"
    y = width + pad * 0.8
    draw.text((pad, y), label, font=label_font, fill=LABEL_INK, stroke_width=1, stroke_fill=LABEL_INK)
    y += label_font.size * 1.35
    lines = _wrapped(draw, split_caption(caption)[0], text_font, width - 2 * pad)
    for line in lines[:BAND_LINES]:
        draw.text((pad, y), line, font=text_font, fill=CAPTION_INK)
        y += text_font.size * 1.25
    return frame


def _wrapped(draw: ImageDraw.ImageDraw, text: str, font, width: float) -> list[str]:
    """Word-wrapped lines; a text longer than BAND_LINES ends its last line with "…"."""
    lines: list[str] = []
    for word in text.split():
        trial = f"{lines[-1]} {word}" if lines else word
        if lines and draw.textlength(trial, font=font) <= width:
            lines[-1] = trial
        else:
            lines.append(word)
    if len(lines) > BAND_LINES:
        last = lines[BAND_LINES - 1]
        while last and draw.textlength(last + "…", font=font) > width:
            last = last.rsplit(" ", 1)[0] if " " in last else last[:-1]
        lines[BAND_LINES - 1] = last + "…"
    return lines[:BAND_LINES]


def _encode_gif(frames: list[Image.Image], frame_ms: int) -> bytes:
    """Each frame gets its own 256-colour palette: chains drift through very different colours."""
    paletted = [
        frame.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.FLOYDSTEINBERG)
        for frame in frames
    ]
    buffer = io.BytesIO()
    paletted[0].save(
        buffer, format="GIF", save_all=True, append_images=paletted[1:], duration=frame_ms, loop=0, optimize=False
    )
    return buffer.getvalue()


def _encode_webp(frames: list[Image.Image], frame_ms: int) -> bytes:
    buffer = io.BytesIO()
    frames[0].save(
        buffer,
        format="WEBP",
        save_all=True,
        append_images=frames[1:],
        duration=frame_ms,
        loop=0,
        quality=WEBP_QUALITY,
        method=4,
    )
    return buffer.getvalue()
