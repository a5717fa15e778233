"""Reading a caption into a scene the painter can draw.

The parser is clause-based and forgiving: it does not understand grammar, it notices
colour names, motif words, position words, quantities and a few mood words, and ties
each to its neighbours inside the same clause ("two slate grey towers on the right").
Anything it does not recognise is simply not drawn, which is the painter's share of
the information lost on each round trip.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .vocabulary import (
    ACCENT_WORDS,
    ATMOSPHERE_WORDS,
    BASIC_COLOURS,
    BRIGHTNESS_WORDS,
    COLOUR_RGB,
    CONTRAST_WORDS,
    COUNT_WORDS,
    MOTIF_BY_WORD,
    PLURAL_MOTIF_WORDS,
    POSITION_WORDS,
    SATURATION_WORDS,
    SHADE_WORDS,
    SYMMETRY_WORDS,
    TEXTURE_WORDS,
)

RGB = tuple[int, int, int]

SPELLING = {
    "gray": "grey", "center": "centre", "colorful": "colourful", "colors": "colours", "color": "colour",
}
SENTENCE_BREAK = re.compile(r"[.!?\n]+")
CLAUSE_BREAK = re.compile(r"[;:,]+|\b(?:while|whereas|but|where|and)\b")
MORE_REQUEST = re.compile(r"make it (?:even |much |a lot |far )?more ([a-z][a-z \-']*)", re.IGNORECASE)
REGION_OF_POSITION = {
    "top": "top", "upper": "top", "sky": "top",
    "bottom": "bottom", "lower": "bottom", "below": "bottom", "ground": "bottom", "foreground": "bottom",
    "left": "left", "right": "right", "centre": "centre", "middle": "centre", "central": "centre",
}
# Longer prompts are read only this far: enough for any caption, and a pasted novel
# cannot make one painting take seconds.
MAX_PROMPT_CHARS = 4000
MAX_MOTIFS = 24
# Words skipped when deciding what "Make it more ..." is about ("more like a dream").
EMPHASIS_FILLER = frozenset("like a an the of and in very much even so it more".split())


def _colour_phrase_table() -> dict[tuple[str, ...], RGB]:
    """Vocabulary names as word tuples, plus plain colour words where no name clashes."""
    table = {tuple(name.split()): rgb for name, rgb in COLOUR_RGB.items()}
    for word, rgb in BASIC_COLOURS.items():
        table.setdefault((word,), rgb)
    return table


_COLOUR_PHRASES = _colour_phrase_table()
_LONGEST_COLOUR = max(len(words) for words in _COLOUR_PHRASES)


@dataclass
class MotifRequest:
    """One motif to draw: where, how many, and in which colour (None = its usual colour)."""

    motif: str
    colour: RGB | None = None
    x: float | None = None
    y: float | None = None
    count: int = 1


@dataclass
class Emphasis:
    """What "Make it more X" asked for, resolved to the part of the scene it strengthens."""

    word: str
    colour: RGB | None = None
    motif: str | None = None
    effect: str | None = None


@dataclass
class Scene:
    palette: list[RGB] = field(default_factory=list)
    accents: list[tuple[RGB, float | None, float | None]] = field(default_factory=list)
    regions: dict[str, RGB] = field(default_factory=dict)
    motifs: list[MotifRequest] = field(default_factory=list)
    brightness: float | None = None
    contrast: float | None = None
    saturation: float | None = None
    atmospheres: list[str] = field(default_factory=list)
    textures: list[str] = field(default_factory=list)
    symmetric: bool = False
    emphasis: Emphasis | None = None


def parse_scene(prompt: str) -> Scene:
    """Everything the painter can use from a caption, in drawing-friendly form."""
    scene = Scene()
    text = prompt or ""
    more = MORE_REQUEST.search(text)
    if more:
        scene.emphasis = _resolve_emphasis(more.group(1))
        text = text[: more.start()] + text[more.end() :]
    text = text[:MAX_PROMPT_CHARS]
    for sentence in SENTENCE_BREAK.split(text.lower()):
        accenting = False
        for clause in CLAUSE_BREAK.split(sentence):
            words = _words(clause or "")
            accenting = accenting or any(word in ACCENT_WORDS for word in words)
            if words:
                _read_clause(words, scene, accenting)
    del scene.motifs[MAX_MOTIFS:]
    return scene


def _words(clause: str) -> list[str]:
    return [SPELLING.get(word, word) for word in re.findall(r"[a-z]+", clause)]


def _read_clause(words: list[str], scene: Scene, accenting: bool) -> None:
    """One clause: its colours, motifs and position words belong together."""
    colours, used = _find_colours(words)
    _read_global_words(words, used, scene)
    anchor = _clause_anchor(words, used)
    taken: set[int] = set()
    for position, word in enumerate(words):
        if position in used or word not in MOTIF_BY_WORD:
            continue
        colour_at = _colour_for_motif(position, colours, taken)
        scene.motifs.append(
            MotifRequest(
                motif=MOTIF_BY_WORD[word],
                colour=colours[colour_at][1] if colour_at is not None else None,
                x=anchor[0],
                y=anchor[1],
                count=_count_before(words, position),
            )
        )
    leftovers = [colour for index, colour in enumerate(colours) if index not in taken]
    _place_leftover_colours(words, leftovers, anchor, scene, accenting)


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


def _clause_anchor(words: list[str], used: set[int]) -> tuple[float | None, float | None]:
    """The position a clause talks about, combining e.g. "upper" and "left"."""
    x = y = None
    for position, word in enumerate(words):
        if position in used or word not in POSITION_WORDS:
            continue
        word_x, word_y = POSITION_WORDS[word]
        if word_x is not None and (x is None or word_y is None):
            x = word_x
        if word_y is not None and (y is None or word_x is None):
            y = word_y
    return x, y


def _colour_for_motif(position: int, colours: list[tuple[int, RGB]], taken: set[int]) -> int | None:
    """The colour just before a motif ("crimson sun"), else one just after ("sun of gold")."""
    best = None
    for index, (colour_position, _) in enumerate(colours):
        if index in taken:
            continue
        gap = position - colour_position
        if 0 < gap <= 3 or (-3 <= gap < 0 and best is None):
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
        if word.isdigit():
            return max(1, min(int(word), 30))
    return 3 if words[position] in PLURAL_MOTIF_WORDS else 1


def _place_leftover_colours(
    words: list[str], colours: list[tuple[int, RGB]], anchor, scene: Scene, accenting: bool
) -> None:
    """Colours not tied to a motif fill a region, become accents, or join the palette.

    Each colour takes the region word nearest after it ("sky blue ... top"), else the
    nearest before it ("the right side turns teal"); a corner ("upper left") makes it
    a placed accent instead, and a colour with no place at all joins the palette.
    """
    if accenting:
        scene.accents.extend((rgb, anchor[0], anchor[1]) for _, rgb in colours)
        return
    corner = anchor[0] is not None and anchor[1] is not None and anchor != (0.5, 0.5)
    claims = sorted(
        (_nearest_region(words, position) + (order, rgb) for order, (position, rgb) in enumerate(colours)),
        key=lambda claim: (claim[0], claim[2]),
    )
    for _, region, _, rgb in claims:
        if corner and region is not None:
            scene.accents.append((rgb, anchor[0], anchor[1]))
        elif region is not None and region not in scene.regions:
            scene.regions[region] = rgb
        else:
            scene.palette.append(rgb)


def _nearest_region(words: list[str], position: int) -> tuple[float, str | None]:
    """(distance, region) of the closest region word, preferring one that follows."""
    best: tuple[float, str | None] = (float("inf"), None)
    for index, word in enumerate(words):
        if word in REGION_OF_POSITION and index != position:
            distance = index - position if index > position else (position - index) + 0.5
            best = min(best, (distance, REGION_OF_POSITION[word]), key=lambda item: item[0])
    return best


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
