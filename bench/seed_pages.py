"""Seed the public-pages benchmark: 1,000 finished chains of 10 steps, plus one of 150.

    .venv/bin/python bench/seed_pages.py            # idempotent: skips when already there
    .venv/bin/python bench/seed_pages.py --reseed   # wipe the bench database's chains first

Running the real loop for 11,000+ steps would take many minutes of painting and
captioning, yet the pages only read rows and files. So this builds a small pool of
*real* pictures the way the loop would (photo origins and pictures painted from
captions by the local provider, each through `chains.images.clean_image`), captions
and embeds them with the local captioner and embedder, and bulk-creates the rows.

Every step still gets its own storage keys (`chains/<id>/<index>.jpg` and its
thumbnails, as `images.step_image_keys` names them), as hard links to the pooled
files: each page then has distinct image URLs, so a browser downloads every one as it
would on real data (shared keys would let its cache hide repeats), while the disk holds
the pool only once.

Everything lives apart from the developer's data: PostgreSQL database
`telephone_pages_bench`, Redis DB 13 for the cache, media under /tmp.
"""

from __future__ import annotations

import argparse
import io
import os
import re
import shutil
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from _harness import prepare_site, site_environment

ROOT = Path(__file__).resolve().parents[1]
PG_SERVER = os.environ.get("BENCH_PG_SERVER", "postgres://postgres@127.0.0.1:5432")
DB_NAME = os.environ.get("BENCH_PAGES_DB_NAME", "telephone_pages_bench")
REDIS_URL = os.environ.get("BENCH_PAGES_REDIS_URL", "redis://127.0.0.1:6379/13")
WORK_DIR = Path(os.environ.get("BENCH_PAGES_DIR", "/tmp/telephone_pages_bench"))
MEDIA_ROOT = WORK_DIR / "media"
POOL_DIR = "bench_pool"  # under MEDIA_ROOT; the per-step keys link here

CHAIN_COUNT = 1000
CHAIN_STEPS = 10  # target_length: steps 0..10, i.e. 11 rows per chain, as the loop makes
LONG_STEPS = 150
LINEAGE_SEEDS = (11, 29)  # two painted lineages per origin photo
CAPTION_WORDS = (80, 120)
FEATURED = 8
TITLE_PREFIX = "Bench · "


# --- environment -----------------------------------------------------------------------


def bench_environment() -> dict:
    return site_environment(db_name=DB_NAME, redis_url=REDIS_URL, work_dir=WORK_DIR, media_root=MEDIA_ROOT)


def prepare() -> dict:
    """Environment, database, Django and schema (`_harness.prepare_site`)."""
    return prepare_site(db_name=DB_NAME, redis_url=REDIS_URL, work_dir=WORK_DIR, media_root=MEDIA_ROOT)


# --- the pool of real pictures and captions ----------------------------------------------


@dataclass(frozen=True)
class PoolImage:
    """One cleaned picture stored once under POOL_DIR, in its three encodings."""

    stem: str
    width: int
    height: int
    sizes: dict  # {"original": bytes, 320: bytes, 768: bytes}
    painted: bool


@dataclass(frozen=True)
class PoolStep:
    """A step's content: its picture, the caption written of it, and that caption's vector."""

    image: PoolImage
    caption: str
    prompt: str  # what the painter was given ("" for an origin)
    vector: object  # float32 numpy array


def origin_photos() -> list[bytes]:
    """Four distinct photographs (scikit-learn's bundled samples, as the demo chains use).

    Photos, not drawings: uploads are photos, and they weigh several times a painted
    picture once encoded, which matters for the bytes-per-page bars.
    """
    import numpy as np
    from PIL import Image
    from sklearn.datasets import load_sample_image

    china, flower = load_sample_image("china.jpg"), load_sample_image("flower.jpg")
    variants = [
        china,
        flower,
        np.ascontiguousarray(china[:, ::-1, ::-1]),
        np.ascontiguousarray(flower[:, 100:527][:, ::-1]),
    ]
    encoded = []
    for pixels in variants:
        buffer = io.BytesIO()
        Image.fromarray(pixels).save(buffer, format="PNG")
        encoded.append(buffer.getvalue())
    return encoded


