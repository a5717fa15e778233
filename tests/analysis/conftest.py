"""Chains with real drift for the analysis tests: the offline `local` provider paints
each chain's starting picture from its own prompt, so captions genuinely differ.

Running chains and fitting the atlas is the slow part of these tests, so tests that
only read share one world per module (`shared_world`), built once and committed for
real, while each test runs in a transaction that is rolled back: what a test changes
(hiding a chain, say) is gone before the next one starts."""

from __future__ import annotations

import random

import pytest

from chains.providers.base import PaintRequest
from chains.providers.local import build
from chains.providers.local.lexicon import MOTIF_NOUNS as MOTIF_WORDS
from chains.providers.local.vocabulary import COLOURS
from tests.support.shared_data import committed_for_the_module

MOTIFS = sorted(MOTIF_WORDS)
COLOUR_NAMES = [name for name, _ in COLOURS]


def painted_start(seed: int) -> bytes:
    rng = random.Random(seed)
    prompt = (
        f"a {rng.choice(COLOUR_NAMES)} {rng.choice(MOTIFS)} beside a {rng.choice(COLOUR_NAMES)} "
        f"{rng.choice(MOTIFS)} under a {rng.choice(COLOUR_NAMES)} sky"
    )
    return build({}).painter.paint(PaintRequest(prompt=prompt, seed=seed, step_index=0)).image


def local_chain(seed: int, *, length: int = 4, run: bool = True, **fields):
    """A chain created and run through the real services with the offline provider."""
    from chains.services import chain_create, chain_run_inline

    fields.setdefault("title", f"Local chain {seed:02d}")
    chain = chain_create(image=painted_start(seed), target_length=length, provider="local", seed=seed, **fields)
    return chain_run_inline(chain=chain) if run else chain


@pytest.fixture(autouse=True)
def share_card_requests(request, monkeypatch):
    """The share cards finishing chains ask for, recorded instead of drawn: these tests
    look at the analysis, never at a card, and drawing them eagerly took a fifth of the
    CPU of the tests that run many chains (py-spy). Without the cards, a page makes
    them on request, as it does when the broker is down (chains/services/lifecycle.py)."""
    requests: list[int] = []
    if request.config.pluginmanager.hasplugin("django"):
        monkeypatch.setattr("chains.tasks.render_share_cards.delay", lambda chain_id: requests.append(chain_id))
    return requests


def build_world(count: int, *, length: int = 3) -> list:
    """`count` chains run to their end, and the atlas fitted over them."""
    from chains.services import atlas_recompute

    chains = [local_chain(seed, length=length) for seed in range(count)]
    atlas_recompute()
    return chains


@pytest.fixture(scope="module")
def shared_world(django_db_setup, django_db_blocker, tmp_path_factory):
    """Twelve chains and their atlas, for every test of the module that only reads
    (`tests.support.shared_data`), with the recompute held back."""
    with (
        committed_for_the_module(django_db_blocker, tmp_path_factory.mktemp("shared-world")),
        pytest.MonkeyPatch.context() as patch,
    ):
        patch.setattr("chains.services.atlas.atlas_enqueue_recompute", lambda **kwargs: None)
        yield build_world(12)
