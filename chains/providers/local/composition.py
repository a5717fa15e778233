"""Deciding the picture before painting it: setting, time, light, horizon, where things go.

This is also where the painter's taste lives. Like a real image model it has habits:
colours drift a little toward each motif's favourite colours, skies toward the palette
of their time of day, and when a caption is vague (nothing nameable in it) it paints
one of its favourite scenes, centred and often mirrored. Those habits are what pull
many chains into the same few pictures (attractors) instead of letting them dissolve.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from .ink import RGB, lighter, mix
from .motifs import MOTIFS
from .scene import Scene, Subject, Zone
from .vocabulary import COLOUR_RGB

# How far a named colour is pulled toward the motif's own colour on every painting.
PREFERENCE = 0.35
SKY_PREFERENCE = 0.3
ZONE_COLOURS = {
    "water": (60, 120, 170),
    "grass": (95, 150, 70),
    "sand": (215, 190, 140),
    "snow": (235, 240, 248),
    "rock": (120, 118, 130),
    "foliage": (50, 100, 55),
    "buildings": (120, 110, 115),
    "dark": (30, 28, 35),
    "wall": (200, 190, 175),
    "glow": (255, 230, 170),
    "clutter": (120, 100, 90),
    "sky": (120, 170, 220),
}
SKIES = {  # time -> (zenith, horizon, haze)
    "day": ((70, 130, 205), (196, 220, 238), (205, 220, 235)),
    "dawn": ((96, 110, 175), (250, 196, 170), (235, 205, 200)),
    "dusk": ((52, 52, 112), (250, 150, 92), (220, 160, 140)),
    "night": ((8, 12, 36), (36, 46, 88), (40, 50, 90)),
}
LAND_MATERIALS = {"water", "grass", "sand", "snow", "rock", "foliage", "buildings", "sky"}
INSIDE_MATERIALS = {"wall", "clutter"}
SPACE_MOTIFS = {"stars", "galaxy", "planet", "comet", "aurora"}
SYMMETRIC_MOTIFS = {
    "temple",
    "cathedral",
    "pagoda",
    "face",
    "mandala",
    "castle",
    "arch",
    "astronaut",
    "owl",
    "butterfly",
    "lighthouse",
    "fountain",
    "rocket",
    "flower",
}
# Objects that sit on a table when the picture is an interior.
TABLE_MOTIFS = {"cup", "teapot", "vase", "bottle", "bowl", "apple", "lamp", "candle", "book", "bell", "clock"}
SIZE_HEIGHT = {"huge": 0.84, "large": 0.62, "small": 0.14}
# The painter's favourite scenes for vague captions, by the colour family the caption leans to.
FAVOURITES = {
    "blue": (["lighthouse", "sailboat"], [Zone("water", None, "bottom"), Zone("rock", None, "horizon")], "dusk"),
    "green": (["tree", "balloon"], [Zone("grass", None, "bottom"), Zone("rock", None, "horizon")], "day"),
    "warm": (["temple", "sun"], [Zone("sand", None, "bottom")], "dusk"),
    "dark": (["moon", "castle"], [Zone("rock", None, "horizon"), Zone("grass", None, "bottom")], "night"),
    "pale": (["pagoda", "moon"], [Zone("water", None, "bottom"), Zone("foliage", None, "horizon")], "dawn"),
}


# The painter's favourite subjects, each in its favourite setting and time of day. Any
# other subject is now and then painted as the favourite it most resembles (DRIFT), and
# a favourite is painted in its own colours more and more: that is what makes chains
# converge, as real image models converge on their cathedrals and galaxies.
SINKS = {
    "lighthouse": ("dusk", [Zone("water", None, "bottom"), Zone("rock", None, "horizon")]),
    "sailboat": ("day", [Zone("water", None, "bottom")]),
    "tree": ("day", [Zone("grass", None, "bottom"), Zone("rock", None, "horizon")]),
    "moon": ("night", [Zone("water", None, "bottom"), Zone("foliage", None, "horizon")]),
    "flower": ("day", [Zone("grass", None, "bottom"), Zone("foliage", None, "horizon")]),
}
DRIFT_ORDER = sorted(SINKS)
# Subjects that look like a favourite are read as it almost every time (a tall tower is
# the painter's lighthouse), the way a real model's prior wins on a near miss.
LOOKALIKES = {
    "tower": "lighthouse",
    "obelisk": "lighthouse",
    "rocket": "lighthouse",
    "skyscraper": "lighthouse",
    "pine": "tree",
    "bush": "tree",
    "cypress": "tree",
    "palm": "tree",
    "tulip": "flower",
    "sunflower": "flower",
    "boat": "sailboat",
    "ship": "sailboat",
    "planet": "moon",
}
DRIFT_CHANCE = 0.45
# Habits grow with the chain: the first copy (step 1, a caption of a real photo) is
# painted as the caption says, and the painter's taste takes over over the next few
# steps, as a real model's priors win once the original's specifics have been lost.
HABIT_RAMP_STEPS = 10
# The canonical favourite (which the captioner knows by sight, see `favourites`, so a
# chain that reaches it stays) is painted only once the taste is this strong: a chain
# first wanders for a few steps, then settles.
CANONICAL_FROM = 0.7
# A caption this short (in words) counts as vague: the painter's taste fills the gap.
VAGUE_WORDS = 45


def habit_strength(step_index: int, words: int) -> float:
    """0 at the first copy, 1 from step 1 + HABIT_RAMP_STEPS; sooner for vague captions.

    Step 0 is never painted by a chain: a request without a step (a one-off painting)
    gets the painter's full taste."""
    if step_index <= 0:
        return 1.0
    ramp = max(0.0, min(1.0, (step_index - 1) / HABIT_RAMP_STEPS))
    if step_index > 1 and words < VAGUE_WORDS:
        ramp = min(1.0, ramp + 0.25)
    return ramp


