"""Shared fixtures: the network is blocked except loopback, media goes to a temp dir.

Fixtures used by more than one folder live here (`member`, `member_client`,
`real_broker`) or in a module registered below (`fake_openai`); a folder's own
shared fixtures sit in its conftest.py. Test modules never import fixtures.
"""

from __future__ import annotations

import ipaddress
import os
import socket

import pytest
from django.conf import settings as django_settings

from chains.providers import clear_provider_cache
from tests.support.shared_data import storages_in

pytest_plugins = ["tests.fakes.fixtures"]  # the `fake_openai` fixture

# settings.py has read it to give this test process its own var/ folder and Redis
# database. The processes tests start (workers, web servers) are handed those values
# explicitly; seeing the variable too, they would move to a folder and database of
# their own, away from this process's.
os.environ.pop("PYTEST_XDIST_WORKER", None)
# Celery takes the broker from the CELERY_BROKER_URL variable before Django's settings, so
# without this a second test process would publish to the first one's Redis database
# (the configured one) while its own workers listen on its own: their chains never moved,
# and the first process's workers took the messages for rows they could not see.
os.environ["CELERY_BROKER_URL"] = django_settings.CELERY_BROKER_URL

NETWORK_BLOCKED = "Tests may only talk to loopback; blocked connection to {address!r}."


def _is_loopback(address) -> bool:
    if isinstance(address, str):
        return True  # AF_UNIX paths (PostgreSQL's socket) stay on this machine
    host = address[0]
    if host in ("localhost", ""):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex


def _guarded_connect(self, address):
    if not _is_loopback(address):
        raise ConnectionRefusedError(NETWORK_BLOCKED.format(address=address))
    return _real_connect(self, address)


def _guarded_connect_ex(self, address):
    if not _is_loopback(address):
        raise ConnectionRefusedError(NETWORK_BLOCKED.format(address=address))
    return _real_connect_ex(self, address)


@pytest.fixture(autouse=True, scope="session")
def block_non_loopback_network():
    """Any accidental call to a real API fails loudly instead of leaking out."""
    socket.socket.connect = _guarded_connect
    socket.socket.connect_ex = _guarded_connect_ex
    yield
    socket.socket.connect = _real_connect
    socket.socket.connect_ex = _real_connect_ex


@pytest.fixture(autouse=True, scope="session")
def one_tls_context_per_process():
    """The providers' HTTP transport (chains/providers/http.py) builds its TLS context once,
    and the process keeps its providers; the tests clear them before every test
    (`isolated_media`), so each test loaded the CA bundle again (tens of ms of CPU each
    time, about 9% of the test processes' samples in a py-spy profile of both passes).
    Built here once per test process, with the same arguments, and shared as the process's
    providers would share it."""
    import httpx2

    build = httpx2.create_ssl_context
    built: dict = {}

    def create_ssl_context(verify=True, cert=None, trust_env=True):
        if verify is not True or cert is not None:
            return build(verify, cert, trust_env)
        if trust_env not in built:
            built[trust_env] = build(verify, cert, trust_env)
        return built[trust_env]

    httpx2.create_ssl_context = create_ssl_context
    yield
    httpx2.create_ssl_context = build


# Marks a test whose users log in, with a password, to a server started with production
# settings: that server verifies passwords with Django's own (slow) hashers, so the
# test hashes them the same way instead of with the fast one every other test uses.
PRODUCTION_PASSWORD_HASHING = "production_password_hashing"