def caption_of(providers, image: bytes, seed: int) -> str:
    """An obsessive local caption cut at a sentence boundary to 80-120 words.

    That is the length of a real "very detailed" vision-model caption; the local
    captioner's own levels give 20, 48, 73 or ~180 words.
    """
    from chains.providers.base import CaptionRequest

    text = providers.captioner.caption(
        CaptionRequest(image=image, instructions="", detail="obsessively", seed=seed)
    ).text
    kept: list[str] = []
    for sentence in re.split(r"(?<=[.!?])\s+", text):
        if sum(len(s.split()) for s in kept) >= CAPTION_WORDS[0]:
            break
        kept.append(sentence)
    words = " ".join(kept).split()
    return " ".join(words[: CAPTION_WORDS[1]])


def store_pool_image(clean, *, stem: str, painted: bool) -> PoolImage:
    """Write the original and both thumbnails once, under the pool folder."""
    from chains import images

    folder = MEDIA_ROOT / POOL_DIR
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{stem}.{images.ORIGINAL_EXTENSION}").write_bytes(clean.original)
    sizes = {"original": len(clean.original)}
    for width, data in clean.thumbnails.items():
        (folder / f"{stem}-w{width}.webp").write_bytes(data)
        sizes[width] = len(data)
    return PoolImage(stem=stem, width=clean.width, height=clean.height, sizes=sizes, painted=painted)


def build_lineage(origin: bytes, *, number: int, seed: int) -> list[PoolStep]:
    """One chain's worth of content made by the real loop's steps: caption, paint, clean."""
    from chains import images, modes
    from chains.providers import build_providers
    from chains.providers.base import PaintRequest

    providers = build_providers("local")
    clean, prompt, lineage = images.clean_image(origin), "", []
    for index in range(CHAIN_STEPS + 1):
        stored = store_pool_image(clean, stem=f"{number:02d}-{index:03d}", painted=index > 0)
        caption = caption_of(providers, clean.original, seed + index)
        vector = providers.embedder.embed([caption]).vectors[0].astype("float32")
        lineage.append(PoolStep(image=stored, caption=caption, prompt=prompt, vector=vector))
        if index < CHAIN_STEPS:
            prompt = modes.paint_prompt(mode="telephone", caption=caption)
            painted = providers.painter.paint(PaintRequest(prompt=prompt, seed=seed + index + 1, step_index=index + 1))
            clean = images.clean_image(painted.image)
    return lineage


def build_pool() -> list[list[PoolStep]]:
    """Eight lineages: four origin photos, each followed by two seeds of painting."""
    shutil.rmtree(MEDIA_ROOT / POOL_DIR, ignore_errors=True)
    photos = origin_photos()
    return [
        build_lineage(photo, number=number * len(LINEAGE_SEEDS) + k, seed=seed)
        for number, photo in enumerate(photos)
        for k, seed in enumerate(LINEAGE_SEEDS)
    ]


def long_lineage(pool: list[list[PoolStep]]) -> list[PoolStep]:
    """151 steps for the long chain: one origin, then the pool's painted steps in turn."""
    painted = [step for lineage in pool for step in lineage[1:]]
    return [pool[0][0], *(painted[i % len(painted)] for i in range(LONG_STEPS))]


# --- figures derived from the content ----------------------------------------------------


@dataclass(frozen=True)
class Drift:
    to_origin: list
    to_previous: list
    drift: float | None
    projection: list


def drift_of(steps: list[PoolStep]) -> Drift:
    """What the embed phase and chain completion would have stored, from the real functions."""
    import numpy as np

    from chains.metrics import drift as analysis

    vectors = np.vstack([step.vector for step in steps])
    to_origin, to_previous = analysis.similarity_series(vectors)
    points = analysis.project_2d(vectors)
    return Drift(
        to_origin=[float(v) for v in to_origin],
        to_previous=[float(v) for v in to_previous],
        drift=analysis.mean_cumulative_drift(to_origin),
        projection=[[round(float(x), 4), round(float(y), 4)] for x, y in points],
    )


# --- rows ----------------------------------------------------------------------------------


