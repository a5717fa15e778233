"""Every image that enters the project passes through here.

Uploads and provider outputs alike are sniffed, bounded, turned upright, stripped
of metadata and re-encoded, so nothing a user or an API sent is ever served as-is.

The original is kept as a quality-90 JPEG and the thumbnails as WebP. For a 1024 px
painted picture, libjpeg-turbo encodes the original in ~4 ms where WebP took ~105 ms
(~37 ms at its fastest effort) for a file of the same size, and JPEG is what every
captioner reads (llama.cpp-based servers cannot decode WebP). Thumbnails are what
pages send to every visitor, so they stay in the smaller format; each is resized from
the next larger one, so only the first resize filters the full picture.
Files go to storage keys derived from (chain, index, token), where the token is the
ledger row of the call that made the picture (a random id). Two attempts at one
step therefore never write the same file, a late answer cannot overwrite the
picture a step shows, and a file is only ever found again through the ledger row
that names it, never by its path: a reset database with the old media folder (or
bucket) cannot adopt another database's pictures.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.core.files.storage import Storage, default_storage
from PIL import Image, ImageOps

from .errors import UserFacingError
from .task_clock import IMAGE, in_section

ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP", "MPO"}
# Step field → width. Tiny for list cards (1x screens), small for cards on 2x screens
# and timelines, large for the step viewer and permalinks. Originals are never listed.
THUMBNAIL_WIDTHS = {"thumbnail_tiny": 160, "thumbnail_small": 320, "thumbnail_large": 768}
MAX_PIXELS = 40_000_000
ORIGINAL_FORMAT = "JPEG"
ORIGINAL_EXTENSION = "jpg"
ORIGINAL_QUALITY = 90
THUMBNAIL_QUALITY = 80
# libwebp's effort per thumbnail width (0 fastest .. 6 smallest file). The large one
# costs the most to make and is only opened in the step viewer: at effort 1 it takes
# ~12 ms instead of ~17 ms (effort 2) for a file ~12% larger that looks the same
# (photos at 768 px, 2026-11-30, issue 11). The card sizes are fetched by every
# visitor of every list, so they get the smallest files.
THUMBNAIL_WEBP_METHODS = {160: 4, 320: 4, 768: 1}
# The large thumbnail is a mild reduction (1024 -> 768) where bicubic looks the same as
# Lanczos for a fifth less CPU; the card sizes shrink more and keep Lanczos' sharpness.
THUMBNAIL_RESAMPLING = {768: Image.Resampling.BICUBIC}

IMAGE_EMPTY = "The image is empty."
IMAGE_UNREADABLE = "The file is not an image we can read."
IMAGE_BAD_FORMAT = "Only JPEG, PNG and WebP images are accepted."
IMAGE_TOO_LARGE = "The image is too large: at most 40 megapixels."
IMAGE_ANIMATED = "Animated images are not accepted; send a still image."
IMAGE_TRUNCATED = "The image file is damaged or incomplete."


class ImageRejected(UserFacingError):
    """An image the project will not take; `message` is safe to show to people."""


@dataclass(frozen=True)
class CleanImage:
    """Re-encoded pixels ready to store, with their thumbnails."""

    original: bytes
    thumbnails: dict[int, bytes]
    width: int
    height: int


@dataclass(frozen=True)
class StepImageKeys:
    original: str
    thumbnails: dict[int, str]


def step_image_keys(*, chain_id: int, index: int, token: str = "") -> StepImageKeys:
    """`token` names the attempt (the ledger row's token); the engine always passes one."""
    stem = f"chains/{chain_id}/{index:03d}" + (f"-{token}" if token else "")
    widths = THUMBNAIL_WIDTHS.values()
    return StepImageKeys(
        original=f"{stem}.{ORIGINAL_EXTENSION}", thumbnails={width: f"{stem}-w{width}.webp" for width in widths}
    )


def thumbnail_fields(keys: StepImageKeys) -> dict[str, str]:
    """Step field values for stored thumbnails, e.g. {"thumbnail_tiny": "chains/1/003-w160.webp"}."""
    return {field: keys.thumbnails[width] for field, width in THUMBNAIL_WIDTHS.items()}


@in_section(IMAGE)
def clean_image(data: bytes) -> CleanImage:
    """Decode untrusted bytes safely; return a metadata-free JPEG and WebP thumbnails."""
    picture = to_rgb(upright(open_still_image(data)))
    picture.info = {}  # comments, XMP, ICC: encoders copy some of these from the image
    return CleanImage(
        original=encode(picture, ORIGINAL_FORMAT, quality=ORIGINAL_QUALITY),
        thumbnails=make_thumbnails(picture),
        width=picture.width,
        height=picture.height,
    )


def make_thumbnails(picture: Image.Image) -> dict[int, bytes]:
    """Each width from the next larger one, and each distinct size encoded once: a
    picture narrower than 768 px is its own large thumbnail, and maybe its small one."""
    encoded: dict[tuple[int, int], bytes] = {}
    thumbnails = {}
    source = picture
    for width in sorted(THUMBNAIL_WIDTHS.values(), reverse=True):
        source = thumbnail(source, width, THUMBNAIL_RESAMPLING.get(width, Image.Resampling.LANCZOS))
        if source.size not in encoded:
            encoded[source.size] = encode(
                source, "WEBP", quality=THUMBNAIL_QUALITY, method=THUMBNAIL_WEBP_METHODS.get(width, 4)
            )
        thumbnails[width] = encoded[source.size]
    return thumbnails


def open_still_image(data: bytes) -> Image.Image:
    """Sniff the real format and refuse bombs before any pixel is decoded."""
    if not data:
        raise ImageRejected(IMAGE_EMPTY)
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            picture = Image.open(io.BytesIO(data), formats=None)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise ImageRejected(IMAGE_TOO_LARGE) from None
        except Exception:  # noqa: BLE001 - Pillow's decoders raise OSError, SyntaxError, struct.error...
            raise ImageRejected(IMAGE_UNREADABLE) from None
    if picture.format not in ALLOWED_FORMATS:
        raise ImageRejected(IMAGE_BAD_FORMAT)
    if picture.width * picture.height > MAX_PIXELS:
        raise ImageRejected(IMAGE_TOO_LARGE)
    if getattr(picture, "is_animated", False) and picture.format != "MPO":
        raise ImageRejected(IMAGE_ANIMATED)
    try:
        picture.load()
    except Exception:  # noqa: BLE001 - as above: any decoder error means a broken upload
        raise ImageRejected(IMAGE_TRUNCATED) from None
    return picture


def upright(picture: Image.Image) -> Image.Image:
    """Apply the EXIF orientation in place (no copy of the pixels when there is none)."""
    ImageOps.exif_transpose(picture, in_place=True)
    return picture


def to_rgb(picture: Image.Image) -> Image.Image:
    """Flatten transparency onto white and bring any mode (CMYK, 16-bit, palette) to RGB."""
    if picture.mode in ("RGBA", "LA") or (picture.mode == "P" and "transparency" in picture.info):
        rgba = picture.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    if picture.mode in ("I;16", "I;16B", "I;16L", "I"):
        return picture.point(lambda value: value / 256).convert("L").convert("RGB")
    return picture if picture.mode == "RGB" else picture.convert("RGB")


def thumbnail(picture: Image.Image, width: int, resample: Image.Resampling = Image.Resampling.LANCZOS) -> Image.Image:
    if picture.width <= width:
        return picture
    height = max(1, round(picture.height * width / picture.width))
    return picture.resize((width, height), resample)


def encode(picture: Image.Image, image_format: str, **options) -> bytes:
    buffer = io.BytesIO()
    picture.save(buffer, format=image_format, **options)
    return buffer.getvalue()


def store_step_images(
    *, chain_id: int, index: int, token: str, image: CleanImage, storage: Storage | None = None
) -> StepImageKeys:
    """Write the original and thumbnails under this attempt's own keys."""
    storage = storage or default_storage
    keys = step_image_keys(chain_id=chain_id, index=index, token=token)
    overwrite_file(storage, keys.original, image.original)
    store_thumbnails(keys, image, storage=storage)
    return keys


def store_thumbnails(keys: StepImageKeys, image: CleanImage, storage: Storage | None = None) -> None:
    """(Re)write an original's thumbnails: a worker killed after the original may have left them half-written."""
    storage = storage or default_storage
    for width, key in keys.thumbnails.items():
        overwrite_file(storage, key, image.thumbnails[width])


def keys_for_original(original: str) -> StepImageKeys:
    """The thumbnails' keys beside an original's key (`…/003-<token>.jpg`, or .webp before)."""
    stem = original.rsplit(".", 1)[0]
    return StepImageKeys(
        original=original, thumbnails={width: f"{stem}-w{width}.webp" for width in THUMBNAIL_WIDTHS.values()}
    )


def load_stored(key: str, storage: Storage | None = None) -> bytes | None:
    """The original stored under `key` (named by a ledger row), if it is there and readable."""
    storage = storage or default_storage
    if not key or not storage.exists(key):
        return None
    with storage.open(key, "rb") as handle:
        data = handle.read()
    try:
        open_still_image(data)
    except ImageRejected:
        return None
    return data


def delete_images(original: str, storage: Storage | None = None) -> None:
    """Remove an original and its thumbnails (a losing attempt's, a deleted step's)."""
    if not original:
        return
    storage = storage or default_storage
    keys = keys_for_original(original)
    for key in (keys.original, *keys.thumbnails.values()):
        storage.delete(key)


def overwrite_file(storage: Storage, key: str, content: bytes) -> None:
    """Storage.save() renames on collision; deterministic keys need a true overwrite."""
    if storage.exists(key):
        storage.delete(key)
    saved = storage.save(key, ContentFile(content))
    if saved != key:
        raise RuntimeError(f"Storage wrote {saved!r} instead of {key!r}")