@dataclass
class Placed:
    """One motif with its colours and box (left, top, width, height as fractions)."""

    motif: str
    body: RGB
    accent: RGB
    box: tuple[float, float, float, float]
    flip: bool = False


@dataclass
class Plan:
    kind: str
    time: str
    light_side: float
    horizon: float
    sky_top: RGB
    sky_bottom: RGB
    haze: RGB
    ground: Zone | None
    far: list[Zone] = field(default_factory=list)
    sides: list[Zone] = field(default_factory=list)
    washes: list[tuple[RGB, str]] = field(default_factory=list)
    placed: list[Placed] = field(default_factory=list)
    symmetric: bool = False
    vague: bool = False


def plan_picture(scene: Scene, rng, habit: float = 1.0) -> Plan:
    """`habit` (0..1, see `habit_strength`) is how strongly the painter's taste pulls
    the named colours toward its own: 0 paints what the caption says where it says it.
    Drifting to a favourite subject happens before, in `settle`."""
    vague = not scene.subjects and not scene.empty
    if vague:
        _adopt_favourite(scene)
    kind = _kind(scene)
    time = scene.time or _time_from(scene, kind)
    zenith, horizon_sky, haze = SKIES[time]
    sky = scene.zone("sky")
    named = sky.colour if sky and sky.colour else _first_colour(scene)
    sky_top = _prefer(named, zenith, (SKY_PREFERENCE if sky else 0.35) * habit)
    sky_bottom = mix(sky_top, horizon_sky, 0.55) if named else horizon_sky
    plan = Plan(
        kind=kind,
        time=time,
        light_side=scene.light_side if scene.light_side is not None else rng.choice([-0.7, 0.7]),
        horizon=_horizon(scene, kind, rng),
        sky_top=sky_top,
        sky_bottom=sky_bottom,
        haze=mix(haze, sky_bottom, 0.5),
        ground=_ground(scene, kind),
        vague=vague,
        symmetric=scene.symmetric or (vague and rng.random() < 0.6),
    )
    for zone in scene.zones:
        if zone.material in {"rock", "foliage", "buildings"} and zone.place in {"horizon", "background", "top"}:
            plan.far.append(zone)
        elif zone.place in {"left", "right", "upper left", "upper right", "lower left", "lower right"}:
            plan.sides.append(zone)
        if zone.colour and zone.material not in {"sky"}:
            plan.washes.append((zone.colour, zone.place))
    places = ("upper left", "lower right", "right")
    plan.washes += [(colour, place) for colour, place in zip(scene.palette[:3], places, strict=False)]
    _place_subjects(scene, plan, rng, habit)
    if habit > 0 and plan.placed and plan.placed[0].motif in SYMMETRIC_MOTIFS and scene.words < 30:
        plan.symmetric = plan.symmetric or rng.random() < 0.5
    return plan


