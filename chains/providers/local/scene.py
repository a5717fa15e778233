"""Reading a caption into a scene the painter can compose.

The parser is clause-based and forgiving: it does not understand grammar. It notices
motif nouns (the things to draw), setting nouns (sky, water, foliage…), colour names,
position and size words, time of day, where the light comes from and a few mood words,
and ties each to its neighbours inside the same clause ("dark green trees crowd the
left side"). The first thing named is the subject. Anything it does not recognise is
not drawn, which is the painter's share of the information lost on each round trip.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .lexicon import (
    ATMOSPHERE_WORDS,
    BRIGHTNESS_WORDS,
    CONTRAST_WORDS,
    COUNT_WORDS,
    DEFAULT_PLACE,
    EMPTY_SCENE,
    MATERIAL_BY_WORD,
    MOTIF_BY_WORD,
    NOUN_MARKERS,
    PLURAL_MOTIF_WORDS,
    POSITION_WORDS,
    SATURATION_WORDS,
    SIZE_RANK,
    SIZE_WORDS,
    SYMMETRY_WORDS,
    TEXTURE_WORDS,
    TIME_WORDS,
    VERB_LIKE_NOUNS,
)
from .vocabulary import BASIC_COLOURS, COLOUR_RGB, SHADE_WORDS

RGB = tuple[int, int, int]

SPELLING = {
    "gray": "grey",
    "center": "centre",
    "colorful": "colourful",
    "color": "colour",
    "colors": "colours",
    "harbor": "harbour",
}
SENTENCE_BREAK = re.compile(r"[.!?\n]+")
CLAUSE_BREAK = re.compile(r"[;:,()]+|\b(?:while|whereas|but|and|where|with)\b")
MORE_REQUEST = re.compile(r"make it (?:even |much |a lot |far )?more ([a-z][a-z \-']*)", re.IGNORECASE)
HORIZON_PHRASES = (
    (re.compile(r"\b(?:thin|narrow) (?:strip|band)\b"), 0.22),
    (re.compile(r"\bupper third\b|\btop third\b|\bhorizon (?:sits|lies|runs) high\b"), 0.36),
    (re.compile(r"\bupper half\b|\btop half\b|\bhorizon (?:sits|lies|runs) (?:midway|halfway)\b"), 0.5),
    (re.compile(r"\btwo thirds\b|\bmost of the (?:frame|picture)\b|\bhorizon (?:sits|lies|runs) low\b"), 0.7),
)
LIGHT_FROM = re.compile(
    r"\b(?:light|sunlight|lit|glow|lamp|sun)\b[a-z ]{0,24}?\bfrom the (?:upper |lower )?(left|right)\b"
)
# Nouns for a part of the thing just named ("a grey cat with green eyes"): their colour
# becomes that thing's accent instead of a new motif.
PART_WORDS = frozenset({"eyes", "petals", "roof", "roofs", "sails", "windows", "wings", "stripes", "rim", "trim"})
MAX_PROMPT_CHARS = 4000
MAX_SUBJECTS = 8
EMPHASIS_FILLER = frozenset("like a an the of and in very much even so it more".split())


def _colour_phrase_table() -> dict[tuple[str, ...], RGB]:
    table = {tuple(name.split()): rgb for name, rgb in COLOUR_RGB.items()}
    for word, rgb in BASIC_COLOURS.items():
        table.setdefault((word,), rgb)
    return table


_COLOUR_PHRASES = _colour_phrase_table()
_LONGEST_COLOUR = max(len(words) for words in _COLOUR_PHRASES)


@dataclass
class Subject:
    """A thing to draw: where, how big, how many and in which colours (None = its usual)."""

    motif: str
    colour: RGB | None = None
    accent: RGB | None = None
    x: float | None = None
    y: float | None = None
    size: str = "medium"
    count: int = 1


@dataclass
class Zone:
    """A setting mass: "pale water in the lower right", "dark green foliage on the left"."""

    material: str
    colour: RGB | None
    place: str


@dataclass
class Emphasis:
    """What "Make it more X" asked for, resolved to the part of the scene it strengthens."""

    word: str
    colour: RGB | None = None
    motif: str | None = None
    effect: str | None = None


@dataclass
class Scene:
    subjects: list[Subject] = field(default_factory=list)
    zones: list[Zone] = field(default_factory=list)
    palette: list[RGB] = field(default_factory=list)
    time: str | None = None
    light_side: float | None = None
    horizon: float | None = None
    brightness: float | None = None
    contrast: float | None = None
    saturation: float | None = None
    atmospheres: list[str] = field(default_factory=list)
    textures: list[str] = field(default_factory=list)
    symmetric: bool = False
    empty: bool = False
    emphasis: Emphasis | None = None
    words: int = 0

    def zone(self, material: str) -> Zone | None:
        return next((zone for zone in self.zones if zone.material == material), None)


def parse_scene(prompt: str) -> Scene:
    """Everything the painter can use from a caption, in drawing-friendly form."""
    scene = Scene()
    text = (prompt or "")[:MAX_PROMPT_CHARS]
    more = MORE_REQUEST.search(text)
    if more:
        scene.emphasis = _resolve_emphasis(more.group(1))
        text = text[: more.start()] + text[more.end() :]
    lowered = text.lower()
    _read_whole_text(lowered, scene)
    for sentence in SENTENCE_BREAK.split(lowered):
        for clause in CLAUSE_BREAK.split(sentence):
            words = _words(clause or "")
            if words:
                _read_clause(words, scene)
    del scene.subjects[MAX_SUBJECTS:]
    return scene


def _words(text: str) -> list[str]:
    return [SPELLING.get(word, word) for word in re.findall(r"[a-z]+", text)]


def _read_whole_text(text: str, scene: Scene) -> None:
    """Phrases that span clause breaks: the horizon's height and where the light comes from."""
    scene.words = len(text.split())
    for pattern, level in HORIZON_PHRASES:
        if pattern.search(text):
            scene.horizon = level
    light = LIGHT_FROM.search(text)
    if light:
        scene.light_side = -1.0 if light.group(1) == "left" else 1.0
    tokens = set(_words(text))
    scene.empty = bool(tokens & EMPTY_SCENE) and not any(word in MOTIF_BY_WORD for word in tokens)


