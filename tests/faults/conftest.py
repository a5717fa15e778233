"""Fault tests: real worker processes, real servers, real outages.

Those marked `production_stack` exercise the PostgreSQL + Redis deployment (a Redis
outage, a PostgreSQL restart). bin/test runs them in its PostgreSQL + Redis pass; the
SQLite pass deselects them (visibly: pytest counts them as deselected) because its
configuration has neither. They are never skipped where they belong: with
TEST_BACKEND=postgres (as bin/test sets it) a run that is not on PostgreSQL is an
error, not a quiet pass.

The other fault tests (a SIGKILLed worker, a provider outage) need neither and run
in both passes.
"""

from __future__ import annotations

from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
MARK = "production_stack"


def _on_postgres() -> bool:
    from django.conf import settings

    return settings.DATABASES["default"]["ENGINE"].endswith("postgresql")


def pytest_collection_modifyitems(config, items):
    """Runs for the whole session's items; only this folder's are looked at."""
    import os

    ours = [item for item in items if MARK in item.keywords and HERE in Path(str(item.fspath)).parents]
    if not ours or _on_postgres():
        return
    if os.environ.get("TEST_BACKEND") == "postgres":
        raise pytest.UsageError("TEST_BACKEND=postgres but the database is not PostgreSQL: "
                                "the production-stack fault tests would not run. Set DATABASE_URL.")
    config.hook.pytest_deselected(items=ours)
    items[:] = [item for item in items if item not in ours]
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        reporter.write_line(f"{len(ours)} production-stack fault test(s) deselected: they run in "
                            "the PostgreSQL + Redis pass (DATABASE_URL=postgres://...).")
