"""The image pipeline: what it accepts, converts and refuses."""

from __future__ import annotations

import io
import zlib
import struct

import numpy as np
import pytest
from PIL import Image

from chains import images
from chains.images import ImageRejected, clean_image


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


def test_output_is_webp_with_two_thumbnail_widths():
    clean = clean_image(encode(Image.new("RGB", (1000, 500), "teal"), "PNG"))
    assert decoded(clean.original).format == "WEBP"
    assert (clean.width, clean.height) == (1000, 500)
    assert {width: decoded(data).size for width, data in clean.thumbnails.items()} == {
        320: (320, 160), 768: (768, 384)
    }


def test_small_images_are_not_upscaled_for_thumbnails():
    clean = clean_image(encode(Image.new("RGB", (100, 80), "red"), "PNG"))
    assert decoded(clean.thumbnails[768]).size == (100, 80)


def test_exif_orientation_is_applied_and_gps_dropped():
    picture = Image.new("RGB", (40, 20), "blue")
    exif = picture.getexif()
    exif[0x0112] = 6  # rotate 90° clockwise on display
    exif[0x8825] = {1: "N", 2: (51.0, 30.0, 0.0)}
    data = encode(picture, "JPEG", exif=exif)
    result = decoded(clean_image(data).original)
    assert result.size == (20, 40)
    assert not result.getexif()
    assert "exif" not in result.info and "icc_profile" not in result.info


@pytest.mark.parametrize(
    "picture, fmt",
    [
        (Image.new("CMYK", (30, 30), (0, 255, 255, 0)), "JPEG"),
        (Image.fromarray(np.full((30, 30), 40000, dtype=np.uint16)), "PNG"),
        (Image.new("P", (30, 30), 3), "PNG"),
        (Image.new("RGBA", (30, 30), (255, 0, 0, 0)), "WEBP"),
    ],
    ids=["cmyk-jpeg", "16-bit-png", "palette-png", "transparent-webp"],
)
def test_unusual_modes_are_converted_to_rgb(picture, fmt):
    if picture.mode == "P":
        picture.info["transparency"] = 3
    result = decoded(clean_image(encode(picture, fmt)).original)
    assert result.mode == "RGB" and result.size == (30, 30)


def test_sixteen_bit_greys_keep_their_brightness():
    grey = Image.fromarray(np.full((10, 10), 32768, dtype=np.uint16))
    pixel = decoded(clean_image(encode(grey, "PNG")).original).getpixel((5, 5))
    assert all(120 <= channel <= 136 for channel in pixel)


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


@pytest.mark.parametrize(
    "data, message",
    [
        (b"", images.IMAGE_EMPTY),
        (b"<html><script>alert(1)</script></html>", images.IMAGE_UNREADABLE),
        (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', images.IMAGE_UNREADABLE),
        (png_declaring(50000, 50000), images.IMAGE_TOO_LARGE),
        (truncated_jpeg(), images.IMAGE_TRUNCATED),
        (encode(Image.new("RGB", (20, 20), "red"), "TIFF"), images.IMAGE_BAD_FORMAT),
        (animated_gif(), images.IMAGE_BAD_FORMAT),
        (animated_webp(), images.IMAGE_ANIMATED),
    ],
    ids=["empty", "html", "svg", "bomb", "truncated-jpeg", "tiff", "animated-gif", "animated-webp"],
)
def test_hostile_or_unsupported_images_are_refused_with_a_clear_message(data, message):
    with pytest.raises(ImageRejected) as refused:
        clean_image(data)
    assert refused.value.message == message


def test_a_png_with_a_script_tail_is_re_encoded_without_it():
    data = encode(Image.new("RGB", (20, 20), "green"), "PNG") + b"<script>alert(1)</script>"
    assert b"<script>" not in clean_image(data).original
