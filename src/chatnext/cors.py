"""Cross-origin access to the API: closed unless CORS_ORIGINS opens it.

- empty: no Access-Control-* header ever, and a cross-origin preflight is
  refused with 403 before it reaches a route (so no upstream is ever called).
- exact origins: a listed Origin is echoed, with credentials (cookies, the
  Authorization header) allowed.
- `*`: any origin, never with credentials. Browsers refuse `*` together with
  Allow-Credentials, which is the NextChat bug this avoids.

Requests without an Origin, or from the server's own origin, pass untouched.
Pure ASGI, touching only http.response.start: the relay routes stream answers
through it and watch `receive` for the browser leaving.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from chatnext.asgi import header
from chatnext.errors import send_error

ALLOW_METHODS = b"GET, POST, OPTIONS"
MAX_AGE = b"600"
# What the relay passes on from upstreams for SDKs to pace retries
# (relay._PASSED_HEADERS); a cross-origin script cannot read them otherwise.
EXPOSE_HEADERS = b"retry-after, retry-after-ms, x-request-id, x-should-retry"
# The requested header list is echoed rather than filtered: browser SDKs send
# their own headers (x-stainless-*, openai-beta, anthropic-beta...) and would
# fail against any fixed list. Only a well-formed list goes back out.
_HEADER_LIST = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+(?:[ \t]*,[ \t]*[!#$%&'*+.^_`|~0-9A-Za-z-]+)*")


def _merge_vary(headers: list[tuple[bytes, bytes]], name: bytes) -> None:
    for i, (key, value) in enumerate(headers):
        if key.lower() == b"vary":
            names = {v.strip().lower() for v in value.split(b",")}
            if name.lower() not in names and b"*" not in names:
                headers[i] = (key, value + b", " + name)
            return
    headers.append((b"vary", name))


class CORS:
    def __init__(self, app: ASGIApp, origins: Iterable[str]) -> None:
        self.app = app
        listed = {o.strip().rstrip("/").lower() for o in origins if o.strip()}
        self.any = "*" in listed
        self.listed = frozenset(listed - {"*"})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        origin = header(scope, b"origin") if scope["type"] == "http" else None
        if origin is None or self._same_origin(scope, origin):
            await self.app(scope, receive, send)
            return
        added = self._headers(origin)
        if scope["method"] == "OPTIONS" and header(scope, b"access-control-request-method") is not None:
            await self._preflight(scope, send, origin, added)
            return
        if not added:
            await self.app(scope, receive, send)
            return

        async def send_with_cors(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", ()))
                present = {name.lower() for name, _ in headers}
                for name, value in added:
                    if name == b"vary":
                        _merge_vary(headers, value)
                    elif name not in present:
                        headers.append((name, value))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_cors)

    @staticmethod
    def _same_origin(scope: Scope, origin: str) -> bool:
        host = header(scope, b"host")
        return host is not None and origin.lower() == f"{scope['scheme']}://{host}".lower()

    def _headers(self, origin: str) -> list[tuple[bytes, bytes]]:
        """What a response to `origin` carries; empty when the origin may not read it."""
        if origin.lower() in self.listed:
            return [
                (b"access-control-allow-origin", origin.encode("latin-1")),
                (b"access-control-allow-credentials", b"true"),
                (b"access-control-expose-headers", EXPOSE_HEADERS),
                (b"vary", b"Origin"),
            ]
        if self.any:
            return [(b"access-control-allow-origin", b"*"), (b"access-control-expose-headers", EXPOSE_HEADERS)]
        # Listed origins get a different answer for the same URL: caches must
        # keep them apart from this one.
        return [(b"vary", b"Origin")] if self.listed else []

    async def _preflight(self, scope: Scope, send: Send, origin: str, added: list[tuple[bytes, bytes]]) -> None:
        allow = [(k, v) for k, v in added if k != b"access-control-expose-headers"]
        if not any(k == b"access-control-allow-origin" for k, _ in allow):
            await send_error(
                send,
                403,
                "origin_not_allowed",
                f"cross-origin requests from {origin} are not allowed; CORS_ORIGINS does not list it",
                allow,
            )
            return
        allow += [(b"access-control-allow-methods", ALLOW_METHODS), (b"access-control-max-age", MAX_AGE)]
        requested = header(scope, b"access-control-request-headers")
        if requested and _HEADER_LIST.fullmatch(requested.strip()):
            allow.append((b"access-control-allow-headers", requested.strip().lower().encode()))
            # The answer echoes the request's list, so it must not be reused for another.
            _merge_vary(allow, b"Access-Control-Request-Headers")
        await send({"type": "http.response.start", "status": 204, "headers": allow})
        await send({"type": "http.response.body", "body": b""})
