"""The ZIP export of a 200-step chain: built once per chain version, then served from storage.

Issue 12: the ZIP of a 200-step chain (~42 MB) was rebuilt on every request, so anyone
could make the site read and write that much per click. Now the first request for a
version of the chain builds it into storage (`chains.services.exports`) and every
later one streams the stored file.

The chain is 200 steps of real 1024 px JPEGs (the offline painter's, as the loop
stores them: one picture per step, each under its own key) in the bench database.
Each round asks for the archive through Django's test client (the real view, the real
storage): once after deleting stored archives (the build, which is what every request
cost before) and then three times more (served). Medians over the rounds.

Bar: the archive is built once per round (the view's build is counted), never for a
served request, every served answer is the archive that round built (byte for byte),
of at least 20 MB, and a served request costs less CPU than a build. The ratio is
printed as measured: on a local disk with a warm page cache a build is only a few times
a download (pictures are stored, not compressed); on S3 a build also waits for one GET
per step and writes the whole archive back.

    BENCH_DB_NAME=tel_security BENCH_BROKER_URL=redis://127.0.0.1:6379/9 \\
        python bench/bench_zip_export.py [--steps 200] [--rounds 3]
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import _harness as h

SERVED_PER_ROUND = 3
MIN_BYTES = 20 * 1024 * 1024


def painted_picture(seed: int) -> bytes:
    """A 1024 px picture from the offline painter, cleaned as the loop stores it (JPEG)."""
    from chains.images import clean_image
    from chains.providers.base import PaintRequest
    from chains.providers.local import build

    painted = (
        build({}).painter.paint(PaintRequest(prompt="a lighthouse on a cliff at dusk", seed=seed, step_index=1)).image
    )
    return clean_image(painted).original


def make_chain(steps: int):
    """A completed public chain of `steps` + 1 pictures, each stored under its own step key."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage
    from django.utils import timezone

    from chains.images import step_image_keys
    from chains.models import Chain, Screening, Status, Step
    from chains.services import chain_create

    chain = chain_create(image=h.sample_image(1024), target_length=steps, provider="local", title="Zip bench")
    pictures = [painted_picture(seed) for seed in range(4)]
    for index in range(1, steps + 1):
        key = step_image_keys(chain_id=chain.pk, index=index).original
        name = default_storage.save(key, ContentFile(pictures[index % len(pictures)]))
        Step.objects.create(
            chain=chain,
            index=index,
            image=name,
            caption=f"Step {index} of the bench chain.",
            width=1024,
            height=1024,
            image_screen=Screening.PASSED,
        )
    Step.objects.filter(chain=chain).update(image_screen=Screening.PASSED)
    Chain.objects.filter(pk=chain.pk).update(status=Status.COMPLETED, finished_at=timezone.now())
    return Chain.objects.get(pk=chain.pk)


def fetch(client, chain) -> tuple[float, float, bytes]:
    """Wall seconds, CPU seconds of this process, and the body of one full download."""
    started, cpu = time.perf_counter(), time.process_time()
    response = client.get(f"/c/{chain.slug}.zip")
    body = b"".join(response.streaming_content)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    if response.status_code != 200:
        raise SystemExit(f"/c/{chain.slug}.zip answered {response.status_code}")
    return elapsed, cpu, body


def drop_archives(chain) -> None:
    from django.core.files.storage import default_storage

    from chains.exports import ARCHIVE_FOLDER

    folder = ARCHIVE_FOLDER.format(chain_id=chain.pk)
    if default_storage.exists(folder):
        for name in default_storage.listdir(folder)[1]:
            default_storage.delete(folder + name)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--steps", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    h.setup("bench-zip")
    h.clear_chains()
    from django.test import Client

    from chains.services import exports as archive_service

    chain = make_chain(args.steps)
    client = Client()
    build_calls = []
    real_build = archive_service.chain_zip

    def counted_build(**kwargs):
        build_calls.append(1)
        return real_build(**kwargs)

    archive_service.chain_zip = counted_build
    builds, served, sizes, same = [], [], set(), True
    for _ in range(args.rounds):
        drop_archives(chain)
        elapsed, cpu, body = fetch(client, chain)
        builds.append((elapsed, cpu))
        sizes.add(len(body))
        built = hashlib.sha256(body).hexdigest()
        for _ in range(SERVED_PER_ROUND):
            elapsed, cpu, body = fetch(client, chain)
            served.append((elapsed, cpu))
            same = same and hashlib.sha256(body).hexdigest() == built  # the stored archive, not a new one
    build_wall, build_cpu = (h.median(run[i] for run in builds) for i in (0, 1))
    serve_wall, serve_cpu = (h.median(run[i] for run in served) for i in (0, 1))
    size = max(sizes)
    h.print_table(
        f"ZIP of a {args.steps}-step chain, {size / 2**20:.1f} MB ({h.machine_note()})",
        ["request", "median wall s", "median CPU s", "runs"],
        [
            ["first (builds into storage)", f"{build_wall:.3f}", f"{build_cpu:.3f}", len(builds)],
            ["later (served from storage)", f"{serve_wall:.3f}", f"{serve_cpu:.3f}", len(served)],
            ["build / served", f"{build_wall / serve_wall:.1f}x", f"{build_cpu / serve_cpu:.1f}x", ""],
        ],
    )
    print(f"builds: {len(build_calls)} for {args.rounds} rounds of 1 + {SERVED_PER_ROUND} requests")
    ok = same and size >= MIN_BYTES and len(build_calls) == args.rounds and serve_cpu < build_cpu
    print(
        "bar met"
        if ok
        else f"bar missed: served the built archive={same}, size={size}, "
        f"builds={len(build_calls)}, CPU build/served={build_cpu / serve_cpu:.1f}"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
