"""Image files for tests: ordinary, unusual and hostile, built in memory."""

from __future__ import annotations

import io
import struct
import zlib

import numpy as np
from PIL import Image


def encode(picture: Image.Image, fmt: str, **options) -> bytes:
    buffer = io.BytesIO()
    picture.save(buffer, format=fmt, **options)
    return buffer.getvalue()


def decoded(data: bytes) -> Image.Image:
    picture = Image.open(io.BytesIO(data))
    picture.load()
    return picture


def png_declaring(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims a huge canvas: a decompression bomb."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0")) + chunk(b"IEND", b"")


def truncated_jpeg() -> bytes:
    noise = np.random.default_rng(1).integers(0, 255, (200, 200, 3), dtype=np.uint8)
    data = encode(Image.fromarray(noise), "JPEG")
    return data[: len(data) // 2]


def animated_gif() -> bytes:
    frames = [Image.new("P", (20, 20), colour) for colour in (1, 2)]
    return encode(frames[0], "GIF", save_all=True, append_images=frames[1:])


def animated_webp() -> bytes:
    frames = [Image.new("RGB", (20, 20), colour) for colour in ("red", "blue")]
    return encode(frames[0], "WEBP", save_all=True, append_images=frames[1:])


def png_with_script_tail() -> bytes:
    return encode(Image.new("RGB", (20, 20), "green"), "PNG") + b"<script>alert(1)</script>"


SVG_WITH_SCRIPT = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
HTML_PAGE = b"<html><script>alert(1)</script></html>"


def cmyk_jpeg() -> bytes:
    return encode(Image.new("CMYK", (30, 30), (0, 255, 255, 0)), "JPEG")


def sixteen_bit_png() -> bytes:
    return encode(Image.fromarray(np.full((30, 30), 40000, dtype=np.uint16)), "PNG")


def palette_png_with_transparency() -> bytes:
    """Left half: palette entry 1 (red, fully transparent); right half: entry 2 (blue)."""
    picture = Image.new("P", (30, 30), 1)
    picture.putpalette([0, 0, 0, 255, 0, 0, 0, 0, 255] + [0, 0, 0] * 253)
    picture.paste(2, (15, 0, 30, 30))
    return encode(picture, "PNG", transparency=1)


def jpeg_with_gps() -> bytes:
    picture = Image.new("RGB", (40, 20), "blue")
    exif = picture.getexif()
    exif[0x0112] = 6  # rotate 90° clockwise on display
    exif[0x8825] = {1: "N", 2: (51.0, 30.0, 0.0)}
    return encode(picture, "JPEG", exif=exif)
