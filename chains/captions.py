"""Captions as people read them: the first sentence leads, the rest can wait.

Captions run to 150 words. The album, the reveal, the hero and the animation frames
all show the lead sentence and fold or drop the rest; they cut it here, one way.
"""

from __future__ import annotations

import re
from functools import lru_cache

from django.utils.text import Truncator, add_truncation_text, calculate_truncate_chars_length
from django.utils.translation import get_language, pgettext

LEAD_MAX_CHARS = 220
# A sentence ends at . ! or ? followed by space and a capital, digit or opening quote;
# "e.g. a" or "3.5 m" do not end one.
SENTENCE_END = re.compile(r"[.!?][\"”’)]?(\s+)(?=[A-Z0-9\"“‘(])")


def split_caption(text: str) -> tuple[str, str]:
    """(lead, rest): the first sentence, and everything after it (possibly empty).

    A first sentence longer than LEAD_MAX_CHARS is cut at a word boundary and the cut
    carries on in `rest`, so lead + " " + rest is always the whole caption."""
    text = " ".join((text or "").split())
    if not text:
        return "", ""
    end = SENTENCE_END.search(text)
    lead, rest = (text[: end.start(1)], text[end.end(1) :]) if end else (text, "")
    if len(lead) > LEAD_MAX_CHARS:
        cut = lead.rfind(" ", 0, LEAD_MAX_CHARS)
        cut = cut if cut > LEAD_MAX_CHARS // 2 else LEAD_MAX_CHARS
        lead, rest = lead[:cut].rstrip() + "…", ("…" + lead[cut:].lstrip() + (" " + rest if rest else ""))
    return lead, rest


def clip_chars(text, length: int) -> str:
    """Exactly what Django's `truncatechars` gives (Truncator.chars), without its walk
    through the characters in Python when the text is ASCII.

    Truncator counts characters one by one, skipping combining ones, until it has seen
    `length` + 1; an album clips a caption twice per step, and that walk was a fifth
    of its time. ASCII has no combining characters, so the counts are plain slices.
    Anything else goes through Truncator itself."""
    text, length = str(text), int(length)
    head = text[: length + 1]
    if length <= 0 or not head.isascii():
        return Truncator(text).chars(length)
    if len(head) <= length:
        return head
    truncation = _truncation_text(get_language())
    return add_truncation_text(head[: calculate_truncate_chars_length(length, truncation)], truncation)


@lru_cache(maxsize=32)
def _truncation_text(language: str | None) -> str:
    """Django's "%(truncated_text)s…" as the language says it, looked up once per language
    rather than twice per clip (the translation lookups were most of a clip's cost, and a
    150-step album clips 300 captions)."""
    return pgettext("String to return when truncating text", "%(truncated_text)s…")
