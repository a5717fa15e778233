"""Fault 1: Redis goes away while a person submits and staff approve.

The production stack for real: gunicorn (telephone_site/gunicorn.conf.py, DEBUG off)
and a Celery worker with its beat (restarted if it exits, as systemd would: see
Supervisor), both using one Redis as broker (DB 0) and cache (DB 1), and the test
database. Redis is this test's own server (see tests/support/services.py), stopped
for real. While it is down:

- the upload and the approval both get their normal answers (no 500): the
  submission is saved, approved, and its chain created and marked running;
- /healthz says 503 (broker) and reports the cache as degraded.

Redis then comes back empty (no persistence, as configured in CI), so the message
that would have started the chain never existed. The reconciler, run by beat in the
worker, finds the running chain with nothing in flight and starts it; the chain
completes with exactly steps 0..N.
"""

from __future__ import annotations

import re
import time

import pytest
import requests
from django.conf import settings
from django.test import Client

from chains.models import Chain, Status
from gallery.models import Submission, SubmissionStatus
from tests.factories import make_member, make_moderator
from tests.support import images as sample
from tests.support.services import RedisServer, WebServer, collect_static
from tests.support.worker import WorkerProcess, database_url_for_worker, wait_until

from .support import LOST_SERVICE, Figures, Supervisor, all_ended, check_exact

pytestmark = [
    pytest.mark.integration,
    LOST_SERVICE,
    pytest.mark.production_stack,
    pytest.mark.django_db(transaction=True),
]

LENGTH = 3
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def browser_for(user, base_url: str) -> requests.Session:
    """An HTTP session logged in as `user` (the session row is in the shared database)."""
    client = Client()
    client.force_login(user)
    session = requests.Session()
    session.cookies.set(
        settings.SESSION_COOKIE_NAME, client.cookies[settings.SESSION_COOKIE_NAME].value, domain="127.0.0.1", path="/"
    )
    return session


def csrf_token(session: requests.Session, url: str) -> str:
    page = session.get(url, timeout=30)
    assert page.status_code == 200, page.text[:500]
    return CSRF_FIELD.search(page.text).group(1)


@pytest.fixture
def stack(tmp_path):
    """Redis, a worker and gunicorn sharing the test database; all stopped in `finally`."""
    redis = RedisServer(tmp_path / "redis").start()
    env_overrides = {"CELERY_BROKER_URL": redis.url(0), "REDIS_URL": redis.url(1), "TELEPHONE_PROVIDER": "local"}
    supervisor = web = None
    try:
        worker = WorkerProcess(log_path=tmp_path / "worker.log", concurrency=2, extra_env=env_overrides)
        web_env = {
            **worker.environment(),
            "DEBUG": "false",
            "STATIC_ROOT": str(tmp_path / "static"),
            "LOG_FORMAT": "json",
            "DATABASE_URL": database_url_for_worker(),
        }
        collect_static(web_env, tmp_path / "static")
        supervisor = Supervisor(worker).start()
        web = WebServer(env=web_env, log_path=tmp_path / "web.log").start()
        worker.wait_ready()
        yield redis, supervisor, web
    finally:
        if web is not None:
            web.close()
        if supervisor is not None:
            supervisor.stop()
        redis.close()


@pytest.mark.timeout(300)
def test_a_submission_made_and_approved_while_redis_is_down_runs_once_it_is_back(stack, settings):
    settings.TELEPHONE_PROVIDER = "local"
    redis, supervisor, web = stack
    worker = supervisor.worker
    started = time.monotonic()
    member = browser_for(make_member("ada"), web.base_url)
    staff = browser_for(make_moderator(), web.base_url)

    redis.stop()
    down_at = time.monotonic()

    # The person uploads: saved, and told so (redirected to their page, which lists it).
    token = csrf_token(member, web.base_url + "/submit/")
    upload = member.post(
        web.base_url + "/submit/",
        timeout=30,
        data={
            "csrfmiddlewaretoken": token,
            "title": "Harbour in the rain",
            "mode": "telephone",
            "detail": "very",
            "target_length": str(LENGTH),
        },
        files={"image": ("harbour.jpg", sample.cmyk_jpeg(), "image/jpeg")},
    )
    assert upload.status_code == 200 and upload.url.endswith("/accounts/me/"), upload.text[:500]
    assert "Harbour in the rain" in upload.text and "Waiting for review" in upload.text
    submission = Submission.objects.get(title="Harbour in the rain")

    # Staff approve through htmx: the queue item comes back approved, with its chain.
    token = csrf_token(staff, web.base_url + "/moderation/")
    approve = staff.post(
        web.base_url + f"/moderation/submissions/{submission.pk}/",
        timeout=30,
        headers={"HX-Request": "true"},
        data={"csrfmiddlewaretoken": token, "decision": "approve", "note": "Lovely"},
    )
    assert approve.status_code == 200, approve.text[:500]
    assert "Approved" in approve.text and "see the chain" in approve.text
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.APPROVED
    chain = Chain.objects.get(pk=submission.chain_id)
    assert chain.status == Status.RUNNING

    health = requests.get(web.base_url + "/healthz", timeout=30)
    assert health.status_code == 503
    assert not health.json()["checks"]["broker"]["ok"] and health.json()["cache"] == "degraded"

    time.sleep(3)  # the chain cannot move: its first task was never sent
    assert chain.steps.count() == 1 and not chain.steps.get(index=0).caption
    outage_seconds = time.monotonic() - down_at

    redis.start()  # back, and empty
    try:
        wait_until(lambda: all_ended([chain.pk]), timeout=150, interval=0.5, what="the chain to end")
    except AssertionError:
        raise AssertionError(worker.log()) from None
    assert requests.get(web.base_url + "/healthz", timeout=30).status_code == 200

    figures = Figures(
        test="redis_outage",
        seconds=time.monotonic() - started,
        notes={
            "redis_down_seconds": round(outage_seconds, 1),
            "worker_restarts_by_supervisor": supervisor.restarts,
            "requests_during_outage": "submit 302→200, approve 200, healthz 503",
        },
    )
    problems = check_exact([chain.pk], figures)
    figures.save()
    assert problems == []
    assert "reconciler re-queued chain=%d" % chain.pk in worker.log_path.read_text()
    web_log = web.log_path.read_text()
    assert "Internal Server Error" not in web_log and '" 500 ' not in web_log
