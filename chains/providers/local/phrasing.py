"""Sentence builders for the procedural captioner, one per aspect of the picture.

Each builder returns one sentence. The captioner picks how many to use from the detail
level, most informative first, so a terse caption keeps the palette and the main motif
while a long one adds sides, light, texture, corners and mood. Wording choices come
from a seeded RNG, so the same picture is described in slightly different words at
different steps, like two people retelling the same thing.
"""

from __future__ import annotations

import random

import numpy as np

from .analysis import Reading
from .sightings import Ground, Sighting, place_phrase
from .vocabulary import COLOUR_NAMES, MOTIF_NOUNS, SCENE_NOUNS

SKY_MOTIFS = {"sun", "moon", "stars", "planet", "clouds", "birds", "balloons", "rainbow", "galaxy"}
MASS_GROUND = {"sea", "field", "desert", "forest", "road", "river", "castle"}
RISING_MOTIFS = {
    "towers", "buildings", "castle", "cathedral", "lighthouse", "mountains", "pines", "trees", "pyramid",
}


def article(word: str) -> str:
    return "an" if word[:1].lower() in "aeiou" else "a"


def join_list(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"


def capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


def light_adjective(brightness: float, rng: random.Random) -> str:
    """A light word the painter also understands, or none for ordinary mid-tones."""
    if brightness < 0.2:
        return rng.choice(["dark", "nocturnal", "murky"])
    if brightness < 0.36:
        return rng.choice(["dim", "shadowy", "gloomy"])
    if brightness > 0.78:
        return rng.choice(["pale", "radiant", "luminous"])
    if brightness > 0.6:
        return rng.choice(["bright", "airy", "sunlit"])
    return ""


def scene_noun(reading: Reading, sightings: list[Sighting], ground: Ground | None, rng: random.Random) -> str:
    motifs = {sighting.motif for sighting in sightings}
    if ground and ground.motif in {"sea", "waves"}:
        key = "seascape"
    elif reading.brightness < 0.3 and ("stars" in motifs or "moon" in motifs):
        key = "night"
    elif ground and ground.motif in {"buildings", "castle"} or "buildings" in motifs:
        key = "city"
    elif ground:
        key = "landscape"
    elif reading.edge_density > 0.25 or not sightings:
        key = "abstract"
    else:
        key = "still"
    return rng.choice(SCENE_NOUNS[key])


def ground_phrase(ground: Ground) -> str:
    """"a cerulean sea with rolling waves", "sage green hills": mass nouns get an article."""
    singular, plural = MOTIF_NOUNS[ground.motif]
    if ground.motif in MASS_GROUND:
        described = f"{ground.colour} {singular}"
        text = f"{article(described)} {described}"
    else:
        text = f"{ground.colour} {plural}"
    if ground.waves and ground.motif != "waves":
        text += " with rolling waves"
    return text


def motif_phrase(sighting: Sighting, rng: random.Random, with_colour: bool = True) -> str:
    """"two slate grey towers", "a crimson sun", "dozens of stars"."""
    singular, plural = MOTIF_NOUNS[sighting.motif]
    noun = singular if sighting.count == 1 else plural
    colour = f"{sighting.colour} " if with_colour and sighting.colour else ""
    if sighting.count == 1:
        described = f"{colour}{noun}"
        return f"{article(described)} {described}"
    if sighting.count == 2:
        quantity = rng.choice(["two", "a pair of"])
    elif sighting.count <= 4:
        quantity = rng.choice(["three", "a few", "several"])
    elif sighting.count <= 11:
        quantity = rng.choice(["many", "several", "scattered"])
    else:
        quantity = rng.choice(["dozens of", "countless", "many"])
    return f"{quantity} {colour}{noun}"


def motif_clause(sighting: Sighting, rng: random.Random) -> str:
    """A motif with a verb and a place: "a crimson sun hangs in the upper left"."""
    plural = sighting.count > 1
    if sighting.motif in SKY_MOTIFS:
        verbs = [("hangs", "hang"), ("floats", "float"), ("glows", "glow")]
    elif sighting.motif in RISING_MOTIFS:
        verbs = [("rises", "rise"), ("stands", "stand"), ("looms", "loom")]
    else:
        verbs = [("appears", "appear"), ("sits", "sit"), ("rests", "rest")]
    verb = rng.choice(verbs)[1 if plural else 0]
    return f"{motif_phrase(sighting, rng)} {verb} {place_phrase(sighting.x, sighting.y)}"


def overview(reading, sightings, ground, rng, *, with_motif: bool = False) -> str:
    light = light_adjective(reading.brightness, rng)
    scene = scene_noun(reading, sightings, ground, rng)
    described = f"{light} {scene}".strip()
    colours = [swatch.name for swatch in reading.palette[:3]]
    text = f"{article(described)} {described} in {join_list(colours)}"
    if len(reading.palette) > 3 and not with_motif:
        text += f", with {rng.choice(['touches', 'hints', 'flecks'])} of {reading.palette[3].name}"
    if with_motif and sightings:
        text += f", where {motif_clause(sightings[0], rng)}"
    elif with_motif and ground:
        text += f" above {ground_phrase(ground)}"
    return capitalise(text) + "."


def composition(reading, sightings, ground, rng) -> str:
    top = reading.regions["top"].name
    bottom = reading.regions["bottom"].name
    spread = rng.choice(["A band", "A wash", "A sweep", "A broad expanse"])
    verb = rng.choice(["spreads across", "fills", "covers"])
    if ground:
        lower = ground_phrase(ground)
    else:
        lower = bottom
    join = rng.choice(["giving way to", "fading into", "above"])
    where = rng.choice(["along the bottom", "at the bottom", "below"])
    return f"{spread} of {top} {verb} the top, {join} {lower} {where}."


def main_motifs(reading, sightings, ground, rng) -> str:
    if not sightings:
        return centre(reading, sightings, ground, rng)
    clauses = [motif_clause(sighting, rng) for sighting in sightings[:2]]
    return capitalise(", and ".join(clauses)) + "."


def centre(reading, sightings, ground, rng) -> str:
    name = reading.regions["centre"].name
    size = rng.choice(["soft", "broad", "rounded"])
    return f"The centre is held by a {size} patch of {name}."


def sides(reading, sightings, ground, rng) -> str:
    left, right = reading.regions["left"].name, reading.regions["right"].name
    if left == right:
        return f"Both the left and the right side are dominated by {left}."
    lean = rng.choice(["leans toward", "turns to", "settles into"])
    return f"{capitalise(left)} dominates the left side, while the right side {lean} {right}."


def light_and_colour(reading, sightings, ground, rng) -> str:
    if reading.brightness < 0.3:
        light = rng.choice(["dim", "dark and low"])
    elif reading.brightness > 0.65:
        light = rng.choice(["bright", "clear and bright"])
    else:
        light = rng.choice(["even", "steady", "moderate"])
    contrast = "stark" if reading.contrast > 0.27 else "gentle" if reading.contrast < 0.1 else "moderate"
    colour = "vivid" if reading.saturation > 0.55 else "muted" if reading.saturation < 0.18 else "natural"
    return f"The light is {light}, the contrast {contrast}, and the colours {colour}."


def texture_and_balance(reading, sightings, ground, rng) -> str:
    if reading.edge_density > 0.3:
        surface = rng.choice(["busy and intricate", "busy with fine detail"])
    elif reading.edge_density > 0.12:
        surface = rng.choice(["lightly textured", "grainy in places"])
    else:
        surface = rng.choice(["smooth", "smooth and clean"])
    if reading.symmetry > 0.88:
        balance = rng.choice(["almost perfectly symmetrical", "mirrored left to right"])
    else:
        heavier = _heavier_side(reading)
        balance = f"asymmetric, weighted toward the {heavier}"
    return f"The surface looks {surface}, and the composition is {balance}."


def more_motifs(reading, sightings, ground, rng) -> str:
    rest = sightings[2:5]
    if not rest:
        return centre(reading, sightings, ground, rng)
    return f"There {'are' if rest[0].count > 1 else 'is'} also {join_list([_placed(s, rng) for s in rest])}."


def minor_colours(reading, sightings, ground, rng) -> str:
    extras = reading.palette[3:6] or reading.palette[1:3] or reading.palette[:1]
    parts = [f"{swatch.name} {_where_colour(reading, swatch.index)}" for swatch in extras]
    word = rng.choice(["traces", "touches", "hints"])
    return f"Smaller {word} of {join_list(parts)} complete the palette."


def mood(reading, sightings, ground, rng) -> str:
    if reading.brightness < 0.3:
        options = ["brooding", "eerie", "quiet"] if reading.contrast > 0.15 else ["gloomy", "quiet"]
    elif reading.saturation > 0.5:
        options = ["joyful", "lively", "warm"] if reading.warmth > 10 else ["lively", "electric"]
    elif reading.contrast < 0.12:
        options = ["calm", "dreamy", "hazy"]
    else:
        options = ["calm", "quiet", "wistful"]
    return f"The overall mood is {rng.choice(options)}."


def corners(reading, sightings, ground, rng) -> str:
    labels = reading.labels
    half = labels.shape[0] // 4
    names = {
        "upper left": labels[:half, :half], "upper right": labels[:half, -half:],
        "lower left": labels[-half:, :half], "lower right": labels[-half:, -half:],
    }
    parts = [f"{_most_common_name(patch)} in the {where}" for where, patch in names.items()]
    return f"Looking corner by corner, there is {join_list(parts)}."


def horizon(reading, sightings, ground, rng) -> str:
    if ground is None:
        return f"There is no clear horizon; the {reading.regions['centre'].name} centre floats free."
    height = "high" if ground.height < 0.4 else "low" if ground.height > 0.65 else "midway"
    return f"The horizon sits {height} in the frame, under a sky of {ground.sky_colour}."


def _most_common_name(labels: np.ndarray) -> str:
    return COLOUR_NAMES[int(np.bincount(labels.ravel()).argmax())]


def _placed(sighting: Sighting, rng: random.Random) -> str:
    return f"{motif_phrase(sighting, rng)} {place_phrase(sighting.x, sighting.y)}"


def _where_colour(reading: Reading, index: int) -> str:
    ys, xs = np.nonzero(reading.labels == index)
    if ys.size == 0:
        return "here and there"
    side = reading.labels.shape[0]
    return place_phrase(float(xs.mean()) / side, float(ys.mean()) / side)


def _heavier_side(reading: Reading) -> str:
    grey = reading.rgb.mean(axis=-1)
    half = grey.shape[1] // 2
    darker_left = grey[:, :half].mean() < grey[:, half:].mean()
    return "left" if darker_left else "right"


# Sentence builders in the order a caption adds them as the detail level grows.
SENTENCE_ORDER = (
    overview, composition, main_motifs, sides, light_and_colour,
    texture_and_balance, more_motifs, minor_colours, horizon, mood, corners,
)