def _read_clause(words: list[str], scene: Scene) -> None:
    """One clause: its colours, things, settings, places and sizes belong together."""
    colours, used = _find_colours(words)
    _read_global_words(words, used, scene)
    anchor, place = _clause_place(words, used)
    size = max((SIZE_WORDS[word] for word in words if word in SIZE_WORDS), key=SIZE_RANK.get, default="medium")
    taken: set[int] = set()
    for position, word in enumerate(words):
        if position in used:
            continue
        if word in PART_WORDS and scene.subjects:
            colour_at = _colour_near(position, colours, taken)
            if colour_at is not None and scene.subjects[-1].accent is None:
                scene.subjects[-1].accent = colours[colour_at][1]
            continue
        if (
            word in MOTIF_BY_WORD
            and _names_a_thing(words, position, used)
            and not (word in MATERIAL_BY_WORD and scene.subjects)
        ):
            colour_at = _colour_near(position, colours, taken)
            scene.subjects.append(
                Subject(
                    motif=MOTIF_BY_WORD[word],
                    colour=colours[colour_at][1] if colour_at is not None else None,
                    x=anchor[0],
                    y=anchor[1],
                    size=size,
                    count=_count_before(words, position),
                )
            )
        elif word in MATERIAL_BY_WORD:
            colour_at = _colour_near(position, colours, taken)
            material = MATERIAL_BY_WORD[word]
            if scene.zone(material) is None or place != DEFAULT_PLACE[material]:
                scene.zones.append(
                    Zone(
                        material,
                        colours[colour_at][1] if colour_at is not None else None,
                        place or DEFAULT_PLACE[material],
                    )
                )
    for index, (_, rgb) in enumerate(colours):
        if index not in taken:
            scene.palette.append(rgb)


def _names_a_thing(words: list[str], position: int, used: set[int]) -> bool:
    """False for a noun used as a verb: "faces" in "the house faces the sea"."""
    if words[position] not in VERB_LIKE_NOUNS or position == 0:
        return True
    before = words[position - 1]
    return before in NOUN_MARKERS or before in SIZE_WORDS or (position - 1) in used


