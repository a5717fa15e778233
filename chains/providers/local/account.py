"""What the captioner has decided to say about a picture, before it is put into words.

An `Account` is the reading boiled down to a person's description: the subject and
its colour and size, the setting's regions and where they lie, the sky and horizon,
light and time of day, mood. Sentence builders (`sentences`) only ever read this, so
grammar and perception stay apart.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from .analysis import Reading
from .colour_space import colour_family, colour_lightness
from .naming import subject_noun, subject_size
from .seeing import Sight, ZoneSighting
from .vocabulary import COLOUR_NAMES

GROUND_MATERIALS = ("water", "grass", "sand", "snow", "rock", "foliage")


@dataclass
class Account:
    noun: str | None
    colour: str | None
    second: str | None
    size: str
    place: str
    zones: list[ZoneSighting]
    sky: ZoneSighting | None
    ground: ZoneSighting | None
    backdrop: ZoneSighting | None
    time: str
    light_side: str | None
    horizon: float | None
    stars: int
    lettering: str | None
    palette: list[str]
    brightness: float
    contrast: float
    saturation: float
    symmetry: float
    empty: bool
    extras: list[str] = field(default_factory=list)


def account_of(reading: Reading, sight: Sight, rng: random.Random) -> Account:
    subject = sight.subject
    noun = subject_noun(sight, rng)
    zones = [zone for zone in sight.zones if zone.material != "clutter" or zone.share > 0.2]
    sky = next((zone for zone in zones if zone.material == "sky" and zone.share >= 0.12), None)
    ground = next(
        (zone for zone in zones if zone.material in GROUND_MATERIALS and zone.place in {"bottom", "background"}), None
    )
    backdrop = next((zone for zone in zones if zone.material in {"wall", "dark", "clutter"}), None)
    # Only a truly featureless picture is called empty: "empty" is a picture the painter
    # leaves blank, and a chain that reached it would never leave.
    empty = noun is None and reading.contrast < 0.015 and reading.edge_density < 0.002
    return Account(
        noun=noun,
        colour=subject.colour if subject is not None and noun not in {None, "galaxy"} else None,
        second=subject.second if subject is not None and noun is not None else None,
        size=subject_size(subject) if subject is not None and noun is not None else "medium",
        place=_where(subject.x) if subject is not None else "centre",
        zones=zones,
        sky=sky,
        ground=ground,
        backdrop=backdrop,
        time=_time_of_day(reading, sky, sight.stars),
        light_side=sight.light_side,
        horizon=sight.horizon,
        stars=sight.stars,
        lettering=sight.lettering,
        palette=[swatch.name for swatch in reading.palette[:4]],
        brightness=reading.brightness,
        contrast=reading.contrast,
        saturation=reading.saturation,
        symmetry=reading.symmetry,
        empty=empty,
    )


def _where(x: float) -> str:
    return "left" if x < 0.38 else "right" if x > 0.62 else "centre"


def _time_of_day(reading: Reading, sky: ZoneSighting | None, stars: int) -> str:
    if stars >= 5 or reading.brightness < 0.2:
        return "night"
    if sky is not None:
        index = COLOUR_NAMES.index(sky.colour)
        family = colour_family(index)
        if colour_lightness(index) < 28:
            return "night"
        if family in {"orange", "red", "pink"}:
            return "dusk"
        if family in {"yellow", "purple"}:
            return "dawn"
    return "day"
