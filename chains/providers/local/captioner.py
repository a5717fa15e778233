"""The offline captioner: looks at the pixels and describes them the way a person would.

It sees through a 96x96 thumbnail (`seeing`): the regions a scene is made of (sky,
water, foliage, buildings…), the subject that stands out, faces, stars, lettering,
light. It names what it sees (`naming`), decides what to say (`account`), and writes
it (`sentences`): one natural leading sentence, then detail by level. All of that is
lossy the way a real vision model is lossy (shades collapse to names, small things
vanish, shapes get misread), so chains drift the way the game intends, only offline
and repeatably.
"""

from __future__ import annotations

import hashlib
import random

from ..base import CaptionRequest, CaptionResult
from . import sentences
from .account import Account, account_of
from .analysis import read_image
from .favourites import canonical_account, recognise
from .image_reading import read_thumbnail
from .lexicon import MOTIF_NOUNS
from .seeing import look

MODEL_NAME = "local-captioner-v2"

# Sentences after the leading one, per detail level: somewhat 1-2 in all, very about 4,
# excessively about 6, obsessively 8 or more.
DETAIL_SENTENCES = {"somewhat": (0, 1), "very": (3, 3), "excessively": (5, 5), "obsessively": (8, 10)}
STORY_BEATS = (
    "{who} walks toward the {thing}.",
    "{who} stops beside the {thing} and looks up.",
    "{who} waits near the {thing} as the light changes.",
    "{who} steps into view on the left, small against the {thing}.",
    "{who} turns back for one last look at the {thing}.",
    "{who} hurries past the {thing} without a word.",
)


class LocalCaptioner:
    """Implements the Captioner protocol without any network or model weights."""

    model = MODEL_NAME

    def caption(self, request: CaptionRequest) -> CaptionResult:
        rgb = read_thumbnail(request.image)
        account, rng = _account(rgb, request)
        parts = describe(account, detail=request.detail, rng=rng)
        if request.mode == "more":
            parts.insert(1, more_sentence(request.theme, rng))
        elif request.mode == "story":
            parts = next_panel(parts, account, request.theme, request.step_index, rng)
        text = " ".join(parts)
        return CaptionResult(
            text=text,
            model=MODEL_NAME,
            input_tokens=len(request.instructions.split()) + 85,
            output_tokens=len(text.split()),
        )


def _account(rgb, request: CaptionRequest) -> tuple[Account, random.Random]:
    """What to say, and the RNG that words it.

    A copy of one of the painter's favourites is described from the favourite's own
    view and in the same words every time (the RNG depends on the favourite alone): the
    next painting is then the favourite again, which makes it an attractor.
    """
    favourite = recognise(rgb)
    if favourite is not None:
        return canonical_account(favourite), random.Random(caption_seed(favourite.encode(), 0))
    rng = random.Random(caption_seed(request.image, request.seed))
    reading = read_image(rgb)
    return account_of(reading, look(reading), rng), rng


def caption_seed(image: bytes, seed: int) -> int:
    """Phrasing depends on both picture and seed, stably across processes."""
    digest = hashlib.blake2b(image, digest_size=16)
    digest.update(str(int(seed)).encode())
    return int.from_bytes(digest.digest()[:8], "big")


def describe(account: Account, *, detail: str, rng: random.Random) -> list[str]:
    """The leading sentence, then as many detail sentences as the level asks for."""
    low, high = DETAIL_SENTENCES.get(detail, DETAIL_SENTENCES["very"])
    wanted = rng.randint(low, high)
    said = [sentences.lead(account, rng)]
    for sentence in _details(account, rng):
        if len(said) > wanted:
            break
        if sentence and sentence not in said:
            said.append(sentence)
    return said


def _details(account: Account, rng: random.Random):
    """Detail sentences, most telling first: where things are, then light, then the rest."""
    said_backdrop = account.backdrop if account.sky is None or account.size == "huge" else None
    mentioned = {id(zone) for zone in (account.ground, account.sky, said_backdrop) if zone is not None}
    placed = [zone for zone in account.zones if id(zone) not in mentioned]
    yield from (sentences.zone_sentence(zone, rng) for zone in placed[:2])
    yield sentences.light_sentence(account, rng)
    yield sentences.horizon_sentence(account, rng)
    yield sentences.subject_detail(account, rng)
    yield sentences.extras_sentence(account, rng)
    yield sentences.palette_sentence(account, rng)
    yield from (sentences.zone_sentence(zone, rng) for zone in placed[2:4])
    yield sentences.mood_sentence(account, rng)
    yield sentences.contrast_sentence(account, rng)
    yield sentences.composition_sentence(account, rng)
    yield sentences.corners_sentence(account, rng)
    yield sentences.size_sentence(account, rng)
    yield sentences.surface_sentence(account, rng)


def more_sentence(theme: str, rng: random.Random) -> str:
    """`more` mode names its theme: "Everything looks even more golden than before."."""
    quality = " ".join(theme.split()).strip(" .!?;:,").lower() or "dramatic"
    return rng.choice(
        [
            f"Everything looks even more {quality} than before.",
            f"The whole scene has grown even more {quality}.",
            f"It is even more {quality} now, as if pushed one step further.",
        ]
    )


def next_panel(parts: list[str], account: Account, theme: str, step_index: int, rng: random.Random) -> list[str]:
    """Story mode: the description becomes the next panel, with the story's character in it."""
    who = protagonist(theme)
    thing = MOTIF_NOUNS[account.noun][0] if account.noun else "horizon"
    beat = STORY_BEATS[(step_index + rng.randrange(2)) % len(STORY_BEATS)].format(who=who, thing=thing)
    opening = "In the next panel, " + parts[0][:1].lower() + parts[0][1:]
    story = [opening, sentences.capitalise(beat)]
    premise = " ".join(theme.split()).strip(" .!?;:,")
    if premise and len(parts) > 3:
        story.append(f"The story so far: {premise}.")
    return story + parts[1 : max(1, len(parts) - 1)]


def protagonist(theme: str) -> str:
    """ "a traveller looks for shelter" -> "the traveller"; a theme without one -> "the hero"."""
    words = theme.lower().replace(",", " ").split()
    if len(words) < 2 or words[0] not in {"a", "an", "the"}:
        return "The hero"
    kept = []
    for word in words[1:3]:
        if not word.isalpha() or (kept and word.endswith("s")):
            break
        kept.append(word)
        if (
            not word.endswith(("y", "ed", "ing"))
            and len(kept) >= 1
            and word not in {"lost", "old", "young", "sleepy", "little"}
        ):
            break
    return "The " + " ".join(kept) if kept else "The hero"
