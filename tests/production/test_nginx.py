"""Debian's nginx, configured by deploy/nginx.conf, in front of production gunicorn.

Visitors are HTTPS clients on different loopback addresses (127.0.0.2, 127.0.0.3, ...),
so nginx sees them as different clients exactly as it would on the internet; gunicorn
only ever sees nginx. Issue 12's end-to-end checks: one client's failed log-ins must
not lock out another (and a forged X-Forwarded-For changes nothing), a `..%2f` media
path cannot reach a private chain's picture, and the security headers arrive through
the proxy.
"""

from __future__ import annotations

import http.client
import os
import re
import secrets
import ssl
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from urllib.parse import urlencode

import pytest
from django.conf import settings

from chains.models import Visibility
from tests.factories import make_chain, make_member
from tests.support.nginx import SERVER_NAME, NginxServer, nginx_available
from tests.support.services import WebServer, collect_static
from tests.support.worker import database_url_for_worker

from .test_deploy import production_env

pytestmark = pytest.mark.django_db(transaction=True)

if not nginx_available():
    if os.environ.get("CI") == "true":
        raise RuntimeError("tests/production/test_nginx.py needs nginx and openssl; .ci/run installs them")
    pytest.skip("nginx or openssl is not installed (apt-get install nginx openssl)", allow_module_level=True)

ORIGIN = f"https://{SERVER_NAME}"
ADMIN_PASSWORD = "the admin's own long passphrase"
# Failed log-ins one client may make (RATE_LIMIT_LOGIN_FAILED's per-address rule; 20 in
# production). Fewer here: each failure costs gunicorn one production password hash
# (Django hashes even for an unknown name), half a second of CPU.
FAILED_LOG_INS_ALLOWED = 5
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@dataclass
class Reply:
    status: int
    headers: http.client.HTTPMessage
    body: str


@dataclass
class Visitor:
    """One client on its own loopback address, with its own cookies, talking HTTPS to nginx."""

    port: int
    address: str
    cookies: dict = field(default_factory=dict)

    def request(self, method: str, path: str, *, form: dict | None = None, headers: dict | None = None) -> Reply:
        context = ssl.create_default_context()
        context.check_hostname, context.verify_mode = False, ssl.CERT_NONE  # the test's self-signed certificate
        connection = http.client.HTTPSConnection(
            "127.0.0.1", self.port, source_address=(self.address, 0), context=context, timeout=30
        )
        sent = {"Host": SERVER_NAME, **(headers or {})}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form)
            sent.update({"Content-Type": "application/x-www-form-urlencoded", "Origin": ORIGIN})
        try:
            connection.request(method, path, body=body, headers=sent)
            response = connection.getresponse()
            reply = Reply(response.status, response.headers, response.read().decode(errors="replace"))
        finally:
            connection.close()
        for header in reply.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        return reply

    def log_in(self, login: str, password: str, **headers) -> Reply:
        page = self.request("GET", "/accounts/login/", headers=headers)
        token = CSRF_FIELD.search(page.body).group(1)
        return self.request(
            "POST",
            "/accounts/login/",
            headers=headers,
            form={"csrfmiddlewaretoken": token, "login": login, "password": password},
        )


@pytest.fixture(scope="module")
def stack(tmp_path_factory, django_db_setup):
    """gunicorn (production settings, nginx as its only trusted proxy) behind nginx."""
    tmp_path = tmp_path_factory.mktemp("nginx-stack")
    static_root = tmp_path / "static"
    env = production_env(
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS=SERVER_NAME,
        SITE_URL=ORIGIN,
        DATABASE_URL=database_url_for_worker(),
        MEDIA_ROOT=str(tmp_path / "media"),
        TELEPHONE_VAR_DIR=str(tmp_path / "var"),
        STATIC_ROOT=str(static_root),
        CELERY_BROKER_URL=settings.CELERY_BROKER_URL,
        SERVE_MEDIA="true",
        TELEPHONE_PROVIDER="local",
        REDIS_URL="",
        LOG_LEVEL="WARNING",
        TRUSTED_PROXIES="127.0.0.1,::1",
        RATE_LIMIT_LOGIN_FAILED=f"{FAILED_LOG_INS_ALLOWED}/10m/ip",
    )
    collect_static(env, static_root)
    web = WebServer(env=env, log_path=tmp_path / "gunicorn.log").start()
    nginx = NginxServer(workdir=tmp_path / "nginx", upstream_port=web.port, static_root=static_root)
    nginx.media_root = tmp_path / "media"  # where gunicorn reads media; tests write there too
    try:
        nginx.start()
        yield nginx
    finally:
        nginx.close()
        web.close()


