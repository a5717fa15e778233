"""Pictures in and out of the OpenAI backend: a picture sent inline as a data URL (with
its type sniffed from the bytes), and a generated picture read back from base64 or
downloaded from the short-lived URL the API answers with."""

from __future__ import annotations

import base64
import binascii
import io
from urllib.parse import urlsplit

import httpx2

from .base import ProviderError

UNREADABLE_IMAGE = "The image model sent image data that is not valid base64."
DOWNLOAD_FAILED = "Could not download the generated image from {host}: {detail}"
DOWNLOAD_TOO_LARGE = "The generated image at {host} is larger than {limit} bytes."
MAX_DOWNLOAD_BYTES = 64 * 1024 * 1024

IMAGE_SIGNATURES = {b"\x89PNG\r\n\x1a\n": "image/png", b"\xff\xd8\xff": "image/jpeg", b"GIF8": "image/gif"}


def decode_base64_image(data: str) -> bytes:
    try:
        return base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError):
        raise ProviderError(UNREADABLE_IMAGE, permanent=False) from None


class ImageDownloader:
    """Fetches `url` answers at once: the links expire within the hour.

    A plain client of its own, so the API key is never sent to the storage host.
    """

    def __init__(self, *, timeout: float, limit: int = MAX_DOWNLOAD_BYTES):
        self.limit = limit
        self.http = httpx2.Client(timeout=timeout, follow_redirects=True)

    def fetch(self, url: str) -> bytes:
        host = urlsplit(url).netloc or url
        try:
            with self.http.stream("GET", url) as response:
                if response.status_code >= 400:
                    detail = f"HTTP {response.status_code}"
                    raise ProviderError(DOWNLOAD_FAILED.format(host=host, detail=detail), permanent=False)
                return self._read_bounded(response, host)
        except httpx2.HTTPError as exc:
            detail = f"{type(exc).__name__}: {exc}"
            raise ProviderError(DOWNLOAD_FAILED.format(host=host, detail=detail), permanent=False) from exc

    def _read_bounded(self, response, host: str) -> bytes:
        buffer = bytearray()
        for chunk in response.iter_bytes():
            buffer.extend(chunk)
            if len(buffer) > self.limit:
                raise ProviderError(DOWNLOAD_TOO_LARGE.format(host=host, limit=self.limit), permanent=False)
        return bytes(buffer)


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
