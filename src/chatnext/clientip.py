"""Which address a request really comes from.

The socket peer, unless that peer is a proxy named in TRUSTED_PROXIES: then
X-Forwarded-For is read from the right, skipping trusted hops, and the first
untrusted address is the client. A client can prepend anything to that
header, so only the hops our own proxies appended are believed.
"""

from __future__ import annotations

import ipaddress

from chatnext.values import Network


def _trusted(addr: str, trusted: tuple[Network, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(addr)
    except ValueError:
        return False
    return any(ip in net for net in trusted)


def client_ip(peer: str, forwarded_for: str | None, trusted: tuple[Network, ...]) -> str:
    if not trusted or not forwarded_for or not _trusted(peer, trusted):
        return peer
    hops = [hop.strip() for hop in forwarded_for.split(",") if hop.strip()]
    for hop in reversed(hops):
        if not _trusted(hop, trusted):
            try:
                return str(ipaddress.ip_address(hop))
            except ValueError:
                # A garbage hop means the chain cannot be believed past here.
                return peer
    return hops[0] if hops else peer
