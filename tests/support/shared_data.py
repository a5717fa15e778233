"""Data a whole test module shares, built once."""

from __future__ import annotations

from contextlib import ExitStack, contextmanager
from pathlib import Path

import pytest

from chains.providers import clear_provider_cache


@contextmanager
def committed_for_the_module(django_db_blocker, folder: Path):
    """Data a whole module reads, built once and committed for real, then deleted.

    Building chains is the slow part of many tests; a module whose tests only read
    them (or change them inside their own transaction, rolled back after each test)
    builds them once in a module-scoped fixture with this block: outside any test's
    transaction, with what `isolated_media` gives a single test (its own media
    folder, a local cache, eager tasks). Such a module keeps its tests in one test
    process under pytest-xdist (`pytest.mark.xdist_group`), so it builds them once.

    Afterwards exactly the rows made here are deleted, not the whole database: rows the
    migrations made (the roles' groups, say) must outlive the module.
    """
    from django.test import override_settings

    from telephone_site.celery import app as celery_app

    with django_db_blocker.unblock():
        before = _row_ids()
    try:
        with ExitStack() as stack:
            stack.enter_context(
                override_settings(
                    MEDIA_ROOT=folder / "media",
                    TELEPHONE_DEMO_PACE_SECONDS=0,
                    CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}},
                )
            )
            celery_app.conf.task_always_eager = True
            stack.callback(setattr, celery_app.conf, "task_always_eager", False)
            stack.enter_context(django_db_blocker.unblock())
            clear_provider_cache()
            yield
    finally:
        clear_provider_cache()
        with django_db_blocker.unblock():
            _delete_rows_since(before)


def _row_ids() -> dict:
    from django.apps import apps

    return {
        model: set(model._default_manager.values_list("pk", flat=True))
        for model in apps.get_models()
        if model._meta.managed and not model._meta.proxy
    }


def _delete_rows_since(before: dict) -> None:
    """Rows that were not there before, model by model; cascades remove their dependents
    (a second round catches what a protected reference held back in the first)."""
    for _ in range(2):
        for model, ids in before.items():
            model._default_manager.exclude(pk__in=ids).delete()


@contextmanager
def background_work_held_back():
    """What every test's own fixtures hold back (`recompute_requests`, `share_card_requests`),
    held back for a module-built world too, which is built before those fixtures run: the
    atlas refits a finishing chain asks for, and its share cards (a quarter of the CPU of
    building a world when drawn). A world that wants an atlas fits it itself."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("chains.services.atlas.atlas_enqueue_recompute", lambda **kwargs: None)
        patch.setattr("chains.tasks.render_share_cards.delay", lambda chain_id: None)
        yield


def storages_in(folder: Path) -> dict:
    """The site's storages, with private files (submissions) kept under `folder`: each
    test's own folder (`isolated_media`), or a module world's."""
    from django.conf import settings

    private = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(folder / "private"), "base_url": None},
    }
    return {**settings.STORAGES, "private": private}