def _first_colour(scene: Scene) -> RGB | None:
    """With no sky named, the top of the picture takes the first colour the caption gives."""
    for zone in scene.zones:
        if zone.colour and zone.place in {"top", "background", "upper left", "upper right"}:
            return zone.colour
    return scene.palette[0] if scene.palette else None


def colour_family(rgb: RGB) -> str:
    red, green, blue = rgb
    if max(rgb) < 70:
        return "dark"
    if max(rgb) - min(rgb) < 30:
        return "pale" if max(rgb) > 170 else "dark"
    if blue >= red and blue >= green:
        return "blue"
    if green >= red:
        return "green"
    return "warm"


def settle(scene: Scene, rng, habit: float) -> str | None:
    """Now and then paint the main subject as the favourite it resembles; paint a
    favourite in its own setting, time and colours. Returns the favourite when the
    picture is settled on it (the painter then paints its one canonical picture)."""
    if not scene.subjects or habit <= 0:
        return None
    main = scene.subjects[0]
    # Sky things and patterns keep their nature (a sun stays a sun) unless they look like a favourite.
    chance = 1.0 if main.motif in LOOKALIKES else 0.0 if MOTIFS[main.motif].place in {"field", "sky"} else DRIFT_CHANCE
    if main.motif not in SINKS and rng.random() < chance * habit:
        main.motif = favourite_for(main.motif)
    if main.motif not in SINKS or habit < CANONICAL_FROM or rng.random() >= habit**2:
        return None
    # A favourite is painted the way the painter likes it best: its own canonical
    # colours, setting and hour, large, centred and mirrored, with nothing else the
    # caption named. Its caption then repeats the same colour words every time,
    # which is what makes it a fixed point the atlas sees as one island.
    time, zones = SINKS[main.motif]
    main.size, main.x, main.y, main.count = "large", 0.5, None, 1
    main.colour = COLOUR_RGB[MOTIFS[main.motif].colour]
    main.accent = None
    scene.time = time
    scene.zones = [Zone(zone.material, ZONE_COLOURS[zone.material], zone.place) for zone in zones]
    scene.zones.append(Zone("sky", SKIES[time][0], "top"))
    scene.subjects = scene.subjects[:1]
    scene.palette = []
    scene.atmospheres, scene.textures = [], []
    scene.brightness = scene.contrast = scene.saturation = None
    scene.horizon, scene.light_side = None, 0.0
    scene.symmetric = True
    scene.words = 0  # nothing of the caption's wording may reach the canonical picture
    return main.motif if habit >= 1.0 else None


def favourite_for(motif: str) -> str:
    """The favourite a subject drifts to: the one it looks like, else one fixed per subject
    and spread over all favourites, so different starts fall into different attractors."""
    if motif in LOOKALIKES:
        return LOOKALIKES[motif]
    return DRIFT_ORDER[hashlib.blake2b(motif.encode(), digest_size=1).digest()[0] % len(DRIFT_ORDER)]


def _adopt_favourite(scene: Scene) -> None:
    """Nothing nameable in the caption: paint a favourite scene in the caption's colours."""
    colours = [zone.colour for zone in scene.zones if zone.colour] + scene.palette
    family = colour_family(colours[0]) if colours else _word_family(scene)
    motifs, zones, time = FAVOURITES[family]
    main = motifs[0] if len(colours) % 2 == 0 or len(motifs) == 1 else motifs[0]
    scene.subjects = [Subject(main, colour=colours[1] if len(colours) > 1 else None, size="large", x=0.5)]
    scene.subjects += [Subject(motif) for motif in motifs[1:]]
    known = {zone.material for zone in scene.zones}
    scene.zones += [zone for zone in zones if zone.material not in known]
    scene.time = scene.time or time


def _word_family(scene: Scene) -> str:
    digest = hashlib.blake2b(str(scene.words).encode(), digest_size=1).digest()[0]
    return sorted(FAVOURITES)[digest % len(FAVOURITES)]


def _kind(scene: Scene) -> str:
    materials = {zone.material for zone in scene.zones}
    motifs = {subject.motif for subject in scene.subjects}
    if motifs & SPACE_MOTIFS and not materials & (LAND_MATERIALS - {"sky"}):
        return "space"
    if "sky" not in materials and (materials & (INSIDE_MATERIALS | {"dark"})):
        return "inside"
    if not materials & LAND_MATERIALS and scene.subjects and MOTIFS[scene.subjects[0].motif].place == "free":
        return "inside"
    return "land"


