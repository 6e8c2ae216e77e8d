"""What every relay route shares: error handling around one forward(), and metering."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from urllib.parse import parse_qsl

from starlette.types import Receive, Scope, Send

from chatnext import metrics
from chatnext.asgi import ClientGone, read_body, until_disconnect
from chatnext.errors import HTTPError
from chatnext.meter import Ticket
from chatnext.relay import Outcome, StreamBroken, UpstreamRequest
from chatnext.services import Services

# What a request is recorded with when the browser left before any answer
# (nginx's "client closed request"): a failure, so nothing is charged.
CLIENT_GONE = 499


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
        self,
        req: UpstreamRequest,
        receive: Receive,
        send: Send,
        done_marker: bytes | None = b"[DONE]",
        outcome: Outcome | None = None,
    ) -> None:
        await until_disconnect(self.services.relay.stream(req, send, done_marker, outcome), receive)

    async def metered(self, ticket: Ticket, streaming: bool, run: Callable[[Outcome], Awaitable[None]]) -> None:
        """Run one admitted chat request and finish its ticket however it ends.

        Disconnects, upstream failures and broken streams included: the
        ticket learns the status the client got and how far the answer came.
        """
        outcome = Outcome(ending=lambda o: ticket.finish(o.status or CLIENT_GONE, o.usage, o.completion_estimate()))
        if streaming:
            metrics.stream_opened()
        try:
            await run(outcome)
        except HTTPError as exc:
            if not outcome.status:
                outcome.status = exc.status
                if exc.code.startswith("upstream_"):
                    metrics.upstream_error(ticket.provider, exc.code)
            raise
        except Exception:
            outcome.status = outcome.status or 500
            raise
        else:
            if outcome.status >= 500:  # the upstream's own answer
                metrics.upstream_error(ticket.provider, f"http_{outcome.status}")
        finally:
            if streaming:
                metrics.stream_closed()
            ticket.finish(outcome.status or CLIENT_GONE, outcome.usage, outcome.completion_estimate())


def query(scope: Scope) -> dict[str, str]:
    return dict(parse_qsl(scope.get("query_string", b"").decode("latin-1")))


def with_model(payload: dict[str, object], body: bytes, model: str) -> bytes:
    """The body with `model` in place; unchanged bytes when it already is."""
    if payload.get("model") == model:
        return body
    return json.dumps({**payload, "model": model}).encode()


def refuse_model(model: str) -> HTTPError:
    return HTTPError(403, "model_not_allowed", f"you are not allowed to use {model} model")
