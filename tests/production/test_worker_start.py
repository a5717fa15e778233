"""A worker imports its heavy libraries before it takes any task (telephone_site/celery.py)."""

from __future__ import annotations

import subprocess
import sys

CHECK = """
import sys
import django
django.setup()
from celery.signals import worker_init
import telephone_site.celery
assert "sklearn.manifold" not in sys.modules, "imported before the worker starts: the check proves nothing"
worker_init.send(sender=None)
assert "sklearn.manifold" in sys.modules and "sklearn.decomposition" in sys.modules
"""


def test_scikit_learn_is_imported_as_the_worker_starts_never_inside_a_time_limited_task():
    done = subprocess.run([sys.executable, "-c", CHECK], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
