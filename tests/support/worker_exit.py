"""Imported by the test workers (`celery worker --include`, tests/support/worker.py): once a
worker's warm shutdown is over, its process ends at once.

Celery sends `worker_shutdown` after the warm shutdown: the consumer is closed, the pool
has finished its tasks and its processes have exited, so nothing of the worker runs or
writes any more. What is left is the interpreter's exit, where billiard's finalizer joins
the pool's handler threads one after another, each asleep in a one-second loop: two
seconds or more per worker stop, about a dozen stops per test pass, all spent waiting.
"""

from __future__ import annotations

import logging
import os
import sys

from celery.signals import worker_shutdown


@worker_shutdown.connect
def end_the_process_now(**kwargs) -> None:
    logging.shutdown()  # the test reads the worker's log: flush it first
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)
