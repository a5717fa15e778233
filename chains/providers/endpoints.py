"""Where a role's server is, and what that means for money and model names.

Three kinds of server:
- `openai`: OpenAI's own API (no base URL, or api.openai.com). Prices and shutdown
  dates in the catalogue apply as they stand.
- `gateway`: any other remote host (OpenRouter, Azure, a company proxy). It bills
  like OpenAI, so an unknown model there is counted at a conservative price.
- `offline`: the in-process `local` backend; free.
- `self-hosted`: loopback, private or link-local addresses, `localhost`, `*.local`,
  `*.internal`, `*.lan`, or a host listed in TELEPHONE_SELF_HOSTED_HOSTS. Costs 0
  unless the operator sets a price, and an OpenAI model name there is an alias for
  whatever the server runs, so OpenAI's shutdown dates do not apply to it.

A host in TELEPHONE_PAID_HOSTS (`host` or `host:port`) is a gateway wherever it is:
a LiteLLM proxy on localhost that forwards to OpenAI bills real money.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

OPENAI = "openai"
GATEWAY = "gateway"
SELF_HOSTED = "self-hosted"
OFFLINE = "offline"
PAID_KINDS = (OPENAI, GATEWAY)

OPENAI_HOST = "api.openai.com"
LOCAL_SUFFIXES = (".local", ".internal", ".lan", ".home.arpa", ".localhost")


def server_host(base_url: str | None) -> str:
    """`host[:port]` of a base URL: what staff see and chains record, never the path or key."""
    if not base_url:
        return OPENAI_HOST
    parts = urlsplit(base_url if "//" in base_url else f"http://{base_url}")
    host = parts.hostname or ""
    return f"{host}:{parts.port}" if parts.port else host


def endpoint_kind(
    base_url: str | None, *, self_hosted_hosts: tuple[str, ...] = (), paid_hosts: tuple[str, ...] = ()
) -> str:
    if not base_url:
        return OPENAI
    host = (urlsplit(base_url if "//" in base_url else f"http://{base_url}").hostname or "").lower()
    if host == OPENAI_HOST:
        return OPENAI
    if {host, server_host(base_url).lower()} & {name.lower() for name in paid_hosts}:
        return GATEWAY
    if host in {name.lower() for name in self_hosted_hosts} or _is_local_name(host) or _is_private_address(host):
        return SELF_HOSTED
    return GATEWAY


def is_paid(kind: str) -> bool:
    return kind in PAID_KINDS


def _is_local_name(host: str) -> bool:
    return host == "localhost" or "." not in host or host.endswith(LOCAL_SUFFIXES)


def _is_private_address(host: str) -> bool:
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return address.is_loopback or address.is_private or address.is_link_local