MODES = ("telephone", "more", "story")
THEMES = {"telephone": "", "more": "golden", "story": "a traveller looks for shelter"}
DETAILS = ("somewhat", "very", "excessively", "obsessively")


def chain_row(*, number: int, steps: list[PoolStep], drift: Drift, created_at, snapshot: dict):
    """An unsaved, completed, public Chain whose figures match its steps."""
    from chains.models import Chain, Status, Visibility

    mode = MODES[number % len(MODES)]
    target = len(steps) - 1
    title = "" if number % 4 == 3 else TITLE_PREFIX + " ".join(steps[0].caption.split()[:6]).rstrip(".,")
    return Chain(
        title=title[:120],
        mode=mode,
        detail=DETAILS[(number // 3) % len(DETAILS)],
        theme=THEMES[mode],
        target_length=target,
        status=Status.COMPLETED,
        visibility=Visibility.PUBLIC,
        is_featured=number < FEATURED,
        featured_order=number,
        provider="local",
        provider_settings=snapshot,
        created_at=created_at,
        started_at=created_at,
        progressed_at=created_at + timedelta(seconds=2 * target),
        finished_at=created_at + timedelta(seconds=2 * target + 1),
        images_generated=target,
        drift=drift.drift,
        drift_curve=[round(v, 4) for v in drift.to_origin],
        projection=drift.projection,
        input_tokens=130 * (target + 1),
        output_tokens=100 * (target + 1),
        embedding_tokens=100 * (target + 1),
    )


def step_rows(chain, steps: list[PoolStep], drift: Drift, snapshot: dict) -> list:
    """Unsaved Steps at the chain's own storage keys (linked to the pool in `link_media`)."""
    from chains import images
    from chains.models import Screening, Step

    rows = []
    for index, step in enumerate(steps):
        keys = images.step_image_keys(chain_id=chain.pk, index=index)
        at = chain.started_at + timedelta(seconds=2 * index)
        rows.append(
            Step(
                chain_id=chain.pk,
                index=index,
                image=keys.original,
                **images.thumbnail_fields(keys),
                width=step.image.width,
                height=step.image.height,
                image_screen=Screening.PASSED,  # as the loop leaves a published step; pending ones are hidden
                caption=step.caption,
                caption_model=snapshot["caption_model"],
                paint_prompt=step.prompt,
                image_model=snapshot["image_model"] if index else "",
                image_params={"size": "512x512"} if index else {},
                embedding=step.vector.tobytes(),
                embedding_model=snapshot["embedding_model"],
                embedding_dimension=int(step.vector.shape[0]),
                similarity_to_origin=drift.to_origin[index],
                similarity_to_previous=drift.to_previous[index],
                paint_ms=40 if index else None,
                caption_ms=15,
                embed_ms=1,
                input_tokens=130,
                output_tokens=len(step.caption.split()),
                embedding_tokens=len(step.caption.split()),
                images_generated=1 if index else 0,
                captioned_at=at,
                embedded_at=at,
            )
        )
    return rows


def link_media(chain_id: int, steps: list[PoolStep]) -> None:
    """Hard-link each step's three keys to the pooled files: distinct URLs, one copy on disk."""
    from chains import images

    pool = MEDIA_ROOT / POOL_DIR
    (MEDIA_ROOT / "chains" / str(chain_id)).mkdir(parents=True, exist_ok=True)
    for index, step in enumerate(steps):
        keys = images.step_image_keys(chain_id=chain_id, index=index)
        pairs = [(keys.original, f"{step.image.stem}.{images.ORIGINAL_EXTENSION}")] + [
            (key, f"{step.image.stem}-w{width}.webp") for width, key in keys.thumbnails.items()
        ]
        for key, source in pairs:
            target = MEDIA_ROOT / key
            if target.exists():
                target.unlink()
            os.link(pool / source, target)


# --- seeding ---------------------------------------------------------------------------------


def expected_counts() -> tuple[int, int]:
    return CHAIN_COUNT + 1, CHAIN_COUNT * (CHAIN_STEPS + 1) + LONG_STEPS + 1


def is_seeded() -> bool:
    """Rows and files both there: /tmp may have been cleared while the database kept its rows."""
    from chains.models import Chain, Step

    chains, steps = expected_counts()
    if Chain.objects.count() != chains or Step.objects.count() != steps:
        return False
    if Chain.objects.filter(target_length=LONG_STEPS).count() != 1:
        return False
    sample = Step.objects.order_by("?")[:20]
    return all(
        (MEDIA_ROOT / name).exists()
        for step in sample
        for name in (step.image.name, step.thumbnail_tiny.name, step.thumbnail_small.name, step.thumbnail_large.name)
    )


def wipe() -> None:
    """The database and media folder are the bench's alone: clear them outright."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE chains_chainanimation, chains_step, chains_chain RESTART IDENTITY CASCADE")
    shutil.rmtree(MEDIA_ROOT / "chains", ignore_errors=True)


def plan(pool: list[list[PoolStep]]) -> list[list[PoolStep]]:
    """Which content each chain gets: lineages in turn, and the long chain in the middle."""
    chains = [pool[number % len(pool)] for number in range(CHAIN_COUNT)]
    chains.insert(CHAIN_COUNT // 2, long_lineage(pool))
    return chains


def insert_rows(contents: list[list[PoolStep]], drifts: dict) -> None:
    """Bulk-create chains (newest first, 37 min apart), fix created_at, then steps and files."""
    from django.db import transaction
    from django.utils import timezone

    from chains.models import Chain, Step
    from chains.providers import build_providers

    snapshot = build_providers("local").snapshot
    now = timezone.now().replace(microsecond=0)
    chains = [
        chain_row(
            number=number,
            steps=steps,
            drift=drifts[id(steps)],
            created_at=now - timedelta(minutes=37 * number),
            snapshot=snapshot,
        )
        for number, steps in enumerate(contents)
    ]
    with transaction.atomic():
        Chain.objects.bulk_create(chains, batch_size=500)
        # auto_now_add stamped "now" on every row (and instance); put the spread back.
        for chain in chains:
            chain.created_at = chain.started_at
        Chain.objects.bulk_update(chains, ["created_at"], batch_size=500)
        rows = [
            row
            for chain, steps in zip(chains, contents, strict=True)
            for row in step_rows(chain, steps, drifts[id(steps)], snapshot)
        ]
        Step.objects.bulk_create(rows, batch_size=2000)
    for chain, steps in zip(chains, contents, strict=True):
        link_media(chain.pk, steps)


def analyze_and_bump() -> None:
    """Planner statistics as a live database would have them, and a new content version."""
    from django.db import connection

    from chains.cache import content_changed

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE chains_chain, chains_step")
    content_changed()


def seed(*, force: bool = False) -> dict:
    """Seed unless already seeded; returns the seconds each stage took (empty when skipped)."""
    if not force and is_seeded():
        return {}
    timings, started = {}, time.perf_counter()
    wipe()
    pool = build_pool()
    timings["pool (paint, caption, clean, embed)"] = time.perf_counter() - started
    contents = plan(pool)
    mark = time.perf_counter()
    drifts = {id(steps): drift_of(steps) for steps in {id(c): c for c in contents}.values()}
    timings["drift and projections"] = time.perf_counter() - mark
    mark = time.perf_counter()
    insert_rows(contents, drifts)
    timings["rows and media links"] = time.perf_counter() - mark
    analyze_and_bump()
    timings["total"] = time.perf_counter() - started
    return timings


def pool_image_sizes() -> dict:
    """Bytes of the pooled files by kind, so reports can say what one picture weighs."""
    sizes: dict = {}
    for path in sorted((MEDIA_ROOT / POOL_DIR).glob("*.*")):
        origin = path.name.split("-")[1].startswith("000")
        width = path.stem.rsplit("-w", 1)[1] if "-w" in path.stem else "original"
        sizes.setdefault(("photo" if origin else "painted", width), []).append(path.stat().st_size)
    return sizes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reseed", action="store_true", help="wipe and seed again")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    prepare()
    timings = seed(force=args.reseed)
    if not timings:
        print(f"Already seeded ({expected_counts()[0]} chains); checked in {time.perf_counter() - started:.1f} s.")
    for stage, seconds in timings.items():
        print(f"{stage:40s} {seconds:7.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
