"""The client's address behind the load balancer, for rate limits and login throttling (issue 9, item 11).

``KAA_TRUSTED_PROXIES`` lists the addresses (or networks, ``10.0.0.0/8``) of our own proxies and
load balancers. ``X-Forwarded-For`` is read only when the socket peer is one of them, and then from
the right: each trusted proxy appends the address it received the request from, so the rightmost
hop that is not a trusted proxy is the client. Anything left of it was written by the client and
is ignored, so a client cannot choose its address by sending the header. Without trusted proxies
the socket address is the client.

The reply page's rate limit and django-axes (``AXES_CLIENT_IP_CALLABLE``) both ask ``client_ip``.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    networks = []
    for entry in entries:
        try:
            networks.append(ipaddress.ip_network(entry.strip(), strict=False))
        except ValueError as exc:
            raise ImproperlyConfigured(f"KAA_TRUSTED_PROXIES: not an address or network: {entry!r}") from exc
    return tuple(networks)


def trusted_networks() -> tuple[Network, ...]:
    configured: Iterable[str] = getattr(settings, "KAA_TRUSTED_PROXIES", ()) or ()
    return _networks(tuple(configured))


def _address(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    value = value.strip()
    if value.startswith("[") and "]" in value:  # [2001:db8::1]:443
        value = value[1:value.index("]")]
    elif value.count(":") == 1:  # 192.0.2.1:443
        value = value.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def _trusted(address: Any, networks: tuple[Network, ...]) -> bool:
    return any(address in network for network in networks)


def client_ip(request: Any) -> str | None:
    """The client's address as text; None when the request has none (axes stores None, not text)."""
    peer = _address(request.META.get("REMOTE_ADDR", "") or "")
    if peer is None:
        return None
    networks = trusted_networks()
    if not networks or not _trusted(peer, networks):
        return str(peer)
    client = peer
    hops = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
    for hop in reversed(hops):
        address = _address(hop)
        if address is None:
            break  # a hop our proxies did not write: stop at the last one they did
        client = address
        if not _trusted(address, networks):
            break
    return str(client)
