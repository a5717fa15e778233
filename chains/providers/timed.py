"""Every provider call is clocked, and made without holding a database connection.

A call to a remote model takes seconds to a minute. With a connection pool a worker
box needs only a handful of database connections for a hundred calls in flight, but
only if a thread waiting on the network does not sit on one: so each role's methods
first hand back this thread's pooled connection (outside a transaction; the next
query takes one again), then run inside the task clock's provider section
(`chains.task_clock`). Without a pool, connections are kept as before: one per
thread, reused across tasks.
"""

from __future__ import annotations

import functools

from django.db import connections

from ..task_clock import PROVIDER, section


class TimedRole:
    """A captioner, painter, embedder or moderator whose methods are wrapped as above."""

    def __init__(self, role):
        self._role = role

    def __getattr__(self, name: str):
        attribute = getattr(self._role, name)
        if not callable(attribute) or name.startswith("_"):
            return attribute

        @functools.wraps(attribute)
        def call(*args, **kwargs):
            release_pooled_connections()
            with section(PROVIDER):
                return attribute(*args, **kwargs)

        return call

    def __repr__(self) -> str:
        return f"TimedRole({self._role!r})"


def release_pooled_connections() -> None:
    """Return this thread's pooled connections that are not inside a transaction."""
    for connection in connections.all(initialized_only=True):
        pooled = getattr(connection, "pool", None) is not None
        if pooled and connection.connection is not None and not connection.in_atomic_block:
            connection.close()
