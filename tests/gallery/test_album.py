"""The album's words: lead sentences, the folded rest, and the one-line summary."""

from __future__ import annotations

import pytest
from django.utils.text import Truncator

from chains.captions import LEAD_MAX_CHARS, clip_chars, split_caption
from gallery.context.album import SummaryFacts, caption_subject, chain_summary

PALACE = "A summer palace by a lake, with red pillars and green tiles. Boats drift on the water. The sky is pale."
MOUNTAINS = "A teal mountain range under a low sun, painted in broad strokes. Snow on the peaks."


def facts(**overrides) -> SummaryFacts:
    values = dict(
        first_caption=PALACE,
        last_caption=MOUNTAINS,
        last_index=12,
        target_length=12,
        is_ended=True,
        is_running=False,
        half_life=2,
        convergence_step=5,
    )
    return SummaryFacts(**{**values, **overrides})


def test_the_lead_is_the_first_sentence_and_the_rest_is_kept_whole():
    lead, rest = split_caption(PALACE)
    assert lead == "A summer palace by a lake, with red pillars and green tiles."
    assert rest == "Boats drift on the water. The sky is pale."


@pytest.mark.parametrize(
    "text", ["Dr. Who stands by e.g. a box. Then more.", "One sentence only", "Ends with a quote.” Next one here.", ""]
)
def test_nothing_is_lost_between_lead_and_rest(text):
    lead, rest = split_caption(text)
    assert " ".join(part for part in (lead, rest) if part) == " ".join(text.split())


def test_a_very_long_first_sentence_is_cut_at_a_word_and_carried_on():
    sentence = "A " + " ".join(["very"] * 80) + " long boat."
    lead, rest = split_caption(sentence)
    assert len(lead) <= LEAD_MAX_CHARS + 1 and lead.endswith("…") and rest.startswith("…")
    assert (lead[:-1] + " " + rest[1:]).split() == sentence.split()


@pytest.mark.parametrize(
    "caption, subject",
    [
        (PALACE, "A summer palace by a lake"),
        ("This image shows a red boat on a calm sea, with gulls.", "A red boat"),
        ("In the next panel of a lost probe drifts home, a dark night view in black.", "A dark night view in black"),
        ("Panel 3: a lighthouse keeper climbs the stairs.", "A lighthouse keeper climbs the stairs"),
        ("A tiny grey cat sleeping beside an enormous stack of old leather books.", "A tiny grey cat sleeping beside"),
    ],
)
def test_a_caption_opens_with_its_subject(caption, subject):
    assert caption_subject(caption) == subject


def test_the_summary_says_where_a_settled_chain_ended_and_when():
    assert chain_summary(facts()) == (
        "A summer palace by a lake became a teal mountain range by step 5 and stayed there."
    )


def test_a_chain_that_never_settled_says_so_and_never_claims_it_is_still_going():
    line = chain_summary(facts(convergence_step=None))
    assert line == (
        "A summer palace by a lake lost half its meaning by step 2, kept changing to the end "
        "and finished as a teal mountain range."
    )
    assert "not yet" not in line


def test_a_chain_that_kept_its_meaning_says_so():
    line = chain_summary(facts(convergence_step=None, half_life=None))
    assert line.startswith("A summer palace by a lake kept most of its meaning")


def test_a_running_chain_is_described_so_far():
    line = chain_summary(facts(is_ended=False, is_running=True, last_index=4))
    assert line == "A summer palace by a lake, so far: by step 4 it is a teal mountain range."


def test_a_chain_waiting_for_words_gets_no_made_up_summary():
    assert chain_summary(facts(first_caption="")) == "A chain waiting for its first caption."
    assert chain_summary(facts(last_index=0)).endswith("waiting for its first painting.")


def test_the_subject_stops_at_its_verb():
    assert (
        caption_subject("A big coffee mountain rises among coffee leaves under a snow white sky.")
        == "A big coffee mountain"
    )
    assert caption_subject("A graphite owl fills the frame against a graphite background.") == "A graphite owl"


@pytest.mark.parametrize(
    "text",
    ["", "short", "x" * 159, "x" * 160, "x" * 161, "A red barn. " * 60, "Café — naïve “quotes” " * 20, "e\u0301" * 200],
)
@pytest.mark.parametrize("length", [-1, 0, 1, 2, 120, 160, 161])
def test_clipping_a_caption_gives_exactly_what_truncatechars_gives(text, length):
    from django.utils import translation

    for language in ("en-us", "zh-hans"):  # the ellipsis is looked up once per language; "..." in Chinese
        with translation.override(language):
            assert clip_chars(text, length) == Truncator(text).chars(length)
