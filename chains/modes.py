"""Prompt strategies: what the captioner is asked, and what the painter is told.

All wording lives here so the three games (telephone, more, story) can be read and
tuned side by side, and so every backend (remote or offline) gets the same text.
"""

from __future__ import annotations

import re

TELEPHONE = "telephone"
MORE = "more"
STORY = "story"
MODES = (TELEPHONE, MORE, STORY)

DETAIL_SENTENCES = {
    "somewhat": "in one or two sentences",
    "very": "in a detailed paragraph of three or four sentences",
    "excessively": "in an excessively detailed paragraph of six to eight sentences",
    "obsessively": (
        "obsessively, in ten or more sentences, naming every object, colour, texture, "
        "position and lighting detail you can see"
    ),
}

# Output-token bounds per detail level, so a caption can never run up the bill.
DETAIL_MAX_TOKENS = {"somewhat": 120, "very": 300, "excessively": 600, "obsessively": 1000}

UNKNOWN_MODE = "Unknown mode {mode!r}; choose one of: telephone, more, story."
UNKNOWN_DETAIL = "Unknown detail level {detail!r}; choose one of: somewhat, very, excessively, obsessively."


def caption_instructions(*, mode: str, detail: str, theme: str = "", step_index: int = 0) -> str:
    """The text sent beside the image to the vision model."""
    how = _detail_phrase(detail)
    if mode == TELEPHONE or mode == MORE:
        return (
            f"Describe this image {how}. Describe only what is visible: subjects, colours, "
            "composition, light, style. Write plain prose, no lists, no preamble."
        )
    if mode == STORY:
        premise = f" The story so far: {theme}." if theme else ""
        return (
            f"This image is panel {step_index + 1} of a comic.{premise} Describe the next "
            f"panel, panel {step_index + 2}, {how}, so that an illustrator can draw it: "
            "what happens, who is there, the setting, colours and light. Plain prose only."
        )
    raise ValueError(UNKNOWN_MODE.format(mode=mode))


def paint_prompt(*, mode: str, caption: str, theme: str = "", step_index: int = 0) -> str:
    """The prompt sent to the image model to draw the step after `step_index`."""
    if mode == TELEPHONE or mode == STORY:
        return caption
    if mode == MORE:
        quality = theme or "dramatic"
        return f"{caption}\n\nMake it more {quality}."
    raise ValueError(UNKNOWN_MODE.format(mode=mode))


# The end of a sentence: terminal punctuation (and any closing quote or bracket),
# then whitespace or the end of the text.
SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]]*(?=\s|$)")


def fit_prompt(prompt: str, limit: int | None) -> tuple[str, bool]:
    """The prompt shortened to `limit` characters at a sentence boundary; True if it was cut.

    Whole sentences keep the caption readable (and the drift honest: the painter gets
    the first sentences, not half of one). A first sentence longer than the limit
    is cut at the last word that fits instead.
    """
    if limit is None or len(prompt) <= limit:
        return prompt, False
    head = prompt[:limit]
    ends = [match.end() for match in SENTENCE_END.finditer(head)]
    if ends:
        return head[: ends[-1]].rstrip(), True
    cut = head.rsplit(None, 1)[0] if " " in head.strip() else head
    return cut.rstrip(), True


def max_caption_tokens(detail: str) -> int:
    _detail_phrase(detail)
    return DETAIL_MAX_TOKENS[detail]


def _detail_phrase(detail: str) -> str:
    try:
        return DETAIL_SENTENCES[detail]
    except KeyError:
        raise ValueError(UNKNOWN_DETAIL.format(detail=detail)) from None
