"""Chains with real drift for the analysis tests: the offline `local` provider paints
each chain's starting picture from its own prompt, so captions genuinely differ."""

from __future__ import annotations

import random

import pytest

from chains.providers.base import PaintRequest
from chains.providers.local import build
from chains.providers.local.vocabulary import COLOURS, MOTIF_WORDS

MOTIFS = sorted(MOTIF_WORDS)
COLOUR_NAMES = [name for name, _ in COLOURS]


def painted_start(seed: int) -> bytes:
    rng = random.Random(seed)
    prompt = (f"a {rng.choice(COLOUR_NAMES)} {rng.choice(MOTIFS)} beside a {rng.choice(COLOUR_NAMES)} "
              f"{rng.choice(MOTIFS)} under a {rng.choice(COLOUR_NAMES)} sky")
    return build({}).painter.paint(PaintRequest(prompt=prompt, seed=seed, step_index=0)).image


def local_chain(seed: int, *, length: int = 4, run: bool = True, **fields):
    """A chain created and run through the real services with the offline provider."""
    from chains.services import chain_create, chain_run_inline

    fields.setdefault("title", f"Local chain {seed:02d}")
    chain = chain_create(image=painted_start(seed), target_length=length, provider="local", seed=seed, **fields)
    return chain_run_inline(chain=chain) if run else chain


@pytest.fixture(autouse=True)
def recompute_requests(request, monkeypatch):
    """Record the delayed recomputes that finishing chains ask for instead of running them
    (eagerly, every finishing chain would recompute at once); tests call them explicitly.
    Pure tests run without Django (`-p no:django`) and need none of this."""
    requests: list[dict] = []
    if request.config.pluginmanager.hasplugin("django"):
        monkeypatch.setattr("chains.services.atlas.atlas_enqueue_recompute",
                            lambda **kwargs: requests.append(kwargs))
    return requests
