"""Chains with real drift for the analysis tests: the offline `local` provider paints
each chain's starting picture from its own prompt, so captions genuinely differ.

Running chains and fitting the atlas is the slow part of these tests, so tests that
only read share one world per module (`shared_world`), built once and committed for
real, while each test runs in a transaction that is rolled back: what a test changes
(hiding a chain, or refitting the atlas) is gone before the next one starts."""

from __future__ import annotations

import random
from contextlib import contextmanager
from functools import lru_cache

import pytest

from chains.providers.base import PaintRequest
from chains.providers.local.lexicon import MOTIF_NOUNS as MOTIF_WORDS
from chains.providers.local.painter import LocalPainter
from chains.providers.local.vocabulary import COLOURS
from tests.support.shared_data import background_work_held_back, committed_for_the_module

MOTIFS = sorted(MOTIF_WORDS)
COLOUR_NAMES = [name for name, _ in COLOURS]


# The side of every picture these chains hold, starts included: the offline painter's
# own pictures at a quarter of their size (as tests/providers/test_local_game.py plays its
# chains). The captioner reads a 96 px thumbnail either way, so the captions,
# and the drift and atlas made of them, are the same game; painting and storing a
# 1024 px picture and its thumbnails was half the CPU of running a chain (py-spy).
PICTURE_SIDE = 256


@lru_cache(maxsize=32)
def painted_start(seed: int) -> bytes:
    """The starting picture of chain `seed`: painted once per test process, as the same
    few seeds start chains in many tests (the bytes are immutable, the painter deterministic)."""
    rng = random.Random(seed)
    prompt = (
        f"a {rng.choice(COLOUR_NAMES)} {rng.choice(MOTIFS)} beside a {rng.choice(COLOUR_NAMES)} "
        f"{rng.choice(MOTIFS)} under a {rng.choice(COLOUR_NAMES)} sky"
    )
    return LocalPainter(size=PICTURE_SIDE).paint(PaintRequest(prompt=prompt, seed=seed, step_index=0)).image


@contextmanager
def small_pictures():
    """The offline provider paints PICTURE_SIDE pictures, whatever size a chain asks for: its
    painter role is built with that size (built afresh: `isolated_media` and
    `committed_for_the_module` clear the providers the process keeps)."""
    from chains.providers import local

    build_role = local.build_role

    def small_painter(role: str, config: dict):
        return build_role(role, {**config, "size": PICTURE_SIDE} if role == "image" else config)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(local, "build_role", small_painter)
        yield


@pytest.fixture(autouse=True)
def analysis_paints_small_pictures():
    """PICTURE_SIDE pictures in every test here (pure tests run without Django: nothing to paint)."""
    with small_pictures():
        yield


def local_chain(seed: int, *, length: int = 4, run: bool = True, **fields):
    """A chain created and run through the real services with the offline provider."""
    from chains.services import chain_create, chain_run_inline

    fields.setdefault("title", f"Local chain {seed:02d}")
    chain = chain_create(image=painted_start(seed), target_length=length, provider="local", seed=seed, **fields)
    return chain_run_inline(chain=chain) if run else chain


@pytest.fixture(autouse=True)
def analysis_without_share_cards(share_card_requests):
    """These tests look at the analysis, never at a card (tests/conftest.py's
    `share_card_requests`)."""
    return share_card_requests


def build_world(count: int, *, length: int = 3) -> list:
    """`count` chains run to their end, and the atlas fitted over them."""
    from chains.services import atlas_recompute

    chains = [local_chain(seed, length=length) for seed in range(count)]
    atlas_recompute()
    return chains


@contextmanager
def built_for_the_module(django_db_blocker, folder):
    """`committed_for_the_module` (tests.support.shared_data), with background work held
    back (`background_work_held_back`) and small pictures, as in every test here."""
    with committed_for_the_module(django_db_blocker, folder), small_pictures(), background_work_held_back():
        yield


SHARED_WORLD_CHAINS = 12
SHARED_WORLD_LENGTH = 3


@pytest.fixture(scope="module")
def shared_world(django_db_setup, django_db_blocker, tmp_path_factory):
    """Twelve chains of three steps and their atlas, for every test of the module that
    only reads (or changes them inside its own transaction)."""
    with built_for_the_module(django_db_blocker, tmp_path_factory.mktemp("shared-world")):
        yield build_world(SHARED_WORLD_CHAINS, length=SHARED_WORLD_LENGTH)
