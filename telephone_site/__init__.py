"""Loading the Celery app with Django makes `shared_task` bind to it in every process.

Numeric libraries default to one busy-waiting thread per core; on a worker that
already runs one task per process (or many I/O-bound threads), those threads only
fight each other: a 3 ms matrix product took 2.75 ms with threads and 0.08 ms
without. Set before NumPy loads; an operator's own values win.
"""

import os

for _variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

from .celery import app as celery_app  # noqa: E402 - after the thread limits above, which NumPy reads on import

__all__ = ["celery_app"]
