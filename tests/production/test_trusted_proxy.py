"""The client address comes from X-Forwarded-For only when a trusted proxy sent it.

Behind nginx every request reaches the app from nginx's address; before this, 20
failed log-ins from one client locked every other visitor out (issue 12, High).
tests/production/test_nginx.py checks the same through a real nginx and gunicorn.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from telephone_site.proxy import TRUSTED_PROXIES_INVALID, forwarded_client, parse_networks
from tests.factories import make_member

NGINX = "127.0.0.1"
LOCAL = parse_networks(["127.0.0.1", "::1"])
WITH_BALANCER = parse_networks(["127.0.0.1", "10.0.0.0/8"])


@pytest.mark.parametrize(
    "peer, forwarded, networks, client",
    [
        ("203.0.113.5", "", LOCAL, "203.0.113.5"),
        # A client talking to the app directly cannot choose its address.
        ("203.0.113.5", "198.51.100.1", LOCAL, "203.0.113.5"),
        # From nginx: the address nginx set.
        (NGINX, "198.51.100.1", LOCAL, "198.51.100.1"),
        # Only the rightmost untrusted entry counts: anything left of it came from the client.
        (NGINX, "1.2.3.4, 198.51.100.1", LOCAL, "198.51.100.1"),
        # Through a trusted balancer and nginx: skip both.
        (NGINX, "1.2.3.4, 198.51.100.1, 10.1.2.3", WITH_BALANCER, "198.51.100.1"),
        # Garbage never becomes an address; the last trusted hop is kept.
        (NGINX, "198.51.100.1, not-an-ip", LOCAL, NGINX),
        ("::1", "2001:db8::5", LOCAL, "2001:db8::5"),
        # Nobody trusted: the header is ignored altogether.
        (NGINX, "198.51.100.1", (), NGINX),
    ],
)
def test_forwarded_client(peer, forwarded, networks, client):
    assert forwarded_client(peer=peer, forwarded_for=forwarded, networks=networks) == client


def test_a_bad_trusted_proxy_stops_start_up():
    with pytest.raises(ImproperlyConfigured) as raised:
        parse_networks(["127.0.0.1", "nginx.local"])
    assert str(raised.value) == TRUSTED_PROXIES_INVALID.format(value="nginx.local")


def via_nginx(client, client_ip: str, login: str, password: str):
    return client.post(
        "/accounts/login/", {"login": login, "password": password}, REMOTE_ADDR=NGINX, HTTP_X_FORWARDED_FOR=client_ip
    )


@pytest.mark.django_db
def test_behind_the_proxy_one_clients_failures_do_not_lock_out_anyone_else(client, settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1", "::1"]
    make_member("admin", password="the admin's own passphrase", is_staff=True)
    for number in range(25):
        via_nginx(client, "203.0.113.5", f"made-up-{number}", "guess")
    assert via_nginx(client, "203.0.113.5", "admin", "the admin's own passphrase").status_code == 429
    assert via_nginx(client, "198.51.100.7", "admin", "the admin's own passphrase").status_code == 302


@pytest.mark.django_db
def test_a_client_inventing_forwarded_addresses_is_still_one_client(client, settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1", "::1"]
    for number in range(20):
        client.post(
            "/accounts/login/",
            {"login": f"made-up-{number}", "password": "guess"},
            REMOTE_ADDR="203.0.113.5",
            HTTP_X_FORWARDED_FOR=f"192.0.2.{number}",
        )
    refused = client.post(
        "/accounts/login/",
        {"login": "someone", "password": "guess"},
        REMOTE_ADDR="203.0.113.5",
        HTTP_X_FORWARDED_FOR="192.0.2.250",
    )
    assert refused.status_code == 429
