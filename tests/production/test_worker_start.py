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
assert "pycparser.c_lexer" not in sys.modules, "imported before the worker starts: the check proves nothing"
worker_init.send(sender=None)
assert "sklearn.manifold" in sys.modules and "sklearn.decomposition" in sys.modules
assert "pycparser.c_lexer" in sys.modules, "each pool process would import cffi's C parser on its own"
"""


def test_scikit_learn_and_cffis_parser_are_imported_as_the_worker_starts_not_in_each_task_or_pool_process():
    done = subprocess.run([sys.executable, "-c", CHECK], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
