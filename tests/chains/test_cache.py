"""Content versions: bumps in this process show at once, others within the memo time."""

from __future__ import annotations

import time

from django.core.cache import cache

from chains.cache import PUBLIC_KEY, VERSION_UNAVAILABLE, content_changed, public_version


def test_a_missing_version_is_unavailable_until_counted():
    assert public_version() == VERSION_UNAVAILABLE
    assert public_version() == 1


def test_a_bump_in_this_process_is_seen_at_once(settings):
    settings.TELEPHONE_PUBLIC_VERSION_MEMO_SECONDS = 60
    content_changed()
    before = public_version()
    content_changed()
    assert public_version() == before + 1


def test_a_bump_from_another_process_is_seen_after_the_memo(settings):
    settings.TELEPHONE_PUBLIC_VERSION_MEMO_SECONDS = 0.2
    content_changed()
    before = public_version()
    cache.incr(PUBLIC_KEY)  # what a worker's bump looks like from here
    assert public_version() == before
    time.sleep(0.25)
    assert public_version() == before + 1
