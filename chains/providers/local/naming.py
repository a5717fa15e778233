"""Naming what was seen: the captioner's (deliberately fallible) imagination.

A tall pale shape against a night sky is usually a rocket, sometimes a tower; a round
warm shape among leaves is a flower, now and then a sun. These seeded choices are the
mutation step of the telephone game: small, plausible, and different per step. Each
guess is a motif the painter can draw, so what is named can come back.
"""

from __future__ import annotations

import random

from .colour_space import colour_family, colour_lightness
from .seeing import Sight, SubjectSighting
from .vocabulary import COLOUR_NAMES

SIZE_BY_SHARE = ((0.25, "huge"), (0.1, "large"), (0.025, "medium"))


def subject_noun(sight: Sight, rng: random.Random) -> str | None:
    """The motif the subject most likely is, or None when nothing stands out."""
    subject = sight.subject
    if subject is None or (sight.stars >= 12 and subject.share > 0.4):
        return "galaxy" if sight.stars >= 30 and rng.random() < 0.4 else None
    family = colour_family(COLOUR_NAMES.index(subject.colour))
    if subject.face:
        furry = family in {"brown", "grey", "orange"} and subject.texture > 6
        return _weighted([("cat", 12), ("owl", 1)] if furry else [("face", 6), ("cat", 2), ("owl", 1)], rng)
    light = colour_lightness(COLOUR_NAMES.index(subject.colour))
    materials = {zone.material for zone in sight.zones}
    dark_around = _sky_is_dark(sight) or sight.stars >= 5
    options = {
        "tall": lambda: _tall(subject, family, light, dark_around),
        "wide": lambda: _wide(family, _blue_water(sight)),
        "pointed": lambda: _pointed(subject, family, "water" in materials, "foliage" in materials),
        "round": lambda: _round(subject, family, light, dark_around, "foliage" in materials),
        "block": lambda: _block(subject, light),
        "blob": lambda: _blob(subject, family, light),
    }[subject.shape]()
    return _weighted(options, rng)


def subject_size(subject: SubjectSighting) -> str:
    if subject.width > 0.6 and subject.height > 0.6:
        return "huge"
    return next((size for threshold, size in SIZE_BY_SHARE if subject.share >= threshold), "small")


def _sky_is_dark(sight: Sight) -> bool:
    sky = next((zone for zone in sight.zones if zone.material == "sky"), None)
    return sky is not None and colour_lightness(COLOUR_NAMES.index(sky.colour)) < 30


def _blue_water(sight: Sight) -> bool:
    """Water a boat could float on: blue, not the grey of a floor read as a lake."""
    return any(
        zone.material == "water" and colour_family(COLOUR_NAMES.index(zone.colour)) in {"blue", "green"}
        for zone in sight.zones
    )


def _tall(subject: SubjectSighting, family: str, light: float, dark_around: bool) -> list[tuple[str, int]]:
    if subject.stripes:
        return [("lighthouse", 8), ("tower", 1)]
    if family == "green":
        return [("cypress", 4), ("pine", 3), ("tree", 1)]
    if subject.share < 0.03 and light < 40:
        return [("figure", 5), ("statue", 1)]
    if dark_around or light > 75:
        return [("rocket", 8), ("tower", 2)]
    return [("tower", 5), ("skyscraper", 2), ("obelisk", 1), ("rocket", 1)]


def _wide(family: str, water: bool) -> list[tuple[str, int]]:
    if family in {"red", "orange", "pink", "purple"} and not water:
        return [("motorcycle", 6), ("car", 3), ("train", 1)]
    if water:
        return [("boat", 4), ("ship", 3), ("sailboat", 2), ("bridge", 1)]
    return [("car", 3), ("bridge", 2), ("train", 2), ("boat", 1)]


