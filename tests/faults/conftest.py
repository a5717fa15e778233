"""Fault tests: real worker processes, real servers, real outages.

Those marked `production_stack` exercise the PostgreSQL + Redis deployment (a Redis
outage, a PostgreSQL restart). bin/test runs them in its PostgreSQL + Redis pass; the
SQLite pass deselects them (tests/conftest.py says how).

The other fault tests (a SIGKILLed worker, a provider outage) need neither and run
in both passes.
"""

from __future__ import annotations
