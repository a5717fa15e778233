"""The client's address, believed from a forwarding header only when a trusted proxy sent it.

Behind nginx every request reaches gunicorn from nginx's own address, so REMOTE_ADDR
alone would put every visitor into one per-IP rate limit: twenty failed log-ins
from one client would lock everyone else out. gunicorn does not rewrite REMOTE_ADDR
from X-Forwarded-For, so this middleware does, and only for requests whose direct
peer is listed in TRUSTED_PROXIES (addresses or networks). Anyone else's
X-Forwarded-For is ignored: a client could put any address in it.

nginx (deploy/nginx.conf) *sets* X-Forwarded-For to the address it saw, so a client
cannot prepend a fake one. If a load balancer stands in front of nginx, nginx's
real-IP module recovers the client first (deploy/README.md). The header is read
from the right: proxies append, so the rightmost address not itself a trusted
proxy is the last one a trusted party vouched for.

Everything downstream (allauth's rate limits, the site's own throttles, logs) then
reads REMOTE_ADDR and gets the client.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Iterable

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse

Network = ipaddress.IPv4Network | ipaddress.IPv6Network

TRUSTED_PROXIES_INVALID = "TRUSTED_PROXIES holds {value!r}, which is not an IP address or network."
# The peer's own address, kept for logs and for tests that check the rewrite.
PROXY_ADDR_META = "telephone.proxy_addr"


def parse_networks(values: Iterable[str]) -> tuple[Network, ...]:
    """TRUSTED_PROXIES as networks; a bad entry stops start-up instead of trusting nobody quietly."""
    networks = []
    for value in values:
        try:
            networks.append(ipaddress.ip_network(value.strip(), strict=False))
        except ValueError:
            raise ImproperlyConfigured(TRUSTED_PROXIES_INVALID.format(value=value)) from None
    return tuple(networks)


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def _trusted(address, networks: tuple[Network, ...]) -> bool:
    return address is not None and any(address in network for network in networks)


def forwarded_client(*, peer: str, forwarded_for: str, networks: tuple[Network, ...]) -> str:
    """The client address for a request from `peer` carrying `forwarded_for`.

    The peer itself unless it is a trusted proxy; then the rightmost forwarded
    address that is not a trusted proxy. A malformed entry ends the walk at the
    last trusted hop, so garbage can never be chosen as an address.
    """
    if not _trusted(_address(peer), networks) or not forwarded_for:
        return peer
    client = peer
    for entry in reversed(forwarded_for.split(",")):
        address = _address(entry)
        if address is None:
            return client
        client = str(address)
        if not _trusted(address, networks):
            return client
    return client


class TrustedProxyMiddleware:
    """Put the real client into REMOTE_ADDR, first thing, for everything after it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response
        self.networks = parse_networks(settings.TRUSTED_PROXIES)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        peer = request.META.get("REMOTE_ADDR", "")
        request.META[PROXY_ADDR_META] = peer
        request.META["REMOTE_ADDR"] = forwarded_client(
            peer=peer, forwarded_for=request.META.get("HTTP_X_FORWARDED_FOR", ""), networks=self.networks
        )
        return self.get_response(request)
