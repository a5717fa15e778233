"""On-commit callbacks in tests that run inside one transaction, as they run in production.

pytest-django's `db` runs each test inside a transaction that is rolled back, which is
far cheaper than `transaction=True` (whose flush empties every table after each test:
on PostgreSQL, seconds per test on a busy machine). Inside it nothing commits, so
callbacks given to `transaction.on_commit` (tasks enqueued, caches cleared, share cards
asked for) would never run. `commits_as_in_autocommit` stands the test's transaction
for autocommit, as the application runs in production: a callback registered outside
any block of the code's own runs at once, and those registered inside one run when its
outermost block exits without error, in order, as after a real commit. A block that is
rolled back drops its callbacks (Django does that itself, by savepoint).

What it cannot stand for: a second connection (a thread, another process) sees none
of the test's rows; tests that need that keep `transaction=True`.
"""

from __future__ import annotations

import logging
from contextlib import contextmanager

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.transaction import Atomic

logger = logging.getLogger(__name__)


@contextmanager
def commits_as_in_autocommit(using: str = DEFAULT_DB_ALIAS):
    connection = connections[using]
    outermost = len(connection.atomic_blocks)  # the test's own blocks
    real_exit = Atomic.__exit__
    real_on_commit = BaseDatabaseWrapper.on_commit

    def run_committed() -> None:
        while connection.run_on_commit and len(connection.atomic_blocks) == outermost:
            _, callback, robust = connection.run_on_commit.pop(0)
            if not robust:
                callback()
                continue
            try:
                callback()
            except Exception as error:  # noqa: BLE001 - robust callbacks are logged, as Django does
                logger.error("Error calling %s in on_commit() (%s).", callback.__qualname__, error, exc_info=True)

    def exit_and_commit(self, exc_type, exc_value, traceback):
        result = real_exit(self, exc_type, exc_value, traceback)
        if self.using in (None, using) and exc_type is None:
            run_committed()
        return result

    def on_commit(self, func, robust=False):
        real_on_commit(self, func, robust)
        if self is connection:
            run_committed()

    Atomic.__exit__ = exit_and_commit
    BaseDatabaseWrapper.on_commit = on_commit
    try:
        run_committed()  # anything fixtures set up before this asked for
        yield
    finally:
        Atomic.__exit__ = real_exit
        BaseDatabaseWrapper.on_commit = real_on_commit
