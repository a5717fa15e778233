"""Naming what the shapes might be: the captioner's (deliberately fallible) imagination.

A disc is usually a sun when it is warm and high, but now and then the captioner calls
it a planet or a clock; a triangle may be a mountain or a pyramid. These seeded choices
are the mutation step of the telephone game: small, plausible, and different per step.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import numpy as np

from .analysis import Reading
from .colour_space import colour_family, colour_lightness, named_lab_table
from .shapes import Shape, Skyline
from .vocabulary import COLOUR_NAMES

WARM = {"red", "orange", "yellow", "pink"}
PALE = {"white", "grey", "yellow"}
WATERY = {"blue", "cyan"}
WAVE_RIPPLES = 7


@dataclass(frozen=True)
class Sighting:
    """A motif the captioner believes it sees, ready to be put into words."""

    motif: str
    colour: str | None
    count: int
    x: float
    y: float
    area: float


@dataclass(frozen=True)
class Ground:
    """What lies below the skyline, and where the skyline sits."""

    motif: str
    colour: str
    sky_colour: str
    height: float
    waves: bool


def interpret_shapes(shapes: list[Shape], reading: Reading, rng: random.Random) -> list[Sighting]:
    """Guess a motif for each shape, then merge repeats of the same guess."""
    guesses: dict[str, list[Shape]] = {}
    for shape in shapes:
        motif = _guess(shape, reading, rng)
        if motif:
            guesses.setdefault(motif, []).append(shape)
    background = named_lab_table()[reading.palette[0].index]
    ranked = sorted(
        ((_salience(group, background), _merge(motif, group)) for motif, group in guesses.items()),
        key=lambda pair: (-pair[0], pair[1].motif),
    )
    return [sighting for _, sighting in ranked]


def _salience(group: list[Shape], background) -> float:
    """Big things that stand out from the dominant colour get mentioned first."""
    table = named_lab_table()
    return sum(
        shape.area * (0.3 + float(np.linalg.norm(table[shape.colour_index] - background)) / 50.0)
        for shape in group
    )


def star_sighting(stars: int) -> Sighting | None:
    if stars < 5:
        return None
    return Sighting("stars", "white", stars, 0.5, 0.2, 0.002 * stars)


def interpret_skyline(skyline: Skyline | None, rng: random.Random) -> Ground | None:
    """Turn the outline type and the colour below it into a ground motif."""
    if skyline is None:
        return None
    family = colour_family(skyline.below_index)
    by_outline = {
        "blocky": [("buildings", 6), ("castle", 1), ("towers", 1)],
        "jagged": [("forest", 5), ("pines", 2)] if family in {"green", "black", "brown"}
        else [("mountains", 3), ("crystal", 1)],
        "peaked": [("mountains", 7), ("hills", 1), ("pyramid", 1)],
        "rolling": [("hills", 7), ("field", 1), ("mountains", 1)],
    }
    if skyline.kind == "flat":
        options = _flat_ground_options(family, skyline.wavy_rows)
    else:
        options = by_outline[skyline.kind]
    return Ground(
        motif=_weighted(options, rng),
        colour=COLOUR_NAMES[skyline.below_index],
        sky_colour=COLOUR_NAMES[skyline.above_index],
        height=skyline.height,
        waves=skyline.wavy_rows >= WAVE_RIPPLES,
    )


def _flat_ground_options(family: str, ripples: int) -> list[tuple[str, int]]:
    if family in WATERY:
        return [("sea", 6), ("waves", 2 + min(ripples, 12))]
    if family == "green":
        return [("field", 6), ("forest", 1), ("hills", 1)]
    if family in {"yellow", "orange", "brown"}:
        return [("desert", 4), ("field", 3), ("road", 1)]
    return [("field", 3), ("sea", 2), ("road", 1)]


def _guess(shape: Shape, reading: Reading, rng: random.Random) -> str | None:
    family = colour_family(shape.colour_index)
    lightness = colour_lightness(shape.colour_index)
    options = {
        "disc": lambda: _disc_options(shape, family, lightness, reading),
        "tall": lambda: _tall_options(shape, lightness),
        "block": lambda: _block_options(shape, lightness),
        "wide": lambda: [("bridge", 3), ("boats", 2), ("fence", 2), ("road", 1)],
        "triangle": lambda: _triangle_options(shape, family),
        "blob": lambda: _blob_options(shape, family, lightness),
    }[shape.kind]()
    return _weighted(options, rng) if options else None


def _disc_options(shape: Shape, family: str, lightness: float, reading: Reading) -> list[tuple[str, int]]:
    if family in WARM and lightness > 55 and shape.y < 0.62:
        return [("sun", 10), ("planet", 1), ("balloons", 1)]
    if family in PALE and reading.brightness < 0.42:
        return [("moon", 10), ("planet", 1), ("clocks", 1)]
    return [("circles", 5), ("planet", 3), ("balloons", 2), ("clocks", 2), ("eye", 1)]


def _tall_options(shape: Shape, lightness: float) -> list[tuple[str, int]]:
    if shape.height >= 0.22:
        return [("towers", 8), ("lighthouse", 1), ("buildings", 1)]
    if shape.y > 0.55 and lightness < 40:
        return [("door", 3), ("figure", 3), ("towers", 2)]
    return [("towers", 4), ("figure", 2), ("windows", 1)]


def _block_options(shape: Shape, lightness: float) -> list[tuple[str, int]]:
    if shape.area < 0.01 and lightness > 60:
        return [("windows", 5), ("buildings", 2)]
    if shape.y > 0.5:
        return [("buildings", 7), ("door", 1), ("castle", 1)]
    return [("buildings", 3), ("windows", 2), ("grid", 1)]


def _triangle_options(shape: Shape, family: str) -> list[tuple[str, int]]:
    if family == "green":
        return [("pines", 7), ("trees", 2)]
    if shape.area >= 0.03:
        return [("mountains", 7), ("pyramid", 2)]
    return [("pyramid", 4), ("boats", 2), ("crystal", 2), ("pines", 1)]


def _blob_options(shape: Shape, family: str, lightness: float) -> list[tuple[str, int]]:
    if shape.area < 0.004:
        return []
    if shape.y < 0.45 and lightness > 70 and family in {"white", "grey", "pink", "yellow"}:
        return [("clouds", 8), ("birds", 1)]
    if family == "green":
        return [("trees", 6), ("forest", 1), ("flowers", 1)]
    if shape.y > 0.5 and family in {"pink", "red", "purple", "yellow"} and shape.area < 0.03:
        return [("flowers", 6), ("fish", 1)]
    if family in WARM | {"purple"} and shape.area >= 0.03:
        return [("flowers", 4), ("circles", 1), ("mandala", 1)]
    if lightness < 30 and shape.height > shape.width:
        return [("figure", 4), ("door", 1)]
    return []


def _merge(motif: str, group: list[Shape]) -> Sighting:
    """Several shapes read as the same thing become one plural sighting, placed at the biggest."""
    biggest = max(group, key=lambda shape: shape.area)
    return Sighting(
        motif=motif,
        colour=biggest.colour,
        count=len(group),
        x=biggest.x,
        y=biggest.y,
        area=float(sum(shape.area for shape in group)),
    )


def _weighted(options: list[tuple[str, int]], rng: random.Random) -> str:
    names = [name for name, _ in options]
    weights = [weight for _, weight in options]
    return rng.choices(names, weights=weights, k=1)[0]


def place_phrase(x: float, y: float) -> str:
    """Where something sits, in the position words the painter understands."""
    across = "left" if x < 0.36 else "right" if x > 0.64 else ""
    down = "upper" if y < 0.36 else "lower" if y > 0.64 else ""
    if across and down:
        return f"in the {down} {across}"
    if down:
        return "near the top" if down == "upper" else "near the bottom"
    if across:
        return f"on the {across}"
    return "in the centre"
