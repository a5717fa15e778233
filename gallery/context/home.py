"""What the home page shows: a featured chain playing as a filmstrip, what is being
painted now, featured chains, experiments (one card each), collections, the latest."""

from __future__ import annotations

from django.db.models import Q

from chains.captions import split_caption
from chains.models import Chain, Step
from chains.selectors.chains import chains_featured, chains_in_progress, chains_recently_finished
from chains.selectors.research import experiments_listed, filmstrip_indices, filmstrip_steps

from ..compiled import compiled_once
from ..selectors import collections_published

HOME_COLLECTIONS = 6
HOME_EXPERIMENTS = 4
# The hero's filmstrip has exactly this many frames: the stylesheet times each one.
FILM_FRAMES = 8


def home_context() -> dict:
    featured = compiled_once("home:featured", chains_featured)
    finished = compiled_once("home:finished", chains_recently_finished)
    hero = next(iter(featured or finished), None)
    return {
        "hero": hero,
        "frames": hero_frames(hero) if hero else [],
        "featured": [chain for chain in featured if chain != hero],
        "finished": finished,
        "in_progress": compiled_once("home:in_progress", chains_in_progress),
        "experiments": compiled_once("home:experiments", lambda: experiments_listed()[:HOME_EXPERIMENTS]),
        "collections": compiled_once("home:collections", lambda: collections_published()[:HOME_COLLECTIONS]),
    }


def hero_frames(chain: Chain) -> list[Step]:
    """Evenly spaced steps from the start to the end, padded with the last so the
    filmstrip always has FILM_FRAMES frames (a short chain rests on its ending)."""
    indices = filmstrip_indices(step_count=int(chain.step_count or 0), frames=FILM_FRAMES)
    frames = compiled_once(
        ("home:frames", indices), lambda chain_id: filmstrip_steps(Q(chain_id=chain_id, index__in=indices)), chain.pk
    )
    for step in frames:
        step.lead = split_caption(step.caption)[0]
    while frames and len(frames) < FILM_FRAMES:
        frames.append(frames[-1])
    return frames