def visitor(stack: NginxServer, number: int) -> Visitor:
    return Visitor(port=stack.https_port, address=f"127.0.0.{number}")


def test_security_headers_arrive_through_nginx(stack):
    reply = visitor(stack, 2).request("GET", "/")
    assert reply.status == 200
    headers = reply.headers
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert re.fullmatch(r"[0-9a-f]{32}", headers["X-Request-ID"]), "nginx's request id, echoed by the app"
    cookie = visitor(stack, 2).request("GET", "/accounts/login/").headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie


def test_plain_http_is_sent_to_https(stack):
    connection = http.client.HTTPConnection("127.0.0.1", stack.http_port, timeout=15)
    connection.request("GET", "/gallery/?page=2", headers={"Host": SERVER_NAME})
    response = connection.getresponse()
    assert response.status == 301 and response.headers["Location"] == f"{ORIGIN}/gallery/?page=2"
    connection.close()


@pytest.mark.production_password_hashing  # the admin logs in to production gunicorn
def test_one_clients_failed_log_ins_never_lock_out_another(stack):
    """The High finding: behind nginx everyone shared nginx's address, so 20 failures
    with made-up usernames (the limit) locked every other person out, admins included."""
    make_member("admin", password=ADMIN_PASSWORD, is_staff=True, is_superuser=True)
    attacker = visitor(stack, 2)
    for number in range(FAILED_LOG_INS_ALLOWED):
        assert attacker.log_in(f"made-up-{number}", "guess").status == 200
    refused = attacker.log_in("admin", ADMIN_PASSWORD)
    assert refused.status == 429 and int(refused.headers["Retry-After"]) > 0
    # Inventing addresses does not help: nginx overwrites the header.
    forged = attacker.log_in("admin", ADMIN_PASSWORD, **{"X-Forwarded-For": "198.51.100.23"})
    assert forged.status == 429

    admin = visitor(stack, 3)
    reply = admin.log_in("admin", ADMIN_PASSWORD)
    assert reply.status == 302 and reply.headers["Location"] == "/accounts/me/"
    assert admin.request("GET", "/admin/").status == 200


def test_a_dot_dot_media_path_cannot_reach_a_private_chain(stack, settings):
    """The High finding: `curl --path-as-is /media/chains/<public>/..%2f<private>/000.jpg`
    served a private chain's picture through nginx and production gunicorn."""
    settings.MEDIA_ROOT = stack.media_root
    public = make_chain(title="Public", target_length=1)
    private = make_chain(title="Secret", target_length=1, visibility=Visibility.PRIVATE)
    public_file = public.steps.get(index=0).image.name
    private_file = private.steps.get(index=0).image.name.rsplit("/", 1)[1]
    stranger = visitor(stack, 4)

    for attack in (
        f"/media/chains/{public.pk}/..%2f{private.pk}/{private_file}",
        f"/media/chains/{public.pk}/..%2F{private.pk}/{private_file}",
        f"/media/chains/{public.pk}/%2e%2e%2f{private.pk}/{private_file}",
    ):
        assert stranger.request("GET", attack).status == 404, attack
    shown = stranger.request("GET", f"/media/{public_file}")
    assert shown.status == 200 and shown.headers["Content-Type"] == "image/jpeg"
    assert shown.headers["Cache-Control"] == f"public, max-age={settings.TELEPHONE_PUBLIC_MEDIA_MAX_AGE}"
