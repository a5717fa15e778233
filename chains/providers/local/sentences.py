"""Putting an account into sentences a person would write, varied and grammatical.

The caption leads with one natural sentence naming the subject and its setting ("A
vermilion pagoda stands on coffee hills under a snow white sky."), then adds detail
sentences, most telling first, as many as the detail level asks for. Every builder
returns a complete sentence (capitalised, ending in a full stop) or None when it has
nothing to say; constructions are chosen by a seeded RNG so retellings differ.
"""

from __future__ import annotations

import hashlib
import random

from .account import Account
from .lexicon import MOTIF_NOUNS
from .motifs import MOTIFS
from .seeing import ZoneSighting

# material -> [(noun, grammatical kind)], kind: "count" takes an article, "mass" and
# "plural" do not. Every noun is one the painter reads back as the same material.
MATERIAL_NOUNS = {
    "sky": [("sky", "count")],
    "water": [("lake", "count"), ("sea", "count"), ("water", "mass")],
    "foliage": [("trees", "plural"), ("foliage", "mass"), ("leaves", "plural")],
    "grass": [("meadow", "count"), ("grass", "mass"), ("field", "count")],
    "buildings": [("buildings", "plural"), ("rooftops", "plural")],
    "sand": [("sand", "mass"), ("beach", "count"), ("ground", "mass")],
    "rock": [("hills", "plural"), ("rocks", "plural"), ("cliffs", "plural")],
    "snow": [("ice", "mass"), ("snowfield", "count")],
    "dark": [("darkness", "mass"), ("shadow", "mass")],
    "wall": [("background", "count"), ("backdrop", "count"), ("wall", "count")],
    "glow": [("glow", "count")],
    "clutter": [("clutter", "mass"), ("shelves", "plural")],
}
PLACE_OBJECT = {
    "top": "the top",
    "bottom": "the bottom",
    "left": "the left side",
    "right": "the right side",
    "upper left": "the upper left corner",
    "upper right": "the upper right corner",
    "lower left": "the lower left corner",
    "lower right": "the lower right corner",
    "centre": "the middle",
    "background": "the background",
    "horizon": "the horizon",
}
PLACE_ADVERBIAL = {
    "top": "across the top",
    "bottom": "along the bottom",
    "left": "on the left",
    "right": "on the right",
    "upper left": "in the upper left corner",
    "upper right": "in the upper right corner",
    "lower left": "in the lower left corner",
    "lower right": "in the lower right corner",
    "centre": "in the middle",
    "background": "behind everything",
    "horizon": "along the horizon",
}
NOUN_VERBS = {
    "face": ["looks out", "gazes out"],
    "cat": ["sits", "watches"],
    "astronaut": ["looks out", "floats"],
    "figure": ["stands", "waits", "walks"],
    "flower": ["blooms", "opens"],
    "owl": ["watches", "perches"],
}
VERBS = {
    "ground": ["stands", "rises", "waits"],
    "sky": ["hangs", "glows", "floats"],
    "water": ["floats", "drifts", "rests"],
    "free": ["sits", "rests", "waits"],
    "field": ["covers", "fills"],
}
# How a subject that fills the picture is said to, one way per subject and colour.
FILLS = ["fills the frame", "fills most of the picture", "fills the whole picture", "fills the view"]
TIME_PHRASES = {
    "day": ["a clear afternoon", "late morning", "a bright noon"],
    "dawn": ["dawn", "an early sunrise", "daybreak"],
    "dusk": ["dusk", "a warm sunset", "early evening"],
    "night": ["a moonlit night", "midnight", "a starry night"],
}
PARTS = {
    "face": "eyes",
    "cat": "eyes",
    "owl": "eyes",
    "fox": "eyes",
    "dog": "eyes",
    "flower": "petals",
    "sunflower": "petals",
    "house": "roof",
    "cottage": "roof",
    "barn": "roof",
    "pagoda": "roofs",
    "temple": "roof",
    "castle": "roof",
    "tower": "roof",
    "sailboat": "sails",
    "butterfly": "wings",
    "lighthouse": "stripes",
    "skyscraper": "windows",
}


def stable_choice(options: list, *keys: object):
    """The same choice for the same content: one way of naming a thing, as a person has.

    Wording that changed at random every retelling would scatter captions of the same
    picture across the map; varying it by content keeps attractors recognisable.
    """
    digest = hashlib.blake2b("|".join(map(str, keys)).encode(), digest_size=2).digest()
    return options[int.from_bytes(digest, "big") % len(options)]


def article(words: str) -> str:
    return "an" if words[:1].lower() in "aeiou" else "a"


def capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


