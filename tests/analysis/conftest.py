"""Chains with real drift for the analysis tests: the offline `local` provider paints
each chain's starting picture from its own prompt, so captions genuinely differ.

Running chains and fitting the atlas is the slow part of these tests, so tests that
only read share one world per module (`shared_world`), built once and committed for
real, while each test runs in a transaction that is rolled back: what a test changes
(hiding a chain, say) is gone before the next one starts."""

from __future__ import annotations

import random
from contextlib import ExitStack

import pytest
from django.core.management import call_command
from django.test import override_settings

from chains.providers.base import PaintRequest
from chains.providers.local import build
from chains.providers.local.lexicon import MOTIF_NOUNS as MOTIF_WORDS
from chains.providers.local.vocabulary import COLOURS

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


def build_world(count: int, *, length: int = 3) -> list:
    """`count` chains run to their end, and the atlas fitted over them."""
    from chains.services import atlas_recompute

    chains = [local_chain(seed, length=length) for seed in range(count)]
    atlas_recompute()
    return chains


@pytest.fixture(scope="module")
def shared_world(django_db_setup, django_db_blocker, tmp_path_factory):
    """Twelve chains and their atlas, for every test of the module that only reads.

    Built outside any test's transaction, with what `isolated_media` gives a single
    test (its own media folder, a local cache, eager tasks, the recompute held
    back), and flushed when the module is done. A module using it keeps its tests in
    one test process under pytest-xdist (`xdist_group`), so the world is built once."""
    from telephone_site.celery import app as celery_app

    folder = tmp_path_factory.mktemp("shared-world")
    try:
        with ExitStack() as stack:
            stack.enter_context(override_settings(
                MEDIA_ROOT=folder / "media", TELEPHONE_DEMO_PACE_SECONDS=0,
                CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}},
            ))
            patch = stack.enter_context(pytest.MonkeyPatch.context())
            patch.setattr("chains.services.atlas.atlas_enqueue_recompute", lambda **kwargs: None)
            celery_app.conf.task_always_eager = True
            stack.callback(setattr, celery_app.conf, "task_always_eager", False)
            stack.enter_context(django_db_blocker.unblock())
            chains = build_world(12)
        yield chains
    finally:
        with django_db_blocker.unblock():
            call_command("flush", interactive=False, verbosity=0)
