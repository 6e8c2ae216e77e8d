"""clientip.py: X-Forwarded-For is believed only from trusted proxies."""

from __future__ import annotations

import ipaddress

import pytest

from chatnext.clientip import client_ip

LOCAL = (ipaddress.ip_network("127.0.0.1/32"), ipaddress.ip_network("10.0.0.0/8"))


@pytest.mark.parametrize(
    ("peer", "xff", "trusted", "expected"),
    [
        ("203.0.113.5", "1.1.1.1", (), "203.0.113.5"),
        ("203.0.113.5", "1.1.1.1", LOCAL, "203.0.113.5"),
        ("127.0.0.1", None, LOCAL, "127.0.0.1"),
        ("127.0.0.1", "198.51.100.7", LOCAL, "198.51.100.7"),
        ("127.0.0.1", "6.6.6.6, 198.51.100.7", LOCAL, "198.51.100.7"),
        ("127.0.0.1", "6.6.6.6, 198.51.100.7, 10.1.2.3", LOCAL, "198.51.100.7"),
        ("127.0.0.1", "garbage", LOCAL, "127.0.0.1"),
        ("127.0.0.1", "10.0.0.9", LOCAL, "10.0.0.9"),
        ("127.0.0.1", "2001:db8::1", LOCAL, "2001:db8::1"),
    ],
)
def test_client_ip(peer: str, xff: str | None, trusted: tuple, expected: str) -> None:  # type: ignore[type-arg]
    assert client_ip(peer, xff, trusted) == expected
