"""The offline captioner: looks at the pixels and writes a plausible description.

It sees through a 96x96 thumbnail, names colours from a fixed vocabulary, reads a few
shapes, and guesses what they are. All of that is lossy in ways a real vision model is
lossy (shades collapse to names, small things vanish, shapes get misread), so chains
built on it drift the way the game intends, only offline and repeatably.
"""

from __future__ import annotations

import hashlib
import random

from ..base import CaptionRequest, CaptionResult
from . import phrasing
from .analysis import read_image
from .image_reading import read_thumbnail
from .shapes import count_stars, find_shapes, find_skyline
from .sightings import interpret_shapes, interpret_skyline, star_sighting

MODEL_NAME = "local-captioner-v1"

SENTENCES_FOR_DETAIL = {"somewhat": 1, "very": 3, "excessively": 5, "obsessively": 11}
SKY_SHAPES_BELOW = 0.6


class LocalCaptioner:
    """Implements the Captioner protocol without any network or model weights."""

    model = MODEL_NAME

    def caption(self, request: CaptionRequest) -> CaptionResult:
        rgb = read_thumbnail(request.image)
        rng = random.Random(caption_seed(request.image, request.seed))
        sentences = describe(rgb, detail=request.detail, rng=rng)
        if request.mode == "story":
            sentences = frame_as_next_panel(sentences, request.theme)
        text = " ".join(sentences)
        return CaptionResult(
            text=text,
            model=MODEL_NAME,
            input_tokens=len(request.instructions.split()) + 85,
            output_tokens=len(text.split()),
        )


def caption_seed(image: bytes, seed: int) -> int:
    """Phrasing depends on both picture and seed, stably across processes."""
    digest = hashlib.blake2b(image, digest_size=16)
    digest.update(str(int(seed)).encode())
    return int.from_bytes(digest.digest()[:8], "big")


def describe(rgb, *, detail: str, rng: random.Random) -> list[str]:
    """The caption's sentences, as many as the detail level asks for."""
    reading = read_image(rgb)
    shapes = find_shapes(reading.merged_labels)
    sky_shapes = [shape for shape in shapes if shape.y < SKY_SHAPES_BELOW and shape.area < 0.06]
    skyline = find_skyline(reading.lab, reading.merged_labels, sky_shapes)
    sightings = interpret_shapes(shapes, reading, rng)
    stars = star_sighting(count_stars(rgb))
    if stars is not None:
        sightings.insert(min(1, len(sightings)), stars)
    ground = interpret_skyline(skyline, rng)
    wanted = SENTENCES_FOR_DETAIL.get(detail, SENTENCES_FOR_DETAIL["very"])
    if wanted == 1:
        return [phrasing.overview(reading, sightings, ground, rng, with_motif=True)]
    builders = phrasing.SENTENCE_ORDER[:wanted]
    return [builder(reading, sightings, ground, rng) for builder in builders]


def frame_as_next_panel(sentences: list[str], theme: str) -> list[str]:
    """Story mode: the description becomes the next panel of the premise in `theme`."""
    premise = " ".join(theme.split()).rstrip(".!?;:, ")[:160]
    if premise.split(" ", 1)[0] in {"A", "An", "The"}:
        premise = premise[0].lower() + premise[1:]
    opening = f"In the next panel of {premise}, " if premise else "In the next panel, "
    first = sentences[0]
    return [opening + first[:1].lower() + first[1:], *sentences[1:]]
