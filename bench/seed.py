"""The benches' one seeder: two data sets, made the same way, each in its own places.

    .venv/bin/python bench/seed.py pages            # idempotent: skips what is already there
    .venv/bin/python bench/seed.py atlas --reseed   # wipe that data set's chains first

Running the loop for tens of thousands of steps would take most of an hour, yet the
pages and the atlas only read rows and files. So each data set plays a small *pool*
of real content once, the way the loop would (pictures through
`chains.images.clean_image`, captions and vectors from the local provider), and
bulk-creates its chains from the pool, with the figures the loop would store
(similarities, drift) computed by the project's own functions. Every step gets its
own storage keys (`chains/<id>/<index>…`, as `images.step_image_keys` names them) as
hard links to the pooled files: each page then has distinct image URLs, so a browser
downloads every one as on real data, while the disk holds the pool only once.

- `pages` (`bench_pages.py`, `bench_page_cost.py`, `bench_load.py`): 1,000 finished
  public chains of 10 steps plus one of 150. The pool: 4 photos (scikit-learn's
  samples), each followed by two seeds of painting, captions cut to 80–120 words.
- `atlas` (`bench_atlas_*.py`): 1,000 finished public chains of 20 captions (20,000
  steps). The pool: 60 offline chains (~65 s, cached in `pool.json`); chain c follows
  pool chain c mod 60 with one sentence of each caption swapped for another pool
  chain's and one colour renamed, so the captions are distinct but drift like real
  ones; image descriptors are real.

Each data set has its own PostgreSQL database, Redis database (the page cache) and
folder under /tmp, never the developer's; the BENCH_PAGES_* and BENCH_ATLAS_*
variables move them.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import re
import shutil
import sys
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _harness import flush_redis, prepare_site, site_environment

POOL_DIR = "bench_pool"  # under the media root; the per-step keys link here


@dataclass(frozen=True)
class DataSet:
    """Where one data set lives: database, Redis database (page cache) and folder."""

    name: str
    db_name: str
    redis_url: str
    work_dir: Path

    @property
    def media_root(self) -> Path:
        return self.work_dir / "media"

    def environment(self) -> dict:
        """The environment its seeder, server and client share (`_harness.site_environment`)."""
        return site_environment(
            db_name=self.db_name, redis_url=self.redis_url, work_dir=self.work_dir, media_root=self.media_root
        )

    def prepare(self) -> dict:
        """Environment, database, Django and schema (`_harness.prepare_site`)."""
        return prepare_site(
            db_name=self.db_name, redis_url=self.redis_url, work_dir=self.work_dir, media_root=self.media_root
        )

    def flush_cache(self) -> None:
        flush_redis(self.redis_url)


PAGES = DataSet(
    name="pages",
    db_name=os.environ.get("BENCH_PAGES_DB_NAME", "telephone_pages_bench"),
    redis_url=os.environ.get("BENCH_PAGES_REDIS_URL", "redis://127.0.0.1:6379/13"),
    work_dir=Path(os.environ.get("BENCH_PAGES_DIR", "/tmp/telephone_pages_bench")),
)
ATLAS = DataSet(
    name="atlas",
    db_name=os.environ.get("BENCH_ATLAS_DB_NAME", "telephone_atlas_bench"),
    redis_url=os.environ.get("BENCH_ATLAS_REDIS_URL", "redis://127.0.0.1:6379/10"),
    work_dir=Path(os.environ.get("BENCH_ATLAS_DIR", "/tmp/telephone_atlas_bench")),
)


# --- what both data sets do alike -------------------------------------------------------------


def store_pool_picture(data: DataSet, clean, *, stem: str) -> dict[str, str]:
    """A cleaned picture written once under the pool folder, as the loop stores a step's:
    {step field: storage key} for the original and each thumbnail."""
    from chains import images

    (data.media_root / POOL_DIR).mkdir(parents=True, exist_ok=True)
    fields = {"image": f"{POOL_DIR}/{stem}.{images.ORIGINAL_EXTENSION}"}
    (data.media_root / fields["image"]).write_bytes(clean.original)
    for field, width in images.THUMBNAIL_WIDTHS.items():
        fields[field] = f"{POOL_DIR}/{stem}-w{width}.webp"
        (data.media_root / fields[field]).write_bytes(clean.thumbnails[width])
    return fields


def link_step_files(data: DataSet, *, chain_id: int, index: int, pool_fields: dict[str, str]) -> dict[str, str]:
    """The step's own keys as hard links to its pooled files; its field values."""
    from chains import images

    keys = images.step_image_keys(chain_id=chain_id, index=index)
    fields = {"image": keys.original, **images.thumbnail_fields(keys)}
    for field, key in fields.items():
        target = data.media_root / key
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.exists():
            target.unlink()
        os.link(data.media_root / pool_fields[field], target)
    return fields


