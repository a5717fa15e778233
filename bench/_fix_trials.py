"""A worker app that tries candidate engine fixes without editing the engine.

Used only by `bench_orchestration.py --trials` to put a number on each fix it
suggests: the worker is started with `-A bench._fix_trials` and BENCH_TRIALS set to a
comma list of the trials below. With BENCH_TRIALS empty this is the real app, as is.

* db-reuse: keep the worker's PostgreSQL connection between tasks. Celery's Django
  fixup closes every connection before and after every task unless
  CELERY_DB_REUSE_MAX is set; here it is set, and Django's own
  `close_old_connections` (which honours CONN_MAX_AGE and CONN_HEALTH_CHECKS) runs
  around each task instead, as a web request would.
* thumb-reuse: `clean_image` re-encodes the whole picture for every thumbnail width
  the picture is not wider than (a 512 px painting gets a "768 px thumbnail" that is
  a second full-size encode); reuse the original's bytes there instead.
* webp-m2: encode WebP with method=2 instead of 4 (about half the time, ~10% larger).
"""

from __future__ import annotations

import io
import os

from telephone_site.celery import app

TRIALS = frozenset(filter(None, os.environ.get("BENCH_TRIALS", "").split(",")))
KNOWN = {"db-reuse", "thumb-reuse", "webp-m2"}
if TRIALS - KNOWN:
    raise SystemExit(f"unknown trials {sorted(TRIALS - KNOWN)}; choose from {sorted(KNOWN)}")


def _reuse_connections() -> None:
    from celery import signals
    from django.db import close_old_connections

    app.conf.CELERY_DB_REUSE_MAX = 1_000_000
    signals.task_prerun.connect(lambda **_: close_old_connections(), weak=False)
    signals.task_postrun.connect(lambda **_: close_old_connections(), weak=False)


def _patch_images() -> None:
    import django

    django.setup()
    from django.conf import settings
    from PIL import ImageOps

    from chains import images

    method = 2 if "webp-m2" in TRIALS else 4

    def encode_webp(picture, quality):
        buffer = io.BytesIO()
        picture.save(buffer, format="WEBP", quality=quality, method=method)
        return buffer.getvalue()

    def clean_image(data):
        picture = images.to_rgb(ImageOps.exif_transpose(images.open_still_image(data)))
        original = encode_webp(picture, images.ORIGINAL_QUALITY)
        thumbnails = {}
        for width in settings.TELEPHONE_THUMBNAIL_WIDTHS:
            if "thumb-reuse" in TRIALS and picture.width <= width:
                thumbnails[width] = original
            else:
                thumbnails[width] = encode_webp(images.thumbnail(picture, width), images.THUMBNAIL_QUALITY)
        return images.CleanImage(original=original, thumbnails=thumbnails,
                                 width=picture.width, height=picture.height)

    images.encode_webp = encode_webp
    images.clean_image = clean_image


if "db-reuse" in TRIALS:
    _reuse_connections()
if TRIALS & {"thumb-reuse", "webp-m2"}:
    _patch_images()
