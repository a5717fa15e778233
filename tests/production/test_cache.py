"""The Redis cache (REDIS_URL) degrades while Redis is away, and serves again when it returns.

Against a real redis-server of the test's own, stopped for real: reads miss, writes
are dropped, `incr` reports a missing key (which the callers already handle), and
pages, log-ins and uploads all answer normally instead of with a 500.
"""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.throttle import throttle_hit
from gallery.models import Submission
from telephone_site import cache as resilient
from tests.factories import make_member
from tests.support import images as sample
from tests.support.services import wait_for


@pytest.fixture
def redis_cache(settings, redis_server):
    settings.CACHES = {
        "default": {
            "BACKEND": "telephone_site.cache.ResilientRedisCache",
            "LOCATION": redis_server.url(1),
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    cache.clear()
    return redis_server


def test_it_is_a_normal_redis_cache_while_redis_is_up(redis_cache):
    cache.set("a", {"b": 1})
    assert cache.get("a") == {"b": 1}
    assert cache.add("n", 1) and not cache.add("n", 5)
    assert cache.incr("n") == 2
    with pytest.raises(ValueError):
        cache.incr("missing")
    assert cache.ping()


def test_with_redis_down_reads_miss_writes_drop_and_nothing_raises(redis_cache):
    cache.set("kept", "value")
    redis_cache.stop()

    assert cache.get("kept", "default") == "default"
    assert cache.get_many(["kept"]) == {}
    assert cache.set("x", 1) is None
    assert cache.add("x", 1) is True  # a lock taken on nothing: attempts go through
    assert cache.touch("x") is False
    assert cache.delete("x") is False
    with pytest.raises(ValueError):
        cache.incr("x")
    assert not cache.ping()
    assert not cache.available  # the breaker is open: calls no longer wait on Redis


def test_the_cache_serves_again_once_redis_is_back(redis_cache):
    redis_cache.stop()
    assert cache.get("k") is None
    redis_cache.start()  # same port, empty (no persistence), like the CI server

    def works():
        cache.set("k", "back")
        return cache.get("k") == "back"

    wait_for(works, timeout=resilient.RETRY_AFTER_SECONDS + 5, what="the cache to recover")


def test_rate_limits_let_attempts_through_while_redis_is_down(redis_cache):
    hits = [throttle_hit(scope="upload", key="1", limit=2, window=60).allowed for _ in range(3)]
    assert hits == [True, True, False]  # counted in Redis
    redis_cache.stop()
    result = throttle_hit(scope="upload", key="1", limit=2, window=60)
    assert result.allowed and result.count == 1


@pytest.mark.django_db(transaction=True)
def test_pages_log_ins_and_uploads_answer_normally_while_redis_is_down(redis_cache, client, settings):
    settings.TELEPHONE_PROVIDER = "local"
    member = make_member("ada", password="a-long-test-passphrase")
    redis_cache.stop()

    assert client.get("/").status_code == 200
    assert client.get("/gallery/").status_code == 200
    wrong = client.post("/accounts/login/", {"login": "ada", "password": "nope"})
    assert wrong.status_code == 200  # the form again, with its error
    right = client.post("/accounts/login/", {"login": "ada", "password": "a-long-test-passphrase"})
    assert right.status_code == 302
    upload = SimpleUploadedFile("photo.jpg", sample.cmyk_jpeg(), content_type="image/jpeg")
    reply = client.post(
        "/submit/", {"image": upload, "title": "Outage", "mode": "telephone", "detail": "very", "target_length": 2}
    )
    assert reply.status_code == 302
    assert Submission.objects.filter(owner=member).count() == 1