def is_seeded(data: DataSet, *, chains: int, steps: int) -> bool:
    """Rows and files both there: /tmp may have been cleared while the database kept its rows."""
    from chains.models import Chain, Step

    if Chain.objects.count() != chains or Step.objects.count() != steps:
        return False
    return all(
        (data.media_root / name).exists()
        for step in Step.objects.order_by("?")[:20]
        for name in (step.image.name, step.thumbnail_tiny.name, step.thumbnail_small.name, step.thumbnail_large.name)
    )


def wipe(data: DataSet) -> None:
    """The database and media folder are the bench's alone: clear them outright."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE chains_chainanimation, chains_step, chains_chain RESTART IDENTITY CASCADE")
    shutil.rmtree(data.media_root / "chains", ignore_errors=True)


def analyze_and_bump() -> None:
    """Planner statistics as a live database would have them, and a new content version."""
    from django.db import connection

    from chains.cache import content_changed

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    content_changed()


# --- pages: 1,000 chains of 10 steps and one of 150, from real photos ------------------------

CHAIN_COUNT = 1000
CHAIN_STEPS = 10  # target_length: steps 0..10, i.e. 11 rows per chain, as the loop makes
LONG_STEPS = 150
LINEAGE_SEEDS = (11, 29)  # two painted lineages per origin photo
CAPTION_WORDS = (80, 120)
FEATURED = 8
TITLE_PREFIX = "Bench · "
MODES = ("telephone", "more", "story")
THEMES = {"telephone": "", "more": "golden", "story": "a traveller looks for shelter"}
DETAILS = ("somewhat", "very", "excessively", "obsessively")


@dataclass(frozen=True)
class PoolStep:
    """A step's content: its stored picture, the caption written of it, and that caption's vector."""

    fields: dict  # {step field: pool storage key}
    width: int
    height: int
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
    """An obsessive local caption cut at a sentence boundary to 80-120 words: the length
    of a real "very detailed" caption (the local captioner's levels give 20-180 words)."""
    from chains.providers.base import CaptionRequest

    text = providers.captioner.caption(
        CaptionRequest(image=image, instructions="", detail="obsessively", seed=seed)
    ).text
    kept: list[str] = []
    for sentence in re.split(r"(?<=[.!?])\s+", text):
        if sum(len(s.split()) for s in kept) >= CAPTION_WORDS[0]:
            break
        kept.append(sentence)
    return " ".join(" ".join(kept).split()[: CAPTION_WORDS[1]])


def build_lineage(origin: bytes, *, number: int, seed: int) -> list[PoolStep]:
    """One chain's worth of content made by the real loop's steps: caption, paint, clean."""
    from chains import images, modes
    from chains.providers import build_providers
    from chains.providers.base import PaintRequest

    providers = build_providers("local")
    clean, prompt, lineage = images.clean_image(origin), "", []
    for index in range(CHAIN_STEPS + 1):
        fields = store_pool_picture(PAGES, clean, stem=f"{number:02d}-{index:03d}")
        caption = caption_of(providers, clean.original, seed + index)
        vector = providers.embedder.embed([caption]).vectors[0].astype("float32")
        lineage.append(PoolStep(fields, clean.width, clean.height, caption, prompt, vector))
        if index < CHAIN_STEPS:
            prompt = modes.paint_prompt(mode="telephone", caption=caption)
            painted = providers.painter.paint(PaintRequest(prompt=prompt, seed=seed + index + 1, step_index=index + 1))
            clean = images.clean_image(painted.image)
    return lineage


def build_pages_pool() -> list[list[PoolStep]]:
    """Eight lineages: four origin photos, each followed by two seeds of painting."""
    shutil.rmtree(PAGES.media_root / POOL_DIR, ignore_errors=True)
    return [
        build_lineage(photo, number=number * len(LINEAGE_SEEDS) + k, seed=seed)
        for number, photo in enumerate(origin_photos())
        for k, seed in enumerate(LINEAGE_SEEDS)
    ]


def pages_plan(pool: list[list[PoolStep]]) -> list[list[PoolStep]]:
    """Which content each chain gets: lineages in turn, and the long chain (one origin,
    then the pool's painted steps in turn) in the middle."""
    chains = [pool[number % len(pool)] for number in range(CHAIN_COUNT)]
    painted = [step for lineage in pool for step in lineage[1:]]
    chains.insert(CHAIN_COUNT // 2, [pool[0][0], *(painted[i % len(painted)] for i in range(LONG_STEPS))])
    return chains


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
    return Drift(
        to_origin=[float(v) for v in to_origin],
        to_previous=[float(v) for v in to_previous],
        drift=analysis.mean_cumulative_drift(to_origin),
        projection=[[round(float(x), 4), round(float(y), 4)] for x, y in analysis.project_2d(vectors)],
    )


def pages_chain_row(*, number: int, steps: list[PoolStep], drift: Drift, created_at, snapshot: dict):
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


def pages_step_rows(chain, steps: list[PoolStep], drift: Drift, snapshot: dict) -> list:
    """Unsaved Steps at the chain's own storage keys, linked to the pool."""
    from chains.models import Screening, Step

    rows = []
    for index, step in enumerate(steps):
        at = chain.started_at + timedelta(seconds=2 * index)
        rows.append(
            Step(
                chain_id=chain.pk,
                index=index,
                **link_step_files(PAGES, chain_id=chain.pk, index=index, pool_fields=step.fields),
                width=step.width,
                height=step.height,
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


def insert_pages_rows(contents: list[list[PoolStep]], drifts: dict) -> None:
    """Bulk-create chains (newest first, 37 min apart), put created_at back, then steps."""
    from django.db import transaction
    from django.utils import timezone

    from chains.models import Chain, Step
    from chains.providers import build_providers

    snapshot = build_providers("local").snapshot
    now = timezone.now().replace(microsecond=0)
    chains = [
        pages_chain_row(
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
            for row in pages_step_rows(chain, steps, drifts[id(steps)], snapshot)
        ]
        Step.objects.bulk_create(rows, batch_size=2000)


def pages_counts() -> tuple[int, int]:
    return CHAIN_COUNT + 1, CHAIN_COUNT * (CHAIN_STEPS + 1) + LONG_STEPS + 1


def seed_pages(*, force: bool = False) -> dict:
    """Seed the pages data set unless it is there; the seconds each stage took (empty when skipped)."""
    from chains.models import Chain

    chains, steps = pages_counts()
    seeded = is_seeded(PAGES, chains=chains, steps=steps)
    if not force and seeded and Chain.objects.filter(target_length=LONG_STEPS).count() == 1:
        return {}
    timings, started = {}, time.perf_counter()
    wipe(PAGES)
    pool = build_pages_pool()
    timings["pool (paint, caption, clean, embed)"] = time.perf_counter() - started
    contents = pages_plan(pool)
    mark = time.perf_counter()
    drifts = {id(steps): drift_of(steps) for steps in {id(c): c for c in contents}.values()}
    timings["drift and projections"] = time.perf_counter() - mark
    mark = time.perf_counter()
    insert_pages_rows(contents, drifts)
    timings["rows and media links"] = time.perf_counter() - mark
    analyze_and_bump()
    timings["total"] = time.perf_counter() - started
    return timings


def pool_image_sizes() -> dict:
    """Bytes of the pages pool's files by kind, so reports can say what one picture weighs."""
    sizes: dict = {}
    for path in sorted((PAGES.media_root / POOL_DIR).glob("*.*")):
        origin = path.name.split("-")[1].startswith("000")
        width = path.stem.rsplit("-w", 1)[1] if "-w" in path.stem else "original"
        sizes.setdefault(("photo" if origin else "painted", width), []).append(path.stat().st_size)
    return sizes


# --- atlas: 1,000 chains of 20 captions, from 60 offline chains --------------------------------

ATLAS_CHAINS = 1000
ATLAS_STEPS = 20  # captions per chain: step 0 and 19 painted steps
ATLAS_POOL_CHAINS = 60
ATLAS_TITLE_PREFIX = "Atlas bench · "


def play_atlas_pool() -> list[dict]:
    """ATLAS_POOL_CHAINS real offline chains (captions + painted pictures), cached on disk,
    played as the engine plays them (`play_chain`: its prompts and seeds)."""
    cached = ATLAS.work_dir / "pool.json"
    if cached.exists():
        return json.loads(cached.read_text())
    from chains import images
    from chains.metrics import descriptors
    from chains.providers.base import PaintRequest
    from chains.providers.local import build
    from chains.providers.local.lexicon import MOTIF_NOUNS as MOTIF_WORDS
    from chains.providers.local.samples import play_chain
    from chains.providers.local.vocabulary import COLOURS

    providers, motifs, colours = build({}), sorted(MOTIF_WORDS), [name for name, _ in COLOURS]
    pool = []
    for number in range(ATLAS_POOL_CHAINS):
        rng = random.Random(number)
        prompt = (
            f"a {rng.choice(colours)} {rng.choice(motifs)} beside a {rng.choice(colours)} "
            f"{rng.choice(motifs)} under a {rng.choice(colours)} sky with {rng.choice(motifs)}"
        )
        detail = DETAILS[number % 4]
        mode = ("telephone", "telephone", "more", "story")[(number // 4) % 4]
        theme = "golden" if mode != "telephone" else ""
        image = providers.painter.paint(PaintRequest(prompt=prompt, seed=number, step_index=0)).image
        steps = []
        played = play_chain(providers, image, steps=ATLAS_STEPS - 1, seed=number, mode=mode, detail=detail, theme=theme)
        for index, step in enumerate(played):
            clean = images.clean_image(step.image)
            picture = store_pool_picture(ATLAS, clean, stem=f"{number:02d}-{index:02d}")
            picture["descriptor"] = descriptors.image_descriptor(clean.thumbnails[320]).tobytes().hex()
            steps.append({"caption": step.caption, "image": picture})
        pool.append({"detail": detail, "mode": mode, "theme": theme, "steps": steps})
        print(f"  pool chain {number + 1}/{ATLAS_POOL_CHAINS}", end="\r", flush=True)
    cached.write_text(json.dumps(pool))
    print()
    return pool


def _sentences(caption: str) -> list[str]:
    return [part.strip() + "." for part in caption.split(".") if part.strip()]


def synthetic_captions(pool: list[dict], chain: int, colours: list[str]) -> tuple[dict, list[str]]:
    """Pool chain `chain mod 60`, each caption with one sentence from another pool chain
    at the same step and one colour renamed (one-sentence captions get the colour only)."""
    rng = random.Random(chain)
    source = pool[chain % len(pool)]
    captions = []
    for index, step in enumerate(source["steps"]):
        sentences = _sentences(step["caption"])
        other = _sentences(pool[rng.randrange(len(pool))]["steps"][index]["caption"])
        if len(sentences) > 1 and other:
            position = rng.randrange(1, len(sentences))
            sentences[position] = other[min(position, len(other) - 1)]
        caption = " ".join(sentences)
        named = [colour for colour in colours if f" {colour}" in caption]
        if named:
            caption = caption.replace(f" {rng.choice(named)}", f" {rng.choice(colours)}", 1)
        captions.append(caption)
    return source, captions


def atlas_chain(number: int, source: dict, captions: list[str], *, embedder, snapshot: dict, now) -> tuple:
    """An unsaved Chain and its steps' fields, with real vectors, similarities and descriptors."""
    import numpy as np

    from chains.metrics import drift as analysis
    from chains.models import Chain, Screening, Status

    vectors = embedder.embed(captions).vectors
    to_origin, to_previous = analysis.similarity_series(vectors)
    pictures = [np.frombuffer(bytes.fromhex(step["image"]["descriptor"]), dtype=np.float32) for step in source["steps"]]
    image_origin, image_previous = analysis.similarity_series(np.vstack(pictures))
    chain = Chain(
        title=f"{ATLAS_TITLE_PREFIX}{number:04d}",
        mode=source["mode"],
        detail=source["detail"],
        theme=source["theme"],
        target_length=ATLAS_STEPS - 1,
        status=Status.COMPLETED,
        provider="local",
        provider_settings=snapshot,
        started_at=now,
        finished_at=now,
        seed=number,
        drift=analysis.mean_cumulative_drift(to_origin),
        drift_curve=[round(float(v), 4) for v in to_origin],
    )
    steps = [
        dict(
            index=index,
            caption=caption,
            caption_model="local-captioner-v1",
            image_model="" if index == 0 else "local-painter-v1",
            embedding=vectors[index].astype(np.float32).tobytes(),
            embedding_model=embedder.model,
            embedding_dimension=vectors.shape[1],
            similarity_to_origin=float(to_origin[index]),
            similarity_to_previous=float(to_previous[index]),
            image_descriptor=pictures[index].tobytes(),
            image_screen=Screening.PASSED,  # as the loop leaves a published step; pending ones are hidden
            image_similarity_to_origin=float(image_origin[index]),
            image_similarity_to_previous=float(image_previous[index]),
            captioned_at=now,
            embedded_at=now,
            width=512,
            height=512,
        )
        for index, caption in enumerate(captions)
    ]
    return chain, steps


def seed_atlas(*, force: bool = False) -> int:
    """Make sure the atlas data set's chains exist; returns how many steps it holds."""
    from django.db import transaction
    from django.utils import timezone

    from chains.models import Chain, Step
    from chains.providers.local import build
    from chains.providers.local.embedder import LocalEmbedder
    from chains.providers.local.vocabulary import COLOURS

    if not force and is_seeded(ATLAS, chains=ATLAS_CHAINS, steps=ATLAS_CHAINS * ATLAS_STEPS):
        return ATLAS_CHAINS * ATLAS_STEPS
    wipe(ATLAS)
    started = time.perf_counter()
    pool = play_atlas_pool()
    print(f"  pool ready ({time.perf_counter() - started:.0f} s); making {ATLAS_CHAINS} chains")
    snapshot, embedder, now = build({}).snapshot, LocalEmbedder(), timezone.now()
    colours = [name for name, _ in COLOURS]
    made = []
    for number in range(ATLAS_CHAINS):
        source, captions = synthetic_captions(pool, number, colours)
        made.append((source, *atlas_chain(number, source, captions, embedder=embedder, snapshot=snapshot, now=now)))
    with transaction.atomic():
        Chain.objects.bulk_create([chain for _, chain, _ in made], batch_size=500)
        Step.objects.bulk_create(
            [
                Step(
                    chain=chain,
                    **fields,
                    **link_step_files(
                        ATLAS,
                        chain_id=chain.pk,
                        index=fields["index"],
                        pool_fields=source["steps"][fields["index"]]["image"],
                    ),
                )
                for source, chain, steps in made
                for fields in steps
            ],
            batch_size=2000,
        )
    analyze_and_bump()
    print(f"  seeded {ATLAS_CHAINS * ATLAS_STEPS} steps in {time.perf_counter() - started:.0f} s")
    return ATLAS_CHAINS * ATLAS_STEPS


# --- command line ------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("data_set", choices=("pages", "atlas"))
    parser.add_argument("--reseed", action="store_true", help="wipe and seed again")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    if args.data_set == "atlas":
        ATLAS.prepare()
        print(f"{seed_atlas(force=args.reseed)} steps in {ATLAS.db_name}")
        return 0
    PAGES.prepare()
    timings = seed_pages(force=args.reseed)
    if not timings:
        print(f"Already seeded ({pages_counts()[0]} chains); checked in {time.perf_counter() - started:.1f} s.")
    for stage, seconds in timings.items():
        print(f"{stage:40s} {seconds:7.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