def _find_colours(words: list[str]) -> tuple[list[tuple[int, RGB]], set[int]]:
    """Colour phrases (longest match first), shaded by a preceding dark/pale word."""
    found: list[tuple[int, RGB]] = []
    used: set[int] = set()
    position = 0
    while position < len(words):
        for length in range(_LONGEST_COLOUR, 0, -1):
            phrase = tuple(words[position : position + length])
            if len(phrase) == length and phrase in _COLOUR_PHRASES:
                rgb = _COLOUR_PHRASES[phrase]
                if position > 0 and words[position - 1] in SHADE_WORDS:
                    rgb = shade(rgb, SHADE_WORDS[words[position - 1]])
                    used.add(position - 1)
                found.append((position, rgb))
                used.update(range(position, position + length))
                position += length
                break
        else:
            position += 1
    return found, used


def shade(rgb: RGB, amount: float) -> RGB:
    """Negative amounts darken toward black, positive ones lighten toward white."""
    target = 255 if amount > 0 else 0
    weight = abs(amount)
    red, green, blue = (int(round(channel + (target - channel) * weight)) for channel in rgb)
    return red, green, blue


def _read_global_words(words: list[str], used: set[int], scene: Scene) -> None:
    for position, word in enumerate(words):
        if position in used:
            continue
        if word in TIME_WORDS:
            scene.time = TIME_WORDS[word]
        if word in BRIGHTNESS_WORDS:
            scene.brightness = BRIGHTNESS_WORDS[word]
        if word in CONTRAST_WORDS:
            scene.contrast = CONTRAST_WORDS[word]
        if word in SATURATION_WORDS:
            scene.saturation = SATURATION_WORDS[word]
        if word in ATMOSPHERE_WORDS and ATMOSPHERE_WORDS[word] not in scene.atmospheres:
            scene.atmospheres.append(ATMOSPHERE_WORDS[word])
        if word in TEXTURE_WORDS and TEXTURE_WORDS[word] not in scene.textures:
            scene.textures.append(TEXTURE_WORDS[word])
        if word in SYMMETRY_WORDS:
            scene.symmetric = True


def _clause_place(words: list[str], used: set[int]) -> tuple[tuple[float | None, float | None], str | None]:
    """The position a clause talks about ("upper left"), as an anchor and as a place name."""
    x = y = None
    across = down = None
    for position, word in enumerate(words):
        if position in used or word not in POSITION_WORDS:
            continue
        word_x, word_y = POSITION_WORDS[word]
        if word_x is not None and (x is None or word_y is None):
            x = word_x
            across = word if word in {"left", "right"} else across
        if word_y is not None and (y is None or word_x is None):
            y = word_y
            down = {
                "upper": "top",
                "above": "top",
                "lower": "bottom",
                "below": "bottom",
                "foreground": "bottom",
                "background": None,
            }.get(word, word)
        if word in {"centre", "middle", "central"}:
            across = down = None
            place = "centre"
            return (x, y), place
    if across and down:
        return (x, y), f"{'upper' if down == 'top' else 'lower'} {across}"
    return (x, y), across or down


def _colour_near(position: int, colours: list[tuple[int, RGB]], taken: set[int]) -> int | None:
    """The colour just before a noun ("crimson sun"), else one just after ("sun of gold")."""
    best = None
    for index, (colour_position, _) in enumerate(colours):
        if index in taken:
            continue
        gap = position - colour_position
        if 0 < gap <= 4 or (-3 <= gap < 0 and best is None):
            best = index
    if best is not None:
        taken.add(best)
    return best


def _count_before(words: list[str], position: int) -> int:
    for back in range(1, 5):
        if position - back < 0:
            break
        word = words[position - back]
        if word in COUNT_WORDS:
            if word in {"a", "an"} and words[position] in PLURAL_MOTIF_WORDS:
                continue
            return COUNT_WORDS[word]
    return 3 if words[position] in PLURAL_MOTIF_WORDS else 1


def _resolve_emphasis(phrase: str) -> Emphasis:
    """Decide whether "more X" is about a colour, a motif, or an overall effect."""
    words = [word for word in _words(phrase.lower()) if word not in EMPHASIS_FILLER][:4]
    colours, _ = _find_colours(words)
    if colours:
        return Emphasis(word=phrase.strip(), colour=colours[0][1])
    for word in words:
        if word in MOTIF_BY_WORD:
            return Emphasis(word=word, motif=MOTIF_BY_WORD[word])
    head = words[0] if words else "dramatic"
    return Emphasis(word=head, effect=head)
