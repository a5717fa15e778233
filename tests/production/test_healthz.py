"""`/healthz`: 200 when the database, the broker and media storage all answer; 503 naming
the one that does not. Each "down" is real: a closed port, a stopped server, a folder
that cannot exist, never a mock of the check itself."""

from __future__ import annotations

from contextlib import contextmanager

import pytest
from django.db import connection

from tests.support.services import free_port

from .conftest import s3_options

pytestmark = pytest.mark.django_db(transaction=True)


def health(client) -> tuple[int, dict]:
    reply = client.get("/healthz")
    assert reply["Cache-Control"].startswith("max-age=0")
    return reply.status_code, reply.json()


def failing(body: dict) -> set[str]:
    return {name for name, result in body["checks"].items() if not result["ok"]}


@contextmanager
def database_unreachable():
    """Point the live connection at nothing: a closed port, or a folder that does not exist."""
    saved = dict(connection.settings_dict)
    connection.close()
    if connection.vendor == "sqlite":
        connection.settings_dict["NAME"] = "/nonexistent-folder/telephone.sqlite3"
    else:
        connection.settings_dict["HOST"] = "127.0.0.1"
        connection.settings_dict["PORT"] = str(free_port())
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(saved)


def test_everything_up_answers_200(client):
    status, body = health(client)
    assert status == 200, body
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "broker", "storage"}


def test_the_database_down_answers_503(client):
    with database_unreachable():
        status, body = health(client)
    assert status == 503
    assert failing(body) == {"database"}
    assert body["checks"]["database"]["error"] == "OperationalError"
    # and the next request, with the database back, is healthy again
    assert health(client)[0] == 200


def test_a_redis_broker_that_answers_is_healthy(client, settings, redis_server):
    settings.CELERY_BROKER_URL = redis_server.url(0)
    assert health(client)[0] == 200


def test_a_stopped_redis_broker_answers_503(client, settings, redis_server):
    settings.CELERY_BROKER_URL = redis_server.url(0)
    redis_server.stop()
    status, body = health(client)
    assert status == 503
    assert failing(body) == {"broker"}
    assert "127.0.0.1" not in str(body), "no addresses in a public answer"


def test_a_missing_filesystem_queue_answers_503(client, settings, tmp_path):
    settings.CELERY_BROKER_URL = "filesystem://localhost//"
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {"data_folder_in": str(tmp_path / "gone")}
    status, body = health(client)
    assert status == 503
    assert failing(body) == {"broker"}


def test_media_that_cannot_be_written_answers_503(client, settings, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    settings.MEDIA_ROOT = blocker / "media"
    status, body = health(client)
    assert status == 503
    assert failing(body) == {"storage"}


def test_s3_storage_that_answers_is_healthy(client, s3_bucket):
    assert health(client)[0] == 200


def test_s3_unreachable_or_without_its_bucket_answers_503(client, settings, s3_server, s3_bucket):
    dead = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            **s3_options(server=s3_server, bucket=s3_bucket),
            "endpoint_url": f"http://127.0.0.1:{free_port()}",
        },
    }
    settings.STORAGES = {**settings.STORAGES, "default": dead}
    status, body = health(client)
    assert status == 503
    assert failing(body) == {"storage"}

    missing = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": s3_options(server=s3_server, bucket="no-such-bucket-here"),
    }
    settings.STORAGES = {**settings.STORAGES, "default": missing}
    assert health(client)[0] == 503


def test_a_redis_cache_outage_is_reported_but_not_fatal(client, settings, redis_server):
    settings.CACHES = {
        "default": {"BACKEND": "telephone_site.cache.ResilientRedisCache", "LOCATION": redis_server.url(1)}
    }
    status, body = health(client)
    assert (status, body["cache"]) == (200, "ok")
    redis_server.stop()
    status, body = health(client)
    assert status == 200
    assert body["cache"] == "degraded"


def test_health_is_exempt_from_the_https_redirect(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/healthz").status_code == 200
    assert client.get("/").status_code == 301
