"""Does step 1 look like step 0? Descriptor similarity of the offline pair's first copies.

For each of the 8 demo photos and several seeds, the photo is captioned and the caption
painted (exactly as a chain's first step), and the project's own picture descriptor
(`chains.metrics.descriptors`) compares the painting with its photo. The null
distribution is the same paintings against the *other* photos. Bar: the step-1 median
is above the 90th percentile of the unrelated pairs. Exits 1 when the bar is missed.

    python bench/bench_local_resemblance.py [--seeds 3] [--detail very] [--size 1024]
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np

from chains.metrics.descriptors import image_descriptor
from chains.providers.base import CaptionRequest
from chains.providers.local import build
from chains.providers.local.painter import paint_image
from chains.providers.local.samples import DEMO_PHOTOS, demo_photo


def first_copies(seeds: int, detail: str, size: int, modes=("telephone",)) -> dict:
    """{(photo, seed, mode): (descriptor of step 0, descriptor of step 1, caption)}."""
    providers = build({})
    found = {}
    for number, name in enumerate(DEMO_PHOTOS):
        photo = demo_photo(name)
        for seed in range(seeds):
            for mode in modes:
                chain_seed = 1000 * seed + 17 * number
                text = providers.captioner.caption(
                    CaptionRequest(
                        image=photo,
                        instructions="",
                        detail=detail,
                        mode=mode,
                        seed=chain_seed,
                        theme="golden"
                        if mode == "more"
                        else "a traveller looks for shelter"
                        if mode == "story"
                        else "",
                    )
                ).text
                prompt = f"{text}\n\nMake it more golden." if mode == "more" else text
                painting = paint_image(prompt, chain_seed + 1, size=size)
                buffer = io.BytesIO()
                painting.save(buffer, format="PNG")
                found[(name, seed, mode)] = (image_descriptor(photo), image_descriptor(buffer.getvalue()), text)
    return found


def distributions(found: dict) -> tuple[list[float], list[float]]:
    photos = {name: origin for (name, _, _), (origin, _, _) in found.items()}
    same, unrelated = [], []
    for (name, _, _), (origin, copy, _) in found.items():
        same.append(float(copy @ origin))
        unrelated += [float(copy @ other) for other_name, other in photos.items() if other_name != name]
    return same, unrelated


def summary(values: list[float]) -> str:
    quantiles = np.percentile(values, [10, 50, 90])
    return f"n={len(values):3d}  p10 {quantiles[0]:.3f}  median {quantiles[1]:.3f}  p90 {quantiles[2]:.3f}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--detail", default="very")
    parser.add_argument("--size", type=int, default=1024)
    parser.add_argument("--modes", default="telephone")
    args = parser.parse_args()
    found = first_copies(args.seeds, args.detail, args.size, tuple(args.modes.split(",")))
    same, unrelated = distributions(found)
    print(f"descriptor similarity, detail={args.detail}, modes={args.modes}, {args.size}px")
    print(f"step 1 vs its photo : {summary(same)}")
    print(f"unrelated pairs     : {summary(unrelated)}")
    for name in DEMO_PHOTOS:
        values = [float(copy @ origin) for (n, _, _), (origin, copy, _) in found.items() if n == name]
        print(f"  {name:<18} {statistics.median(values):.3f}")
    bar = float(np.percentile(unrelated, 90))
    median = statistics.median(same)
    verdict = "OK" if median > bar else "FAIL"
    print(f"{verdict}: step-1 median {median:.3f} vs unrelated p90 {bar:.3f}")
    return 0 if median > bar else 1


if __name__ == "__main__":
    sys.exit(main())
