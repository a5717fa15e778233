"""The Celery application; configuration is read from Django settings (CELERY_*)."""

import os

from celery import Celery
from celery.signals import task_postrun, task_prerun, worker_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "telephone_site.settings")

app = Celery("telephone_site")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@task_prerun.connect
@task_postrun.connect
def _recycle_stale_connections(task=None, **kwargs):
    """Keep a worker's database connection across tasks (CELERY_DB_REUSE_MAX), but
    drop it when it is older than CONN_MAX_AGE or broken (CONN_HEALTH_CHECKS), as
    Django does around each web request. Reconnecting per task cost ~3 ms each.
    Eager tasks run inside the caller's transaction and connection: left alone."""
    from django.db import close_old_connections

    if task is not None and getattr(task.request, "is_eager", False):
        return
    close_old_connections()


@worker_init.connect
def _import_analysis_libraries(**kwargs):
    """Import scikit-learn (and SciPy under it) as the worker starts, not in a task.

    Imported on first use, by the first chain to complete, it took seconds under load
    and could be cut off half-way by that task's time limit: SciPy then stayed half
    initialised in the process, and no chain could complete there again. Pool
    processes forked later inherit the import.
    """
    import sklearn.decomposition  # noqa: F401 - imported for its side effect: loaded once, whole
    import sklearn.manifold  # noqa: F401 - as above


@worker_init.connect
def _import_c_declaration_parser(**kwargs):
    """Import cffi's C parser once, in the main process, before the pool forks.

    billiard has every prefork pool process declare `prctl` through cffi as it starts
    (set_pdeathsig), and that first declaration imports pycparser, whose lexer takes
    ~0.15 s of CPU to build. Imported here, every pool process (and every one that
    replaces it) inherits it instead of importing it again. Without cffi, billiard
    uses ctypes and there is nothing to warm.
    """
    try:
        import cffi.cparser  # noqa: F401 - imported for its side effect, as above
    except ImportError:
        return