def _pointed(subject: SubjectSighting, family: str, water: bool, leafy: bool) -> list[tuple[str, int]]:
    if family == "green":
        return [("pine", 6), ("tree", 2), ("mountain", 1)]
    if subject.share > 0.25 and subject.y > 0.5:
        # Broad at the bottom edge, narrow on top, filling the frame: head and shoulders.
        return [("figure", 6), ("astronaut", 1) if subject.colour in WHITE_OR_SUIT else ("statue", 1)]
    if subject.share > 0.25:
        return [("figure", 4), ("mountain", 2), ("tent", 1)]
    if leafy and family in {"red", "orange", "yellow", "brown"}:
        # A roofed thing among trees: the temples on wooded hills of a thousand postcards.
        return [("pagoda", 5), ("temple", 3), ("pyramid", 1)]
    if water and subject.share < 0.15 and family in {"white", "grey", "blue"}:
        return [("sailboat", 4), ("mountain", 2), ("pagoda", 1)]
    if family in {"red", "orange"}:
        return [("pagoda", 5), ("tent", 2), ("volcano", 1)]
    if family in {"yellow", "brown"}:
        return [("pyramid", 5), ("tent", 2), ("mountain", 1)]
    return [("mountain", 6), ("pyramid", 1), ("tent", 1)]


def _round(
    subject: SubjectSighting, family: str, light: float, dark_around: bool, leafy: bool
) -> list[tuple[str, int]]:
    if subject.y < 0.4 and subject.share < 0.1:
        if dark_around:
            return [("moon", 6), ("planet", 2)]
        return [("sun", 6), ("balloon", 2)] if family in {"yellow", "orange", "red"} else [("moon", 3), ("balloon", 2)]
    if dark_around and light > 40:
        return [("planet", 4), ("moon", 3)]
    pale_second = subject.second is not None and colour_lightness(COLOUR_NAMES.index(subject.second)) > 80
    if pale_second and not leafy:
        # A warm round thing with a white rim and no leaves about it: a cup on its saucer.
        return [("cup", 10), ("bowl", 2), ("clock", 1)]
    if family in {"pink", "purple", "red", "orange", "yellow"} and (leafy or subject.texture > 6):
        return [("flower", 8), ("sunflower", 1), ("mandala", 1)]
    if light > 65:
        return [("cup", 5), ("clock", 2), ("bowl", 2)]
    if family == "green":
        return [("tree", 5), ("bush", 2)]
    return [("flower", 3), ("cup", 2), ("bowl", 2), ("clock", 1)]


def _block(subject: SubjectSighting, light: float) -> list[tuple[str, int]]:
    if subject.share < 0.03:
        return [("window", 3), ("door", 2), ("sign", 1)]
    if light < 30:
        return [("door", 3), ("castle", 2), ("house", 1)]
    return [("house", 4), ("temple", 3), ("castle", 2), ("cathedral", 1)]


def _blob(subject: SubjectSighting, family: str, light: float) -> list[tuple[str, int]]:
    if family == "green":
        return [("tree", 6), ("bush", 3)]
    if subject.y < 0.35 and light > 75:
        return [("clouds", 6), ("balloon", 1)]
    if family in {"brown", "orange", "grey", "red"} and subject.share > 0.04:
        return [("cat", 4), ("fox", 2), ("dog", 2), ("owl", 1), ("boulder", 1)]
    if light < 30:
        return [("figure", 3), ("statue", 2), ("boulder", 1)]
    return [("boulder", 3), ("vase", 2), ("statue", 2), ("bush", 1)]


# The captioner's own habit, matching the painter's: when a shape could be one of the
# favourite subjects, that is what it tends to see.
FAVOURITE_NOUNS = frozenset({"lighthouse", "tree", "moon", "flower", "sailboat"})
FAVOURITE_BOOST = 3
WHITE_OR_SUIT = frozenset({"white", "snow white", "ivory", "pearl grey", "orange", "coral", "tangerine"})


def _weighted(options: list[tuple[str, int]], rng: random.Random) -> str:
    names = [name for name, _ in options]
    weights = [weight * (FAVOURITE_BOOST if name in FAVOURITE_NOUNS else 1) for name, weight in options]
    return rng.choices(names, weights=weights, k=1)[0]
