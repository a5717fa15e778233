"""Content versions: bumps in this process show at once, others within the memo time."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from chains import cache as cache_module
from chains.cache import PUBLIC_KEY, VERSION_UNAVAILABLE, chain_version, content_changed, public_version
from chains.services import chain_start
from tests.factories import make_chain
from tests.support.clock import ManualClock


def test_a_missing_version_is_unavailable_until_counted():
    assert public_version() == VERSION_UNAVAILABLE
    assert public_version() == 1


def test_a_bump_in_this_process_is_seen_at_once(settings):
    settings.TELEPHONE_PUBLIC_VERSION_MEMO_SECONDS = 60
    content_changed()
    before = public_version()
    content_changed()
    assert public_version() == before + 1


def test_a_bump_from_another_process_is_seen_after_the_memo(settings, monkeypatch):
    clock = ManualClock()
    monkeypatch.setattr(cache_module.public_version_memo, "clock", clock)
    settings.TELEPHONE_PUBLIC_VERSION_MEMO_SECONDS = 0.2
    content_changed()
    before = public_version()
    cache.incr(PUBLIC_KEY)  # what a worker's bump looks like from here
    assert public_version() == before
    clock.advance(0.25)
    assert public_version() == before + 1


# --- running chains' progress: the lists catch up at most once per debounce period ---


@pytest.fixture
def wall_clock(monkeypatch) -> ManualClock:
    """The clock the lists' debounce reads, moved by hand."""
    clock = ManualClock()
    monkeypatch.setattr(cache_module, "wall_clock", clock)
    return clock


def fresh_version(settings) -> int:
    """Read the public version without this process's memo in the way."""
    settings.TELEPHONE_PUBLIC_VERSION_MEMO_SECONDS = 0
    content_changed()
    return public_version()


def test_progress_leaves_the_lists_alone_until_the_period_is_over(settings, wall_clock):
    settings.TELEPHONE_LIST_DEBOUNCE_SECONDS = 0.3
    before = fresh_version(settings)
    for chain_id in range(50):  # fifty running chains each take a step
        content_changed(chain_id=chain_id, progress=True)
    assert public_version() == before
    wall_clock.advance(0.35)
    assert public_version() == before + 1  # one catch-up for the whole burst
    assert public_version() == before + 1  # and only one


def test_progress_still_moves_the_chains_own_version(settings):
    settings.TELEPHONE_LIST_DEBOUNCE_SECONDS = 60
    fresh_version(settings)
    content_changed(chain_id=7)
    before = chain_version(chain_id=7)
    content_changed(chain_id=7, progress=True)
    assert chain_version(chain_id=7) == before + 1


def test_a_bump_for_anything_else_settles_pending_progress(settings, wall_clock):
    settings.TELEPHONE_LIST_DEBOUNCE_SECONDS = 0.2
    before = fresh_version(settings)
    content_changed(chain_id=1, progress=True)
    content_changed(chain_id=2)  # a chain finished: the lists re-render now, progress included
    wall_clock.advance(0.25)
    assert public_version() == before + 1


def test_a_zero_period_bumps_the_lists_on_every_step(settings):
    settings.TELEPHONE_LIST_DEBOUNCE_SECONDS = 0
    before = fresh_version(settings)
    content_changed(chain_id=1, progress=True)
    content_changed(chain_id=1, progress=True)
    assert public_version() == before + 2


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("debounce, length", [(60, 3), (60, 8), (0, 8)])
def test_a_running_public_chain_steps_without_bumping_the_lists(settings, monkeypatch, debounce, length):
    """What the gallery's cache sees at once of a chain: its creation and start (and an
    atlas rebuilt); its steps and its end only mark the lists as behind. Without the
    debounce, every step bumps them."""
    settings.TELEPHONE_LIST_DEBOUNCE_SECONDS = debounce
    bumps = []
    real_bump = cache_module._bump
    monkeypatch.setattr(cache_module, "_bump", lambda key: bumps.append(key) or real_bump(key))
    chain_start(chain=make_chain(target_length=length))
    steps_bumped = sum(key.startswith("content-version:chain:") for key in bumps)
    assert steps_bumped > 3 * length  # the chain's own timeline moved on with every phase
    if debounce:
        assert bumps.count(PUBLIC_KEY) <= 3  # created, started (and the atlas, rebuilt)
    else:
        assert bumps.count(PUBLIC_KEY) > 3 * length
