"""Who is at the other end: the client address and scheme, trusting forwarded headers only from proxies.

``XINGTU_TRUSTED_PROXIES`` lists the reverse proxies (IP addresses or CIDR networks, comma
separated; default none). Only when the connecting peer is one of them are
``X-Forwarded-For`` (its nearest hop that is not itself a trusted proxy) and
``X-Forwarded-Proto`` believed; anyone else could write any address there and escape the
sign-in throttle. ``serve.py`` turns uvicorn's own forwarded-header handling off so that
this is the one place that decides.
"""

from __future__ import annotations

import ipaddress
import os
from functools import cache

from starlette.requests import HTTPConnection

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@cache
def _parse(raw: str) -> tuple[Network, ...]:
    networks = []
    for item in raw.split(","):
        item = item.strip()
        if not item:
            continue
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            raise ValueError(
                f"XINGTU_TRUSTED_PROXIES 中的 {item!r} 不是 IP 地址或网段 / is not an IP address or network"
            ) from None
    return tuple(networks)


def trusted_proxies() -> tuple[Network, ...]:
    return _parse(os.environ.get("XINGTU_TRUSTED_PROXIES", ""))


def _trusted(host: str, proxies: tuple[Network, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return False
    return any(ip in net for net in proxies)


def _peer(conn: HTTPConnection) -> str:
    return conn.client.host if conn.client else ""


def client_address(conn: HTTPConnection) -> str:
    """The client's address: the peer, or the nearest untrusted X-Forwarded-For hop behind trusted proxies."""
    proxies = trusted_proxies()
    peer = _peer(conn)
    if not _trusted(peer, proxies):
        return peer
    hops = [h.strip() for v in conn.headers.getlist("x-forwarded-for") for h in v.split(",") if h.strip()]
    for hop in reversed(hops):
        if not _trusted(hop, proxies):
            try:
                return str(ipaddress.ip_address(hop))
            except ValueError:
                return peer  # not an address: a proxy that forwards rubbish is not believed
    return hops[0] if hops else peer


def is_https(conn: HTTPConnection) -> bool:
    """Whether the browser reached us over HTTPS (directly, or via a trusted proxy that says so)."""
    if conn.url.scheme in ("https", "wss"):
        return True
    if not _trusted(_peer(conn), trusted_proxies()):
        return False
    proto = conn.headers.get("x-forwarded-proto", "").split(",")[0].strip().lower()
    return proto in ("https", "wss")
