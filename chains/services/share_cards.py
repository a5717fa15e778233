"""Share cards of chains and steps, rendered once and kept in storage.

A card's storage key is derived from what it shows (the chain's slug, the two
pictures' file names, the words), so a card is never stale: when the chain grows, is
renamed or re-run, the key changes and a new card is made; an unchanged chain finds
its card where it left it. The slug (unguessable) in the key keeps an unlisted chain's
card as private as its link. Cards are made when a chain completes (a task enqueued by
`chain_complete`) and, for a chain still running or a step nobody shared before, the
first time someone asks for one (`gallery.views.exports`).

Only what a visitor may see goes on a card: chains open by link, and the steps their
album shows (`chain_timeline_steps`).
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass

from django.core.files.storage import default_storage

from ..images import overwrite_file
from ..models import Chain, Step
from ..selectors.chains import chain_timeline_steps
from ..sharecard import EXTENSION, CardText, render_share_card

logger = logging.getLogger(__name__)

SHARE_FOLDER = "share"


@dataclass(frozen=True)
class Card:
    """What one card shows, and where it is kept."""

    start: Step
    end: Step
    text: CardText
    key: str


def chain_card(*, chain: Chain, steps: list[Step] | None = None) -> Card | None:
    """The chain's card (start → latest), or None before it has a picture."""
    steps = _pictured(chain, steps)
    if not steps:
        return None
    start, end = steps[0], steps[-1]
    pictures = len(steps)
    text = CardText(
        title=str(chain),
        end_label="The original" if end.index == 0 else f"Step {end.index}",
        byline=f"{chain.get_mode_display()} · {pictures} picture{'s' if pictures != 1 else ''}",
    )
    return Card(start=start, end=end, text=text, key=_key(chain, "chain", start, end, text))


def step_card(*, chain: Chain, index: int, steps: list[Step] | None = None) -> Card | None:
    """A step's card (start → that step), or None if the album does not show that step."""
    steps = _pictured(chain, steps)
    end = next((step for step in steps if step.index == index), None)
    if end is None:
        return None
    text = CardText(
        title=f"Step {index} of {chain}",
        end_label="The original" if index == 0 else f"Step {index}",
        byline=f"{chain.get_mode_display()} · step {index} of {chain.target_length}",
    )
    return Card(start=steps[0], end=end, text=text, key=_key(chain, f"step-{index}", steps[0], end, text))


def share_card_ensure(card: Card) -> str:
    """The card's storage key, rendering and storing it first if it is not there yet."""
    if not default_storage.exists(card.key):
        data = render_share_card(start=_picture(card.start), end=_picture(card.end), text=card.text)
        overwrite_file(default_storage, card.key, data)
    return card.key


def share_cards_render(*, chain_id: int) -> int:
    """Every card of a chain open by link: the chain's and each step's; returns how many
    were made now. Safe to run twice: cards already stored are left alone."""
    chain = Chain.objects.visible_by_link().filter(pk=chain_id).first()
    if chain is None:
        return 0
    steps = _pictured(chain, None)
    stored = _stored_names(chain)
    cards = [chain_card(chain=chain, steps=steps)] + [
        step_card(chain=chain, index=step.index, steps=steps) for step in steps
    ]
    made = 0
    for card in filter(None, cards):
        if card.key.rsplit("/", 1)[-1] in stored:
            continue
        share_card_ensure(card)
        made += 1
    logger.info("share cards chain=%s made=%s", chain_id, made)
    return made


def _pictured(chain: Chain, steps: list[Step] | None) -> list[Step]:
    steps = list(steps if steps is not None else chain_timeline_steps(chain=chain))
    return [step for step in steps if step.thumbnail_large or step.image]


def _picture(step: Step) -> bytes:
    source = step.thumbnail_large or step.image
    with default_storage.open(source.name, "rb") as handle:
        return handle.read()


def _key(chain: Chain, name: str, start: Step, end: Step, text: CardText) -> str:
    shown = "\n".join(
        (
            start.thumbnail_large.name or start.image.name,
            end.thumbnail_large.name or end.image.name,
            text.title,
            text.byline,
            text.start_label,
            text.end_label,
        )
    )
    digest = hashlib.blake2b(shown.encode(), digest_size=6).hexdigest()
    return f"{SHARE_FOLDER}/{chain.slug}/{name}-{digest}.{EXTENSION}"


def _stored_names(chain: Chain) -> set[str]:
    """The cards already in storage, in one listing rather than one lookup per card."""
    try:
        return set(default_storage.listdir(f"{SHARE_FOLDER}/{chain.slug}")[1])
    except (FileNotFoundError, NotADirectoryError):
        return set()
