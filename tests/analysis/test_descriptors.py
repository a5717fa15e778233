"""The image descriptor: the same picture matches itself, changes in colour or layout
lower the similarity, and it reads any stored format (pure: Pillow + NumPy)."""

from __future__ import annotations

import io

import numpy as np
from PIL import Image

from chains.metrics import descriptors
from chains.metrics.drift import cosine_similarity


def picture(top=(30, 60, 200), bottom=(40, 160, 60), size=(120, 120), fmt="PNG") -> bytes:
    image = Image.new("RGB", size, bottom)
    image.paste(top, (0, 0, size[0], size[1] // 2))
    buffer = io.BytesIO()
    image.save(buffer, format=fmt)
    return buffer.getvalue()


def test_descriptor_shape_and_unit_length():
    vector = descriptors.image_descriptor(picture())
    assert vector.dtype == np.float32 and vector.shape == (descriptors.DIMENSION,)
    assert np.linalg.norm(vector) == np.float32(1.0) or abs(np.linalg.norm(vector) - 1) < 1e-5


def test_same_picture_in_another_format_and_size_is_nearly_identical():
    original = descriptors.image_descriptor(picture())
    resized = descriptors.image_descriptor(picture(size=(320, 320), fmt="WEBP"))
    assert cosine_similarity(original, resized) > 0.98


def test_layout_matters_a_mirror_image_is_less_similar():
    upright = descriptors.image_descriptor(picture())
    flipped = descriptors.image_descriptor(picture(top=(40, 160, 60), bottom=(30, 60, 200)))
    # the same colours (histogram identical), in the other order (layout differs)
    assert 0.3 < cosine_similarity(upright, flipped) < 0.9


def test_colour_matters_a_different_palette_is_far():
    blue_green = descriptors.image_descriptor(picture())
    red_yellow = descriptors.image_descriptor(picture(top=(220, 40, 30), bottom=(240, 220, 40)))
    assert cosine_similarity(blue_green, red_yellow) < cosine_similarity(
        blue_green, descriptors.image_descriptor(picture(top=(40, 70, 210)))
    )


def test_stored_bytes_round_trip_and_foreign_sizes_are_refused():
    vector = descriptors.image_descriptor(picture())
    assert np.array_equal(descriptors.descriptor_from_bytes(vector.tobytes()), vector)
    assert descriptors.descriptor_from_bytes(None) is None
    assert descriptors.descriptor_from_bytes(np.ones(7, dtype=np.float32).tobytes()) is None
