"""The production switch, end to end: gunicorn with telephone_site/gunicorn.conf.py and
DJANGO_ENV=production, behind a pretend TLS proxy (the X-Forwarded-Proto header nginx
sets), serving collected, compressed, hashed static files through whitenoise, and
logging JSON lines that carry the request id."""

from __future__ import annotations

import json
import re
import secrets

import pytest
import requests
from django.conf import settings

from chains.services import chain_run_inline
from tests.factories import make_chain
from tests.support.services import WebServer, collect_static, wait_for
from tests.support.worker import database_url_for_worker

from .test_deploy import production_env

pytestmark = pytest.mark.django_db(transaction=True)

HOST = "telephone.example.org"
HTTPS = {"X-Forwarded-Proto": "https", "Host": HOST}


@pytest.fixture(scope="module")
def server(tmp_path_factory, django_db_setup):
    """One server for the module: booting gunicorn and collecting static files take seconds."""
    tmp_path = tmp_path_factory.mktemp("production-server")
    env = production_env(
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS=f"{HOST},127.0.0.1",
        SITE_URL=f"https://{HOST}",
        DATABASE_URL=database_url_for_worker(),
        MEDIA_ROOT=str(settings.MEDIA_ROOT),
        TELEPHONE_VAR_DIR=str(settings.VAR_DIR),
        STATIC_ROOT=str(tmp_path / "static"),
        CELERY_BROKER_URL=settings.CELERY_BROKER_URL,
        SERVE_MEDIA="true",
        TELEPHONE_PROVIDER="local",
        REDIS_URL="",
        LOG_LEVEL="INFO",
    )
    collect_static(env, tmp_path / "static")
    web = WebServer(env=env, log_path=tmp_path / "gunicorn.log").start()
    try:
        yield web
    finally:
        web.close()


def get(server, path: str, **headers) -> requests.Response:
    return requests.get(server.base_url + path, headers={**HTTPS, **headers}, allow_redirects=False, timeout=15)


def test_plain_http_is_redirected_to_https(server):
    reply = requests.get(server.base_url + "/gallery/", headers={"Host": HOST}, allow_redirects=False, timeout=15)
    assert reply.status_code == 301
    assert reply.headers["Location"] == f"https://{HOST}/gallery/"


def test_pages_carry_every_security_header(server):
    chain_run_inline(chain=make_chain(target_length=1, provider="local"))
    reply = get(server, "/")
    assert reply.status_code == 200
    headers = reply.headers
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert "upgrade-insecure-requests" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert re.fullmatch(r"[0-9a-f]{32}", headers["X-Request-ID"])


def test_cookies_are_secure_and_http_only(server):
    reply = get(server, "/accounts/login/")
    assert reply.status_code == 200
    cookie = reply.headers["Set-Cookie"]
    assert cookie.startswith("csrftoken=")
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_static_files_are_hashed_compressed_and_cached_for_ever(server):
    page = get(server, "/accounts/login/").text
    stylesheet = re.search(r'href="(/static/css/site\.[0-9a-f]{12}\.css)"', page)
    assert stylesheet, "the page must link the hashed file from the manifest"
    reply = get(server, stylesheet.group(1), **{"Accept-Encoding": "gzip"})
    assert reply.status_code == 200
    assert reply.headers["Content-Encoding"] == "gzip"
    assert "immutable" in reply.headers["Cache-Control"]


def test_health_answers_plain_http_probes(server):
    reply = requests.get(server.base_url + "/healthz", timeout=15)
    assert reply.status_code == 200, reply.text
    assert reply.json()["status"] == "ok"


def test_logs_are_json_lines_with_the_request_id(server):
    request_id = "probe-" + secrets.token_hex(8)
    reply = get(server, "/c/no-such-chain/", **{"X-Request-ID": request_id})
    assert reply.status_code == 404
    assert reply.headers["X-Request-ID"] == request_id

    def logged():
        """The app's JSON line and gunicorn's access line (written after the response)."""
        lines = server.log_path.read_text().splitlines()
        app = [json.loads(line) for line in lines if line.startswith("{") and request_id in line]
        access = [line for line in lines if line.endswith(f"request_id={request_id}")]
        return (app[0], access[0]) if app and access else None

    record, access = wait_for(logged, timeout=10, what="the app's JSON line and the access line")
    assert record["request_id"] == request_id
    assert record["level"] == "WARNING" and record["logger"] == "django.request"
    assert '"GET /c/no-such-chain/ HTTP/1.1" 404' in access
