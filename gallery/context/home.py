"""What the home page shows: a featured chain playing as a filmstrip, what is being
painted now, featured chains, experiments (one card each), collections, the latest."""

from __future__ import annotations

from chains.captions import split_caption
from chains.models import Chain, Step
from chains.selectors.chains import chains_featured, chains_in_progress, chains_recently_finished
from chains.selectors.research import experiment_filmstrips, experiments_listed

from ..selectors import collections_published

HOME_COLLECTIONS = 6
HOME_EXPERIMENTS = 4
# The hero's filmstrip has exactly this many frames: the stylesheet times each one.
FILM_FRAMES = 8


def home_context() -> dict:
    featured = list(chains_featured())
    finished = list(chains_recently_finished())
    hero = next(iter(featured or finished), None)
    return {
        "hero": hero,
        "frames": hero_frames(hero) if hero else [],
        "featured": [chain for chain in featured if chain != hero],
        "finished": finished,
        "in_progress": chains_in_progress(),
        "experiments": experiments_listed()[:HOME_EXPERIMENTS],
        "collections": collections_published()[:HOME_COLLECTIONS],
    }


def hero_frames(chain: Chain) -> list[Step]:
    """Evenly spaced steps from the start to the end, padded with the last so the
    filmstrip always has FILM_FRAMES frames (a short chain rests on its ending)."""
    frames = experiment_filmstrips(chains=[chain], frames=FILM_FRAMES).get(chain.pk, [])
    for step in frames:
        step.lead = split_caption(step.caption)[0]
    while frames and len(frames) < FILM_FRAMES:
        frames.append(frames[-1])
    return frames
