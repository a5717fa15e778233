"""Seed the atlas benchmarks: 1,000 finished public chains of 20 captions (20,000 steps).

    .venv/bin/python bench/_atlas_seed.py            # idempotent: skips when already there
    .venv/bin/python bench/_atlas_seed.py --reseed   # wipe the bench database's chains first

Running the loop 20,000 times would take most of an hour, yet the atlas only reads
captions, embeddings and descriptors. So a *pool* of real chains is played once with
the offline provider (60 chains x 20 steps: pictures painted from captions, captions
read from pictures, exactly as the loop does), and the 1,000 bench chains are made
from it: chain c follows pool chain c mod 60 step by step, with one sentence of each
caption swapped for the same sentence of another pool chain at the same step, so the
captions are distinct but drift the way real ones do. Everything is then embedded
with the local embedder and bulk-created, with real similarities and descriptors.

Everything lives apart from the developer's data: PostgreSQL database
`telephone_atlas_bench`, Redis DB 10 for the cache, media under /tmp.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from pathlib import Path

from _harness import prepare_site, site_environment

ROOT = Path(__file__).resolve().parents[1]
PG_SERVER = os.environ.get("BENCH_PG_SERVER", "postgres://postgres@127.0.0.1:5432")
DB_NAME = os.environ.get("BENCH_ATLAS_DB_NAME", "telephone_atlas_bench")
REDIS_URL = os.environ.get("BENCH_ATLAS_REDIS_URL", "redis://127.0.0.1:6379/10")
WORK_DIR = Path(os.environ.get("BENCH_ATLAS_DIR", "/tmp/telephone_atlas_bench"))
CHAINS = 1000
STEPS = 20  # captions per chain: step 0 and 19 painted steps
POOL_CHAINS = 60
TITLE_PREFIX = "Atlas bench · "


def bench_environment() -> dict:
    return site_environment(db_name=DB_NAME, redis_url=REDIS_URL, work_dir=WORK_DIR)


def setup_django() -> None:
    """Database, Django and schema (`_harness.prepare_site`)."""
    prepare_site(db_name=DB_NAME, redis_url=REDIS_URL, work_dir=WORK_DIR)


# --- the pool of real chains ------------------------------------------------------------


def play_pool() -> list[dict]:
    """POOL_CHAINS real offline chains (captions + painted pictures), cached on disk."""
    cache = WORK_DIR / "pool.json"
    if cache.exists():
        return json.loads(cache.read_text())
    from chains import modes
    from chains.providers.base import CaptionRequest, PaintRequest
    from chains.providers.local import build
    from chains.providers.local.lexicon import MOTIF_NOUNS as MOTIF_WORDS
    from chains.providers.local.vocabulary import COLOURS

    providers, motifs, colours = build({}), sorted(MOTIF_WORDS), [name for name, _ in COLOURS]
    pool = []
    for number in range(POOL_CHAINS):
        rng = random.Random(number)
        prompt = (
            f"a {rng.choice(colours)} {rng.choice(motifs)} beside a {rng.choice(colours)} "
            f"{rng.choice(motifs)} under a {rng.choice(colours)} sky with {rng.choice(motifs)}"
        )
        detail = ("somewhat", "very", "excessively", "obsessively")[number % 4]
        mode = ("telephone", "telephone", "more", "story")[(number // 4) % 4]
        theme = "golden" if mode != "telephone" else ""
        image = providers.painter.paint(PaintRequest(prompt=prompt, seed=number, step_index=0)).image
        steps = []
        for index in range(STEPS):
            caption = providers.captioner.caption(
                CaptionRequest(
                    image=image,
                    detail=detail,
                    mode=mode,
                    theme=theme,
                    step_index=index,
                    seed=number + index,
                    instructions=modes.caption_instructions(mode=mode, detail=detail, theme=theme, step_index=index),
                )
            ).text
            steps.append({"caption": caption, "image": _store_pool_image(number, index, image)})
            prompt = modes.paint_prompt(mode=mode, caption=caption, theme=theme, step_index=index)
            image = providers.painter.paint(
                PaintRequest(prompt=prompt, seed=number + index + 1, step_index=index + 1)
            ).image
        pool.append({"detail": detail, "mode": mode, "theme": theme, "steps": steps})
        print(f"  pool chain {number + 1}/{POOL_CHAINS}", end="\r", flush=True)
    cache.write_text(json.dumps(pool))
    print()
    return pool


def _store_pool_image(number: int, index: int, image: bytes) -> dict:
    """The picture as the loop stores it (original + thumbnails), plus its descriptor."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from chains import images
    from chains.metrics import descriptors

    clean = images.clean_image(image)
    stem = f"bench_pool/{number:02d}-{index:02d}"
    fields = {"image": default_storage.save(f"{stem}.{images.ORIGINAL_EXTENSION}", ContentFile(clean.original))}
    for field, width in images.THUMBNAIL_WIDTHS.items():
        fields[field] = default_storage.save(f"{stem}-w{width}.webp", ContentFile(clean.thumbnails[width]))
    fields["descriptor"] = descriptors.image_descriptor(clean.thumbnails[320]).tobytes().hex()
    return fields