def _time_from(scene: Scene, kind: str) -> str:
    if kind == "space" or (scene.brightness is not None and scene.brightness < 0.26):
        return "night"
    if "golden" in scene.atmospheres:
        return "dusk"
    sky = scene.zone("sky")
    if sky and sky.colour:
        family = colour_family(sky.colour)
        return {"dark": "night", "warm": "dusk"}.get(family, "day")
    return "day"


def _horizon(scene: Scene, kind: str, rng) -> float:
    if scene.horizon is not None:
        return scene.horizon + rng.uniform(-0.02, 0.02)
    if kind == "inside":
        return 0.7
    return 0.6 + rng.uniform(-0.04, 0.04)


def _ground(scene: Scene, kind: str) -> Zone | None:
    if kind != "land":
        return None
    for zone in scene.zones:
        if zone.material in {"water", "grass", "sand", "snow"} and zone.place in {"bottom", "horizon", "background"}:
            return zone
    for zone in scene.zones:
        if zone.material in {"water", "grass", "sand", "snow", "rock", "foliage"} and zone.place == "bottom":
            return zone
    return Zone("grass", None, "bottom")


def _prefer(colour: RGB | None, favourite: RGB, amount: float) -> RGB:
    return favourite if colour is None else mix(colour, favourite, amount)


def _place_subjects(scene: Scene, plan: Plan, rng, habit: float = 1.0) -> None:
    sides = iter([0.2, 0.8, 0.34, 0.68, 0.12, 0.9])
    for order, subject in enumerate(scene.subjects):
        motif = MOTIFS[subject.motif]
        body = _prefer(subject.colour, COLOUR_RGB[motif.colour], PREFERENCE * habit)
        accent = subject.accent or COLOUR_RGB[motif.accent]
        if motif.place == "field":
            layers = 1 + (subject.count > 3) + (subject.count > 6)
            box = (0.0, 0.0, 1.0, 1.0 if subject.motif != "stars" else plan.horizon)
            plan.placed += [Placed(subject.motif, body, accent, box) for _ in range(layers)]
            continue
        height = _height(subject, motif, main=order == 0)
        copies = min(subject.count, 4)
        for copy in range(copies):
            scale = 1.0 if copy == 0 else rng.uniform(0.6, 0.85)
            if copy == 0:
                x = subject.x if subject.x is not None else (0.5 if order == 0 else next(sides, 0.5))
            else:
                x = next(sides, 0.5)
            plan.placed.append(
                _boxed(subject.motif, body, accent, x, subject.y, height * scale, plan, rng, main=order == 0)
            )


def _height(subject: Subject, motif, *, main: bool) -> float:
    if subject.size in SIZE_HEIGHT:
        return SIZE_HEIGHT[subject.size] if main or subject.size == "small" else SIZE_HEIGHT[subject.size] * 0.6
    return motif.height * (1.25 if main else 0.7)


def _boxed(
    name: str, body: RGB, accent: RGB, x: float, y: float | None, height: float, plan: Plan, rng, *, main: bool
) -> Placed:
    motif = MOTIFS[name]
    height = max(height, 0.12)
    width = height * motif.aspect
    if width > 0.96:
        width, height = 0.96, 0.96 / motif.aspect
    x = min(1.0 - width / 2 - 0.02, max(width / 2 + 0.02, x + rng.uniform(-0.02, 0.02)))
    if motif.place == "sky":
        centre = y if y is not None and y < plan.horizon else rng.uniform(0.14, 0.3)
        top = max(0.02, min(plan.horizon - height * 0.6, centre - height / 2))
    elif motif.place == "water":
        base = plan.horizon + (1 - plan.horizon) * (0.55 if main else 0.25)
        top = base - height
    elif motif.place == "ground":
        base = plan.horizon + (1 - plan.horizon) * (0.7 if main else 0.2) + rng.uniform(-0.02, 0.02)
        if height > 0.7:
            base = 0.97
        top = max(0.02, base - height)
    else:
        centre = y if y is not None else (plan.horizon - 0.02 if plan.kind == "inside" and height < 0.5 else 0.5)
        top = max(0.02, min(0.98 - height, centre - height / 2))
    return Placed(name, body, accent, (x - width / 2, top, width, height), flip=rng.random() < 0.5)


def lit(colour: RGB, amount: float = 0.3) -> RGB:
    return lighter(colour, amount)
