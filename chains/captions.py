"""Captions as people read them: the first sentence leads, the rest can wait.

Captions run to 150 words. The album, the reveal, the hero and the animation frames
all show the lead sentence and fold or drop the rest; they cut it here, one way.
"""

from __future__ import annotations

import re

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
