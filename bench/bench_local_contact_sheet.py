"""A contact sheet of the offline pair: one row per demo photo, its chain's steps left to right.

Numbers cannot say whether a painting looks like an illustration or like clip-art, so
this writes a picture to look at. Each row starts with the photo (step 0) and shows
every painted step after it; under each row, the start of the step-1 caption.

    python bench/bench_local_contact_sheet.py --out /work/shots/offline/contact.png \
        [--steps 12] [--mode telephone] [--detail very] [--tile 160]
"""

from __future__ import annotations

import argparse
import io
import sys
import textwrap
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PIL import Image, ImageDraw

from chains.providers.local import build
from chains.providers.local.samples import DEMO_PHOTOS, demo_photo, play_chain

GAP = 6
CAPTION_LINES = 2
LINE_HEIGHT = 12


def tile(image: bytes, side: int) -> Image.Image:
    with Image.open(io.BytesIO(image)) as opened:
        return opened.convert("RGB").resize((side, side), Image.Resampling.LANCZOS)


def sheet(rows: list[tuple[str, list]], side: int) -> Image.Image:
    columns = max(len(steps) for _, steps in rows)
    row_height = side + GAP + CAPTION_LINES * LINE_HEIGHT + GAP
    width = columns * (side + GAP) + GAP
    canvas = Image.new("RGB", (width, len(rows) * row_height + GAP), (24, 24, 28))
    draw = ImageDraw.Draw(canvas)
    for row, (name, steps) in enumerate(rows):
        top = GAP + row * row_height
        for column, step in enumerate(steps):
            canvas.paste(tile(step.image, side), (GAP + column * (side + GAP), top))
        words = f"{name} · step 1: {steps[1].caption if len(steps) > 1 else steps[0].caption}"
        characters = max(20, width // 6)
        for line, text in enumerate(textwrap.wrap(words, characters)[:CAPTION_LINES]):
            draw.text((GAP, top + side + 3 + line * LINE_HEIGHT), text, fill=(225, 225, 225))
    return canvas


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True)
    parser.add_argument("--steps", type=int, default=12)
    parser.add_argument("--mode", default="telephone")
    parser.add_argument("--detail", default="very")
    parser.add_argument("--theme", default="")
    parser.add_argument("--tile", type=int, default=160)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    providers = build({})
    rows = []
    started = time.perf_counter()
    for number, name in enumerate(DEMO_PHOTOS):
        steps = play_chain(
            providers,
            demo_photo(name),
            steps=args.steps,
            seed=args.seed + 100 * number,
            mode=args.mode,
            detail=args.detail,
            theme=args.theme,
        )
        rows.append((name, steps))
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    sheet(rows, args.tile).save(out)
    print(f"wrote {out} ({len(rows)} chains x {args.steps} steps in {time.perf_counter() - started:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
