"""Where upstream requests go and how: targets, proxies, the aiohttp session.

The browser never names a host: every Target is built from server
configuration at start-up.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlsplit
from urllib.request import proxy_bypass_environment  # type: ignore[attr-defined]

import aiohttp

from chatnext import __version__
from chatnext.config import Settings
from chatnext.keys import KeyPool

USER_AGENT = f"chatnext/{__version__}"


@dataclass(frozen=True)
class Target:
    """One upstream: its base URL, keys and how a key is presented."""

    name: str
    base_url: str
    keys: KeyPool
    auth_header: str = "Authorization"
    auth_prefix: str = "Bearer "
    extra_headers: tuple[tuple[str, str], ...] = ()
    proxy: str = ""
    default_query: dict[str, str] = field(default_factory=dict)
    keyless: bool = False  # a local server (Ollama) may need no key at all
    # The base URL already stands for `/v1` (Cloudflare AI Gateway's
    # `/v1/{account}/{gateway}/openai`): request paths drop their `v1/`.
    versioned_base: bool = False

    def url(self, path: str) -> str:
        if self.versioned_base:
            path = path.removeprefix("v1/")
        return f"{self.base_url}/{path}"

    def headers(self, key: str) -> dict[str, str]:
        headers = {"User-Agent": USER_AGENT, "Accept-Encoding": "identity", **dict(self.extra_headers)}
        if key:
            headers[self.auth_header] = self.auth_prefix + key
        return headers


def proxy_for(url: str, settings: Settings) -> str:
    """The proxy an upstream URL is reached through ("" for none)."""
    if settings.proxy_url:
        return settings.proxy_url
    parts = urlsplit(url)
    if settings.no_proxy and proxy_bypass_environment(parts.hostname or "", {"no": ",".join(settings.no_proxy)}):
        return ""
    return settings.https_proxy if parts.scheme == "https" else settings.http_proxy


class UpstreamClient:
    """One aiohttp session per process (one more per SOCKS proxy in use)."""

    def __init__(self, settings: Settings) -> None:
        self.timeout = settings.upstream_timeout
        self._sessions: dict[str, aiohttp.ClientSession] = {}

    def _connector(self, proxy: str) -> aiohttp.BaseConnector:
        # limit=0: the default cap of 100 connections would queue the 101st stream.
        options = {"limit": 0, "ttl_dns_cache": 300, "keepalive_timeout": 30.0}
        if proxy.startswith("socks"):
            from aiohttp_socks import ProxyConnector

            return ProxyConnector.from_url(proxy.replace("socks5h://", "socks5://"), rdns=True, **options)
        return aiohttp.TCPConnector(**options)  # type: ignore[arg-type]

    def session(self, proxy: str) -> tuple[aiohttp.ClientSession, str | None]:
        """The session for `proxy` and the per-request proxy argument."""
        socks = proxy.startswith("socks")
        slot = proxy if socks else ""
        session = self._sessions.get(slot)
        if session is None:
            session = self._sessions[slot] = aiohttp.ClientSession(
                connector=self._connector(slot),
                timeout=aiohttp.ClientTimeout(total=None, sock_connect=min(30.0, self.timeout), sock_read=self.timeout),
                auto_decompress=False,
                trust_env=False,
                skip_auto_headers=("Content-Type",),
            )
        return session, (proxy or None) if not socks else None

    async def close(self) -> None:
        for session in self._sessions.values():
            await session.close()
        self._sessions.clear()
