"""Words for reading a chain as an album: a one-line plain summary of the whole chain,
made from its data (each caption's lead sentence comes from `chains.captions`).

Pure functions over strings and numbers (no ORM), so the wording is tested directly.
Captions run to 150 words; an album shows the first sentence and folds the rest away,
and the summary names what the chain started as and what it became in a few words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

SUBJECT_MAX_WORDS = 7
# Where a caption's opening noun phrase usually stops.
SUBJECT_STOPS = re.compile(
    r",|;|:|\s[—–-]\s|\.\s|\.$|\s(?:with|where|while|which|that|under|beneath|against|set|showing|"
    r"featuring|rendered|painted|drawn|seen|on a|in front|"
    # a verb ends the subject: "A coffee mountain | rises among leaves"
    r"is|are|rises?|stands?|sits?|fills?|floats?|looms?|glows?|hangs?|lies|lie|covers?|spreads?|grows?|"
    r"towers?|perch(?:es)?|rests?|dominates?|stretch(?:es)?|appears?|shines?|blooms?|sails?|flies|fly|"
    r"waits?|walks?|runs?|drifts?|leans?|curls?|peeks?|watches|watch|holds?)\s",
    re.IGNORECASE,
)
LEADING_FILLER = re.compile(
    r"^(?:(?:this|the) (?:image|picture|painting|photo(?:graph)?|scene|illustration) "
    r"(?:shows|depicts|features|is of|presents)\s+|panel \d+[:.]?\s*|in (?:the next|this) panel(?: of [^,]*)?,\s*)",
    re.IGNORECASE,
)


def caption_subject(text: str) -> str:
    """The caption's opening noun phrase in a few words: "A summer palace by a lake"."""
    text = LEADING_FILLER.sub("", " ".join((text or "").split()))
    head = SUBJECT_STOPS.split(text, maxsplit=1)[0].strip(" .")
    words = head.split()
    if len(words) > SUBJECT_MAX_WORDS:
        words = words[:SUBJECT_MAX_WORDS]
        while words and words[-1].lower() in {"a", "an", "the", "of", "and", "in", "on", "with", "at", "by"}:
            words.pop()
    phrase = " ".join(words)
    return phrase[:1].upper() + phrase[1:] if phrase else ""


def _inner(phrase: str) -> str:
    """A subject inside a sentence: "A teal mountain" → "a teal mountain"."""
    first, _, rest = phrase.partition(" ")
    if first in {"A", "An", "The", "Some", "Two", "Three", "Several", "Many"}:
        return f"{first.lower()} {rest}".strip()
    return phrase


@dataclass(frozen=True)
class SummaryFacts:
    """What the summary needs, gathered by the caller from rows it already has."""

    first_caption: str
    last_caption: str
    last_index: int
    target_length: int
    is_ended: bool
    is_running: bool
    half_life: int | None = None
    convergence_step: int | None = None


def chain_summary(facts: SummaryFacts) -> str:
    """One plain line: what it started as, what it became, and when it settled.

    "A summer palace became a teal mountain range by step 5 and stayed there."
    """
    start = caption_subject(facts.first_caption)
    if not start:
        return "A chain waiting for its first caption."
    end = _inner(caption_subject(facts.last_caption))
    if facts.last_index <= 0:
        return f"{start}, waiting for its first painting."
    if facts.is_running:
        return f"{start}, so far: by step {facts.last_index} it is {end}."
    if end.lower() == start.lower():
        return f"{start} stayed {end} for all {facts.last_index} steps."
    settled = facts.convergence_step
    if settled is not None and settled < facts.last_index:
        return f"{start} became {end} by step {settled} and stayed there."
    if facts.half_life is None:
        return f"{start} kept most of its meaning and ended as {end} after {facts.last_index} steps."
    ending = "to the end" if facts.is_ended else "so far"
    return f"{start} lost half its meaning by step {facts.half_life}, kept changing {ending} and finished as {end}."
