"""Time one full offline step (caption + paint + embed) at 1024x1024, thirty times over.

Each painted image is fed into the next caption, as in a real chain, so the timings
cover the pictures the local backend actually produces rather than one photo repeated.
Exits non-zero when the median step exceeds the budget, so CI can run it as a guard.

    python bench/bench_local_step.py [--steps 30] [--budget-ms 250]
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PIL import Image
from sklearn.datasets import load_sample_image

from chains.providers.base import CaptionRequest, PaintRequest
from chains.providers.local import build

PHASES = ("caption", "paint", "embed", "total")


def starting_image() -> bytes:
    """The summer-palace photo squared to 1024x1024, encoded the way an upload would arrive."""
    photo = Image.fromarray(load_sample_image("china.jpg")).resize((1024, 1024), Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    photo.save(buffer, format="PNG")
    return buffer.getvalue()


def run_steps(steps: int, detail: str) -> dict[str, list[float]]:
    providers = build({})
    timings: dict[str, list[float]] = {phase: [] for phase in PHASES}
    image = starting_image()
    warm_up(providers, image, detail)
    for index in range(steps):
        started = time.perf_counter()
        caption = providers.captioner.caption(
            CaptionRequest(
                image=image, instructions="Describe this image.", detail=detail, step_index=index, seed=1000 + index
            )
        )
        captioned = time.perf_counter()
        painted = providers.painter.paint(PaintRequest(prompt=caption.text, seed=1000 + index, step_index=index))
        painted_at = time.perf_counter()
        providers.embedder.embed([caption.text])
        finished = time.perf_counter()
        image = painted.image
        timings["caption"].append((captioned - started) * 1000)
        timings["paint"].append((painted_at - captioned) * 1000)
        timings["embed"].append((finished - painted_at) * 1000)
        timings["total"].append((finished - started) * 1000)
    return timings


def warm_up(providers, image: bytes, detail: str) -> None:
    """First calls pay for imports and lookup tables; a real worker pays that once."""
    caption = providers.captioner.caption(CaptionRequest(image=image, instructions="", detail=detail))
    providers.painter.paint(PaintRequest(prompt=caption.text))
    providers.embedder.embed([caption.text])


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    position = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[position]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=30)
    parser.add_argument("--budget-ms", type=float, default=250.0)
    parser.add_argument("--detail", default="very")
    args = parser.parse_args()
    timings = run_steps(args.steps, args.detail)
    print(f"{args.steps} steps, detail={args.detail}, 1024x1024")
    print(f"{'phase':<8} {'median ms':>10} {'p90 ms':>8}")
    for phase in PHASES:
        print(f"{phase:<8} {statistics.median(timings[phase]):>10.1f} {percentile(timings[phase], 0.9):>8.1f}")
    median_total = statistics.median(timings["total"])
    if median_total > args.budget_ms:
        print(f"FAIL: median total {median_total:.1f} ms exceeds the {args.budget_ms:.0f} ms budget")
        return 1
    print(f"OK: median total {median_total:.1f} ms within the {args.budget_ms:.0f} ms budget")
    return 0


if __name__ == "__main__":
    sys.exit(main())
