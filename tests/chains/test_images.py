"""The image pipeline: what it accepts, converts and refuses."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from chains import images
from chains.images import ImageRejected, clean_image
from tests.support.images import (
    HTML_PAGE,
    SVG_WITH_SCRIPT,
    animated_gif,
    animated_webp,
    decoded,
    encode,
    jpeg_with_gps,
    palette_png_with_transparency,
    png_declaring,
    png_with_script_tail,
    truncated_jpeg,
)


def test_output_is_a_jpeg_original_with_webp_thumbnails_of_three_widths():
    clean = clean_image(encode(Image.new("RGB", (1000, 500), "teal"), "PNG"))
    assert decoded(clean.original).format == "JPEG"
    assert (clean.width, clean.height) == (1000, 500)
    assert {width: decoded(data).size for width, data in clean.thumbnails.items()} == {
        160: (160, 80),
        320: (320, 160),
        768: (768, 384),
    }
    assert {decoded(data).format for data in clean.thumbnails.values()} == {"WEBP"}


def test_keys_carry_each_files_format():
    keys = images.step_image_keys(chain_id=4, index=2)
    assert keys.original == "chains/4/002.jpg"
    assert set(keys.thumbnails.values()) == {f"chains/4/002-w{width}.webp" for width in (160, 320, 768)}


def test_small_images_are_not_upscaled_and_one_size_is_encoded_once():
    clean = clean_image(encode(Image.new("RGB", (100, 80), "red"), "PNG"))
    assert decoded(clean.thumbnails[768]).size == (100, 80)
    assert clean.thumbnails[768] is clean.thumbnails[320] is clean.thumbnails[160]


def test_thumbnails_keep_the_pictures_colours():
    left_right = np.zeros((600, 1200, 3), dtype=np.uint8)
    left_right[:, :600] = (200, 30, 30)
    left_right[:, 600:] = (30, 30, 200)
    for data in clean_image(encode(Image.fromarray(left_right), "PNG")).thumbnails.values():
        picture = np.asarray(decoded(data).convert("RGB"), dtype=int)
        width = picture.shape[1]
        assert np.abs(picture[:, : width // 4] - (200, 30, 30)).max() < 20
        assert np.abs(picture[:, -width // 4 :] - (30, 30, 200)).max() < 20


def test_comments_and_xmp_are_not_carried_into_the_original():
    source = encode(
        Image.new("RGB", (40, 30), "olive"), "JPEG", comment=b"secret note", xmp=b"<x:xmpmeta>GPS 51.5,-0.1</x:xmpmeta>"
    )
    assert b"secret note" in source and b"GPS" in source
    original = clean_image(source).original
    assert b"secret note" not in original and b"GPS" not in original
    assert "comment" not in decoded(original).info and "xmp" not in decoded(original).info


def test_exif_orientation_is_applied_and_gps_dropped():
    result = decoded(clean_image(jpeg_with_gps()).original)
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


def test_palette_transparency_is_flattened_onto_white():
    result = decoded(clean_image(palette_png_with_transparency()).original)
    left, right = result.getpixel((5, 15)), result.getpixel((25, 15))
    assert min(left) > 240, "the transparent red half becomes white"
    assert right[2] > 200 and right[0] < 40, "the opaque half stays blue"


def test_sixteen_bit_greys_keep_their_brightness():
    grey = Image.fromarray(np.full((10, 10), 32768, dtype=np.uint16))
    pixel = decoded(clean_image(encode(grey, "PNG")).original).getpixel((5, 5))
    assert all(120 <= channel <= 136 for channel in pixel)


@pytest.mark.parametrize(
    "data, message",
    [
        (b"", images.IMAGE_EMPTY),
        (HTML_PAGE, images.IMAGE_UNREADABLE),
        (SVG_WITH_SCRIPT, images.IMAGE_UNREADABLE),
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
    assert b"<script>" not in clean_image(png_with_script_tail()).original
