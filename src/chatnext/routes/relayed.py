"""What every relay route shares: error handling around one forward()."""

from __future__ import annotations

import json
from urllib.parse import parse_qsl

from starlette.types import Receive, Scope, Send

from chatnext.asgi import ClientGone, read_body, until_disconnect
from chatnext.errors import HTTPError
from chatnext.relay import StreamBroken, UpstreamRequest
from chatnext.services import Services


class RelayRoute:
    """A raw ASGI endpoint; subclasses say where a request goes."""

    def __init__(self, services: Services) -> None:
        self.services = services

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await self.forward(scope, receive, send)
        except HTTPError as exc:
            await exc.send(send)
        except (ClientGone, StreamBroken):
            pass

    async def forward(self, scope: Scope, receive: Receive, send: Send) -> None:
        raise NotImplementedError

    async def body(self, scope: Scope, receive: Receive) -> bytes | None:
        if scope["method"] in ("GET", "HEAD"):
            return None
        return await read_body(scope, receive, self.services.settings.max_body_bytes)

    async def stream(
        self, req: UpstreamRequest, receive: Receive, send: Send, done_marker: bytes | None = b"[DONE]"
    ) -> None:
        await until_disconnect(self.services.relay.stream(req, send, done_marker), receive)


def query(scope: Scope) -> dict[str, str]:
    return dict(parse_qsl(scope.get("query_string", b"").decode("latin-1")))


def with_model(payload: dict[str, object], body: bytes, model: str) -> bytes:
    """The body with `model` in place; unchanged bytes when it already is."""
    if payload.get("model") == model:
        return body
    return json.dumps({**payload, "model": model}).encode()


def refuse_model(model: str) -> HTTPError:
    return HTTPError(403, "model_not_allowed", f"you are not allowed to use {model} model")
