"""Pictures in and out of the OpenAI backend: a picture sent inline as a data URL (with
its type sniffed from the bytes), and a generated picture read back from base64. A
picture the API answers with a URL is fetched by `download.ImageDownloader`."""

from __future__ import annotations

import base64
import binascii
import io

from .base import ProviderError

UNREADABLE_IMAGE = "The image model sent image data that is not valid base64."

IMAGE_SIGNATURES = {b"\x89PNG\r\n\x1a\n": "image/png", b"\xff\xd8\xff": "image/jpeg", b"GIF8": "image/gif"}


def decode_base64_image(data: str) -> bytes:
    try:
        return base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError):
        raise ProviderError(UNREADABLE_IMAGE, permanent=False, kind="bad_answer") from None


def image_data_url(image: bytes) -> str:
    encoded = base64.b64encode(image).decode("ascii")
    return f"data:{image_mime_type(image)};base64,{encoded}"


def image_mime_type(data: bytes) -> str:
    """Sniffed from the bytes, since a wrong type makes the API refuse the image."""
    for signature, mime in IMAGE_SIGNATURES.items():
        if data.startswith(signature):
            return mime
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return _pillow_mime_type(data) or "image/png"


def _pillow_mime_type(data: bytes) -> str | None:
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as picture:
            return Image.MIME.get(picture.format or "")
    except (UnidentifiedImageError, OSError, ValueError):
        return None