# --- the bench chains -----------------------------------------------------------------


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


def _link_step_files(*, chain_id: int, index: int, pool_fields: dict) -> dict:
    """The step's own storage keys (chains/<id>/<index>…, as the loop names them) as hard
    links to the pooled files: distinct URLs, as on real data, the disk holding each once."""
    from django.conf import settings

    from chains import images

    keys = images.step_image_keys(chain_id=chain_id, index=index)
    fields = {"image": keys.original, **images.thumbnail_fields(keys)}
    for field, key in fields.items():
        target = Path(settings.MEDIA_ROOT) / key
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.exists():
            os.link(Path(settings.MEDIA_ROOT) / pool_fields[field], target)
    return fields


def seed(*, reseed: bool = False) -> int:
    """Make sure CHAINS bench chains exist; returns how many steps the bench holds."""
    import numpy as np
    from django.db import transaction
    from django.utils import timezone

    from chains.metrics import descriptors
    from chains.metrics import drift as analysis
    from chains.models import Chain, Status, Step
    from chains.providers.local import build
    from chains.providers.local.embedder import LocalEmbedder
    from chains.providers.local.vocabulary import COLOURS

    bench_chains = Chain.objects.filter(title__startswith=TITLE_PREFIX)
    if reseed:
        Chain.objects.all().delete()
    if bench_chains.count() == CHAINS and Step.objects.count() == CHAINS * STEPS:
        return CHAINS * STEPS
    Chain.objects.all().delete()
    started = time.perf_counter()
    pool = play_pool()
    print(f"  pool ready ({time.perf_counter() - started:.0f} s); making {CHAINS} chains")
    snapshot = build({}).snapshot
    embedder, now = LocalEmbedder(), timezone.now()
    colours = [name for name, _ in COLOURS]
    chains, all_steps, sources = [], [], []
    for number in range(CHAINS):
        source, captions = synthetic_captions(pool, number, colours)
        sources.append(source)
        vectors = embedder.embed(captions).vectors
        to_origin, to_previous = analysis.similarity_series(vectors)
        pictures = [
            np.frombuffer(bytes.fromhex(step["image"]["descriptor"]), dtype=np.float32) for step in source["steps"]
        ]
        image_origin, image_previous = analysis.similarity_series(np.vstack(pictures))
        chain = Chain(
            title=f"{TITLE_PREFIX}{number:04d}",
            mode=source["mode"],
            detail=source["detail"],
            theme=source["theme"],
            target_length=STEPS - 1,
            status=Status.COMPLETED,
            provider="local",
            provider_settings=snapshot,
            started_at=now,
            finished_at=now,
            seed=number,
            drift=analysis.mean_cumulative_drift(to_origin),
            drift_curve=[round(float(v), 4) for v in to_origin],
        )
        chains.append(chain)
        all_steps.append(
            [
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
                    image_similarity_to_origin=float(image_origin[index]),
                    image_similarity_to_previous=float(image_previous[index]),
                    captioned_at=now,
                    embedded_at=now,
                    width=512,
                    height=512,
                )
                for index, caption in enumerate(captions)
            ]
        )
    with transaction.atomic():
        Chain.objects.bulk_create(chains, batch_size=500)
        Step.objects.bulk_create(
            [
                Step(
                    chain=chain,
                    **fields,
                    **_link_step_files(
                        chain_id=chain.pk, index=fields["index"], pool_fields=source["steps"][fields["index"]]["image"]
                    ),
                )
                for chain, steps, source in zip(chains, all_steps, sources, strict=True)
                for fields in steps
            ],
            batch_size=2000,
        )
    assert descriptors.DIMENSION == len(all_steps[0][0]["image_descriptor"]) // 4
    from django.db import connection

    with connection.cursor() as cursor:  # fresh statistics, as autovacuum would gather
        cursor.execute("ANALYZE")
    print(f"  seeded {CHAINS * STEPS} steps in {time.perf_counter() - started:.0f} s")
    return CHAINS * STEPS


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reseed", action="store_true")
    args = parser.parse_args(argv)
    bench_environment()
    setup_django()
    print(f"{seed(reseed=args.reseed)} steps in {DB_NAME}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