def join_list(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"


def noun_phrase(colour: str | None, noun: str, kind: str) -> str:
    """ "a pale grey lake", "dark green trees", "sand" (never "sand sand")."""
    described = noun if colour is None or colour.split()[-1] == noun else f"{colour} {noun}"
    return f"{article(described)} {described}" if kind == "count" else described


def material_phrase(zone: ZoneSighting, rng: random.Random, *, with_colour: bool = True) -> tuple[str, str]:
    # "grass green grass" reads as a stutter: a noun the colour name already holds is skipped.
    nouns = [pair for pair in MATERIAL_NOUNS[zone.material] if pair[0] not in zone.colour.split()]
    noun, kind = stable_choice(nouns or MATERIAL_NOUNS[zone.material], zone.material, zone.colour)
    return noun_phrase(zone.colour if with_colour else None, noun, kind), kind


def subject_phrase(account: Account, rng: random.Random) -> str:
    noun = MOTIF_NOUNS[account.noun][0]
    size = {
        "large": stable_choice(["large", "big", "tall"], account.noun),
        "small": stable_choice(["small", "little"], account.noun),
    }.get(account.size)
    if size == "tall" and MOTIFS[account.noun].aspect > 0.8:
        size = "large"
    words = " ".join(part for part in (size, account.colour, noun) if part)
    return f"{article(words)} {words}"


# --- the leading sentence ----------------------------------------------------------------


def lead(account: Account, rng: random.Random) -> str:
    if account.empty:
        colour = account.palette[0] if account.palette else "grey"
        return f"An empty expanse of {colour} fills the picture, with nothing in it but a soft gradient."
    if account.noun is None:
        return _scenery_lead(account, rng)
    subject = subject_phrase(account, rng)
    if account.size == "huge":
        behind = account.backdrop or account.sky or (account.zones[0] if account.zones else None)
        against = f" against {material_phrase(behind, rng)[0]}" if behind is not None else ""
        fills = stable_choice(FILLS, account.noun, account.colour)
        return capitalise(f"{subject} {fills}{against}.")
    verb = stable_choice(NOUN_VERBS.get(account.noun) or VERBS[MOTIFS[account.noun].place], account.noun)
    return capitalise(f"{subject} {verb} {_setting(account, rng)}.")


def _setting(account: Account, rng: random.Random) -> str:
    parts = []
    if account.ground is not None and MOTIFS[account.noun].place != "free":
        phrase, _ = material_phrase(account.ground, rng)
        preposition = {
            "water": rng.choice(["beside", "above"]),
            "foliage": "among",
            "rock": "on",
            "sand": "on",
            "grass": "in",
            "snow": "on",
        }.get(account.ground.material, "on")
        parts.append(f"{preposition} {phrase}")
    if account.sky is not None:
        parts.append(f"under {material_phrase(account.sky, rng)[0]}")
    elif account.backdrop is not None:
        parts.append(f"against {material_phrase(account.backdrop, rng)[0]}")
    if not parts:
        return "in the middle of the picture" if account.place == "centre" else f"on the {account.place} of the picture"
    return " ".join(parts[:2])


def _scenery_lead(account: Account, rng: random.Random) -> str:
    if account.sky is not None and account.ground is not None:
        sky = material_phrase(account.sky, rng)[0]
        ground = material_phrase(account.ground, rng)[0]
        verb = rng.choice(["stretches over", "hangs above", "spreads over"])
        return capitalise(f"{sky} {verb} {ground}.")
    colours = account.palette[:3] or ["grey"]
    noun = rng.choice(["Soft fields", "Broad patches", "Loose shapes"])
    return f"{noun} of {join_list(colours)} fill the picture, soft and hard to name."


# --- detail sentences --------------------------------------------------------------------


def zone_sentence(zone: ZoneSighting, rng: random.Random) -> str:
    if zone.place == "background" or zone.material == "wall":
        behind = rng.choice(["background", "backdrop"])
        where = "" if zone.place == "background" else f" {PLACE_ADVERBIAL[zone.place]}"
        return stable_choice(
            [
                f"The {behind} is a plain {zone.colour}{where}.",
                f"Behind it all is a plain {zone.colour} {behind}{where}.",
                f"The {behind} stays a quiet {zone.colour}{where}.",
            ],
            zone.colour,
            zone.place,
        )
    phrase, kind = material_phrase(zone, rng)
    singular = kind in {"count", "mass"}
    construction = rng.randrange(3)
    if construction == 0:
        verb = rng.choice(["fills", "covers", "takes up"] if singular else ["fill", "crowd", "cover"])
        return capitalise(f"{phrase} {verb} {PLACE_OBJECT[zone.place]}.")
    if construction == 1:
        verb = rng.choice(["lies", "stretches"] if singular else ["lie", "stand"])
        return capitalise(f"{PLACE_ADVERBIAL[zone.place]} {verb} {phrase}.")
    return capitalise(f"{PLACE_OBJECT[zone.place]} is taken up by {phrase}.")


def horizon_sentence(account: Account, rng: random.Random) -> str | None:
    if account.horizon is None or account.sky is None or account.ground is None:
        return None
    if account.horizon < 0.42:
        height, share = "high", "the upper third"
    elif account.horizon < 0.62:
        height, share = "midway", "the upper half"
    else:
        height, share = "low", "most of the frame"
    if rng.random() < 0.5:
        return f"The horizon sits {height}, so the sky fills {share}."
    return f"The sky takes up {share}, above a horizon that sits {height}."


def light_sentence(account: Account, rng: random.Random) -> str:
    quality = (
        "dim"
        if account.brightness < 0.3
        else "bright"
        if account.brightness > 0.62
        else rng.choice(["soft", "even", "gentle"])
    )
    when = stable_choice(TIME_PHRASES[account.time], account.time)
    if account.light_side:
        side = account.light_side
        return stable_choice(
            [
                f"The light comes from the {side}, {quality} like {when}.",
                f"Lit from the {side}, the scene has the {quality} light of {when}.",
                f"{capitalise(article(quality))} {quality} light falls from the {side}, like the light of {when}.",
                f"{capitalise(quality)} light comes in from the {side}, and the hour feels like {when}.",
            ],
            side,
            account.palette[:1],
        )
    steady = "steady" if quality == "even" else "even"
    return f"The light is {quality} and {steady}, like {when}."


def subject_detail(account: Account, rng: random.Random) -> str | None:
    if account.noun is None or account.second is None or account.second == account.colour:
        return None
    noun = MOTIF_NOUNS[account.noun][0]
    part = PARTS.get(account.noun)
    if part:
        verb = "are" if part.endswith("s") else "is"
        return f"The {noun} is mostly {account.colour}, and its {part} {verb} {account.second}."
    return f"The {noun} is mostly {account.colour}, with {account.second} in its shadows."


def palette_sentence(account: Account, rng: random.Random) -> str | None:
    colours = account.palette[:3]
    if len(colours) < 2:
        return None
    if rng.random() < 0.5:
        return f"The palette keeps to {join_list(colours)}."
    return f"Most of the colour is {colours[0]}, set off by {join_list(colours[1:])}."


def contrast_sentence(account: Account, rng: random.Random) -> str:
    contrast = "stark" if account.contrast > 0.26 else "gentle" if account.contrast < 0.12 else "moderate"
    colours = "vivid" if account.saturation > 0.5 else "muted" if account.saturation < 0.2 else "natural"
    return f"The contrast is {contrast}, and the colours look {colours}."


def mood_sentence(account: Account, rng: random.Random) -> str:
    if account.brightness < 0.25:
        options = ["quiet", "brooding", "still"]
    elif account.saturation > 0.5:
        options = ["lively", "cheerful", "bold"]
    elif account.contrast < 0.1:
        options = ["calm", "dreamy", "hushed"]
    else:
        options = ["calm", "peaceful", "wistful"]
    first, second = rng.sample(options, 2)
    return rng.choice([f"The mood is {first} and {second}.", f"It feels {first}, almost {second}."])


def extras_sentence(account: Account, rng: random.Random) -> str | None:
    if account.stars >= 5:
        many = "Countless tiny stars" if account.stars > 20 else "A scatter of small stars"
        return f"{many} glint across the dark."
    if account.lettering:
        return f"Something like lettering shows {PLACE_ADVERBIAL[account.lettering]}."
    return None


def composition_sentence(account: Account, rng: random.Random) -> str | None:
    if account.noun is None:
        return None
    noun = MOTIF_NOUNS[account.noun][0]
    where = {"left": "left of centre", "right": "right of centre"}.get(account.place, "on the central axis")
    balance = "nearly symmetrical" if account.symmetry > 0.85 else f"weighted toward the {account.light_side or 'left'}"
    return f"The {noun} sits {where}, and the composition is {balance}."


def corners_sentence(account: Account, rng: random.Random) -> str | None:
    corners = [zone for zone in account.zones if " " in zone.place][:2]
    if not corners:
        return None
    parts = [f"{PLACE_OBJECT[zone.place]} leans toward {zone.colour}" for zone in corners]
    return capitalise(", while ".join(parts) + ".")


def size_sentence(account: Account, rng: random.Random) -> str | None:
    if account.noun is None:
        return None
    noun = MOTIF_NOUNS[account.noun][0]
    share = {
        "huge": "most of the picture",
        "large": "about a third of the picture",
        "medium": "a modest part of the picture",
        "small": "only a small part of the picture",
    }[account.size]
    return f"The {noun} takes up {share}."


def surface_sentence(account: Account, rng: random.Random) -> str:
    if account.contrast > 0.22:
        return "The edges are crisp, and the shapes stand out clearly."
    return rng.choice(["The shapes are simple, with soft edges.", "Nothing in it is sharp; the forms are rounded."])
