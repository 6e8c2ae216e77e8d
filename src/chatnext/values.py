"""How an environment variable's text becomes a value.

Each parser takes the raw text and returns the value or raises ValueError
with the end of a sentence ("is not an http(s) URL"); config.py puts the
variable's name in front, so a bad value stops start-up with one line.
"""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import urlsplit

from chatnext.providers.table import BY_ID

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def as_bool(raw: str) -> bool:
    # NextChat treats any non-empty value as "on", even "0" or "false".
    return raw != ""


def as_list(raw: str) -> tuple[str, ...]:
    return tuple(item.strip() for item in raw.split(",") if item.strip())


def as_text(raw: str) -> str:
    return raw.strip()


def as_url(raw: str, *, default_scheme: str = "https") -> str:
    url = raw.strip()
    if not url:
        return ""
    if "://" not in url:
        url = f"{default_scheme}://{url}"
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or " " in url:
        raise ValueError("is not an http(s) URL")
    try:
        parts.port  # noqa: B018 - raises on a port that is not a number
    except ValueError:
        raise ValueError("has an invalid port") from None
    return url.rstrip("/")


def as_base_url(raw: str) -> str:
    url = as_url(raw)
    # Many guides tell people to end BASE_URL with /v1; NextChat then asks for
    # /v1/v1/... Accept both spellings.
    return url[: -len("/v1")] if url.endswith("/v1") else url


def as_proxy_url(raw: str) -> str:
    url = raw.strip()
    if not url:
        return ""
    if "://" not in url:
        url = f"http://{url}"
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https", "socks4", "socks5", "socks5h") or not parts.hostname:
        raise ValueError("is not a proxy URL (http://, https://, socks5://host:port)")
    return url


def as_seconds(raw: str) -> float:
    try:
        value = float(raw)
    except ValueError:
        raise ValueError("must be a number of seconds") from None
    if not value > 0 or value == float("inf"):
        raise ValueError("must be a positive number of seconds")
    return value


def as_port(raw: str) -> int:
    try:
        value = int(raw)
    except ValueError:
        raise ValueError("must be a port number") from None
    if not 0 < value < 65536:
        raise ValueError("must be a port number between 1 and 65535")
    return value


def as_byte_count(raw: str) -> int:
    try:
        value = int(raw)
    except ValueError:
        raise ValueError("must be a whole number of bytes") from None
    if value <= 0:
        raise ValueError("must be a positive number of bytes")
    return value


def as_networks(raw: str) -> tuple[Network, ...]:
    try:
        return tuple(ipaddress.ip_network(item, strict=False) for item in as_list(raw))
    except ValueError:
        raise ValueError("must list IP addresses or networks (10.0.0.0/8)") from None


_PROVIDER_NAME = re.compile(r"[a-z][a-z0-9_-]{0,31}")


def as_custom_providers(raw: str) -> tuple[tuple[str, str], ...]:
    providers: list[tuple[str, str]] = []
    for entry in as_list(raw):
        name, eq, url = entry.partition("=")
        name = name.strip().lower()
        if not eq or not _PROVIDER_NAME.fullmatch(name):
            raise ValueError(f"entry {entry!r} must be name=url, the name in lower-case letters, digits, - or _")
        if name in BY_ID or any(name == other for other, _ in providers):
            raise ValueError(f"entry {entry!r}: {name} is already a provider")
        try:
            providers.append((name, as_base_url(url)))
        except ValueError as exc:
            raise ValueError(f"entry {entry!r}: the URL {exc}") from None
    return tuple(providers)


def as_store_url(raw: str) -> str:
    url = raw.strip()
    if url and not url.startswith(("sqlite:///", "redis://", "rediss://", "unix://")):
        raise ValueError("must be sqlite:///path/to/file.db or redis://host:port/db")
    return url