@pytest.fixture(autouse=True)
def isolated_media(request, tmp_path):
    """Every test writes images into its own folder, never the developer's media.

    Tasks run eagerly unless a test starts a real worker. Pure tests run with
    `-p no:django` too, so Django's `settings` fixture is only asked for when
    the plugin is loaded.
    """
    clear_provider_cache()
    if request.config.pluginmanager.hasplugin("django"):
        from telephone_site.celery import app as celery_app

        settings = request.getfixturevalue("settings")
        settings.MEDIA_ROOT = tmp_path / "media"
        settings.STORAGES = storages_in(tmp_path)
        settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
        settings.TELEPHONE_DEMO_PACE_SECONDS = 0  # demo chains are paced for people, not for tests
        # PBKDF2 is slow on purpose (a second per user under load, and as long for each
        # failed log-in with an unknown name); tests check the flows, not the hashing cost.
        # Except tests marked PRODUCTION_PASSWORD_HASHING: their users log in to real
        # servers running production settings. Marked by test, not by folder: most tests
        # in tests/production and tests/faults log in in-process or with force_login.
        if request.node.get_closest_marker(PRODUCTION_PASSWORD_HASHING) is None:
            settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
        from django.core.cache import cache

        from chains.cache import public_version_memo
        from gallery.fragments import clear_kept
        from gallery.views._caching import local_pages

        cache.clear()
        local_pages.clear()
        clear_kept()
        public_version_memo.forget()
        celery_app.conf.task_always_eager = True
        yield
        celery_app.conf.task_always_eager = False
    else:
        yield
    clear_provider_cache()


@pytest.fixture(autouse=True)
def recompute_requests(request, monkeypatch):
    """Record the delayed atlas recomputes that finishing chains ask for instead of running
    them; a test that wants the atlas calls `atlas_recompute` itself.

    In production a finishing chain asks for one recompute TELEPHONE_ATLAS_DEBOUNCE_SECONDS
    later, and that one covers every chain finishing meanwhile. With eager tasks the
    countdown is ignored: every chain any test ran to its end refitted the whole atlas at
    once (a third of the CPU of a test that runs the demo chains). Pure tests run without
    Django (`-p no:django`) and need none of this."""
    requests: list[dict] = []
    if request.config.pluginmanager.hasplugin("django"):
        monkeypatch.setattr("chains.services.atlas.atlas_enqueue_recompute", lambda **kwargs: requests.append(kwargs))
    return requests


@pytest.fixture
def share_card_requests(request, monkeypatch):
    """The share cards finishing chains ask for, recorded instead of drawn, for tests that
    run many chains and never look at a card: drawing them eagerly took a fifth to a
    third of those tests' CPU (py-spy). Without the cards, a page makes them on request,
    as it does when the broker is down (chains/services/lifecycle.py)."""
    requests: list[int] = []
    if request.config.pluginmanager.hasplugin("django"):
        monkeypatch.setattr("chains.tasks.render_share_cards.delay", lambda chain_id: requests.append(chain_id))
    return requests


@pytest.fixture
def member(db):
    """A signed-up member who confirmed their address: not staff, with a known password."""
    from tests.factories import MEMBER_PASSWORD, make_member

    return make_member("ada", password=MEMBER_PASSWORD)


@pytest.fixture
def member_client(client, member):
    """The test client, signed in as `member`."""
    client.force_login(member)
    return client


@pytest.fixture
def on_commit_runs(db):
    """On-commit callbacks run as after a real commit, inside the test's transaction
    (tests/support/commits.py): what `transaction=True` gave, without emptying every
    table after the test."""
    from tests.support.commits import commits_as_in_autocommit

    with commits_as_in_autocommit():
        yield


@pytest.fixture
def real_broker():
    """Tasks go to the broker this pass uses instead of running in the test process."""
    from telephone_site.celery import app as celery_app
    from tests.support.worker import purge_broker

    celery_app.conf.task_always_eager = False
    purge_broker()
    yield
    purge_broker()
    celery_app.conf.task_always_eager = True


PRODUCTION_STACK = "production_stack"


def _on_postgres() -> bool:
    from django.conf import settings

    return settings.DATABASES["default"]["ENGINE"].endswith("postgresql")


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    _group_real_worker_tests(items)
    _deselect_production_stack_off_postgres(config, items)
    _longest_first_under_xdist(config, items)
    _name_xdist_groups(config, items)


REAL_WORKERS = "real-workers"


def _group_real_worker_tests(items) -> None:
    """Under pytest-xdist (`--dist loadgroup`, as bin/test runs), tests that run real
    worker processes run one at a time in each of a few test processes, never more: each
    starts, kills and waits on workers against the clock, and many at once on a small
    machine would starve each other's workers past their claims and deadlines. A test
    in no group yet joins REAL_WORKERS; the SIGKILL fault and the faults that take a
    server away are groups of their own (tests/faults/support.py)."""
    for item in items:
        if "integration" in item.keywords and item.get_closest_marker("xdist_group") is None:
            item.add_marker(pytest.mark.xdist_group(REAL_WORKERS))


def _deselect_production_stack_off_postgres(config, items) -> None:
    """Tests marked `production_stack` need PostgreSQL and Redis: bin/test runs them in its
    second pass, and the SQLite pass deselects them, visibly (pytest counts them as
    deselected). They are never skipped where they belong: with TEST_BACKEND=postgres
    (as bin/test sets it) a run that is not on PostgreSQL is an error, not a quiet pass."""
    ours = [item for item in items if PRODUCTION_STACK in item.keywords]
    if not ours or _on_postgres():
        return
    if os.environ.get("TEST_BACKEND") == "postgres":
        raise pytest.UsageError(
            "TEST_BACKEND=postgres but the database is not PostgreSQL: "
            "the production-stack tests would not run. Set DATABASE_URL."
        )
    config.hook.pytest_deselected(items=ours)
    items[:] = [item for item in items if item not in ours]
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        reporter.write_line(
            f"{len(ours)} production-stack test(s) deselected: they run in "
            "the PostgreSQL + Redis pass (DATABASE_URL=postgres://...)."
        )


def _name_xdist_groups(config, items) -> None:
    """Append "@<group>" to the id of each test marked `xdist_group`, as pytest-xdist does
    for `--dist loadgroup`: its scheduler keeps a group's tests in one process by that
    suffix. pytest-xdist 3.8 writes it to `item._nodeid`, which pytest 9 no longer reads
    (the id is `item._id`), so without this every group is silently split across
    processes. Runs last, so it also sees the markers added above.

    A group runs when the scheduler gets to it, not in pytest-django's order (plain `db`
    tests before transactional ones): a transactional test's flush may come first in a
    process, so no test relies on rows a data migration made (tests/gallery/test_roles.py
    makes its own again)."""
    if not config.getoption("loadgroup", default=False):
        return
    from _pytest.nodeid import coerce_node_id

    for item in items:
        names = sorted(
            {
                str(mark.args[0] if mark.args else mark.kwargs.get("name", "default"))
                for mark in item.iter_markers("xdist_group")
            }
        )
        suffix = "@" + "_".join(names)
        if names and not item.nodeid.endswith(suffix):  # a later pytest-xdist may do it itself
            item._id = coerce_node_id(item.nodeid + suffix)


# Under pytest-xdist, what starts first: the real-worker groups, longest first (minutes
# each, mostly waiting on workers, servers and claims to expire), then the other groups
# and the browser tests, then everything else in pytest-django's order.
START_FIRST = ("real-workers-sigkill", REAL_WORKERS, "real-workers-lost-service")


def _start_rank(item) -> int:
    groups = [str(mark.args[0]) if mark.args else "default" for mark in item.iter_markers("xdist_group")]
    for rank, group in enumerate(START_FIRST):
        if group in groups:
            return rank
    if groups or "browser" in item.keywords:
        return len(START_FIRST)
    return len(START_FIRST) + 1


def _longest_first_under_xdist(config, items) -> None:
    """Put the long tests at the head of the collection, so the scheduler hands them out
    first (bin/test runs it with `--no-loadscope-reorder`, which keeps this order): a
    real-worker group taken last would run alone after every other test had finished.
    The other processes meanwhile share out the short tests. Serial runs keep pytest-django's
    order. Only under `--dist loadgroup`, like the naming of the groups."""
    if not config.getoption("loadgroup", default=False):
        return
    items.sort(key=_start_rank)  # stable: within a rank, the order pytest-django gave
