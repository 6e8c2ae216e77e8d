"""A fake OpenAI/Azure upstream: a real HTTP server on 127.0.0.1.

It speaks OpenAI's wire format (chat completions, streaming and not, the
model list, billing) and Azure's deployment paths, and misbehaves on
request. Which fault it plays is picked by the API key or the model name,
so one server serves every test:

    key  sk-401*          -> 401 invalid_api_key
    key  sk-quota*        -> 429 insufficient_quota
    key  sk-ratelimit*    -> 429 rate_limit_exceeded with Retry-After
    model fail-500        -> 500 server_error
    model slow-first-byte -> headers and first event after `slow_seconds`
    model slow-headers    -> nothing at all for `slow_seconds`
    model drop-mid-stream -> two events, then the connection is cut
    model no-done         -> a stream that ends cleanly but without [DONE]
    model slow-stream     -> one event every 50 ms for `slow_seconds`
    model stall-mid-stream -> two events, then silence for `slow_seconds`
    model drop-mid-json   -> (not streaming) half a JSON body, then the connection is cut
    key  sk-nobilling*    -> billing paths answer 404, as OpenAI does for API keys today

Billing answers like one-api (limit $120, usage in cents); GET /releases/latest
is a GitHub release feed whose tag is `release_tag`.

A test can also script what a model says: `upstream.replies["m"] =
Reply(text, piece=8, delay=0.01)` streams `text` in pieces of 8 characters.

Every request is recorded, with whether the client hung up before the
answer was complete.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from tests import fake_anthropic, fake_gemini

REPLY = ["Hello", " from", " the", " fake", " upstream", "."]


@dataclass
class Reply:
    text: str
    piece: int = 8  # characters per event
    delay: float = 0.0  # seconds between events
    reasoning: str = ""  # streamed first, as reasoning_content (thinking) deltas


@dataclass
class Seen:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: Any
    finished: bool = False  # the whole answer was written
    client_closed: bool = False  # the client hung up before that
    closed_at: float = 0.0
    started_at: float = field(default_factory=time.monotonic)


Answer = Callable[[web.Request, Any, "Seen"], Awaitable[web.StreamResponse]]


def _chunk(
    model: str, content: str | None = None, finish: str | None = None, usage: bool = False, reasoning: str = ""
) -> bytes:
    delta: dict[str, Any] = {} if content is None else {"content": content}
    if reasoning:
        delta = {"content": None, "reasoning_content": reasoning}
    event: dict[str, Any] = {
        "id": "chatcmpl-fake",
        "object": "chat.completion.chunk",
        "created": 1_800_000_000,
        "model": model,
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }
    if usage:
        event["choices"] = []
        event["usage"] = {"prompt_tokens": 5, "completion_tokens": len(REPLY), "total_tokens": 5 + len(REPLY)}
    return b"data: " + json.dumps(event).encode() + b"\n\n"


def _error(status: int, message: str, etype: str, code: str, headers: dict[str, str] | None = None) -> web.Response:
    body = {"error": {"message": message, "type": etype, "param": None, "code": code}}
    return web.json_response(body, status=status, headers=headers)


RELEASE_TAG = "v9.9.9"


def _billing_refusal(request: web.Request) -> web.Response | None:
    key = request.headers.get("Authorization", "").removeprefix("Bearer ")
    if key.startswith("sk-401"):
        return _error(401, "Incorrect API key provided: sk-401***.", "invalid_request_error", "invalid_api_key")
    if key.startswith("sk-nobilling"):
        return _error(404, f"Invalid URL (GET {request.path})", "invalid_request_error", "")
    return None


class FakeUpstream:
    def __init__(self) -> None:
        self.seen: list[Seen] = []
        self.replies: dict[str, Reply] = {}
        self.slow_seconds = 2.0
        self.release_tag = RELEASE_TAG
        self.port = 0
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._runner: web.AppRunner | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> FakeUpstream:
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._start(), self._loop).result(10)
        return self

    def stop(self) -> None:
        if self._runner is not None:
            asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)
        self._loop.close()

    def reset(self) -> None:
        self.seen.clear()
        self.replies.clear()
        self.slow_seconds = 2.0
        self.release_tag = RELEASE_TAG

    def wait_closed(self, timeout: float = 3.0) -> Seen:
        """The last request, once the client has hung up on it."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.seen and self.seen[-1].client_closed:
                return self.seen[-1]
            time.sleep(0.01)
        raise AssertionError(f"the client never closed the upstream request: {self.seen[-1:]}")

    async def _start(self) -> None:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_post("/v1/chat/completions", self._chat)
        app.router.add_post("/openai/deployments/{deployment}/chat/completions", self._chat)
        app.router.add_get("/v1/models", self._models)
        # Cloudflare AI Gateway's shape: the version is in the base, the path has none.
        app.router.add_post("/v1/{account}/{gateway}/openai/chat/completions", self._chat)
        app.router.add_get("/v1/{account}/{gateway}/openai/models", self._models)
        app.router.add_get("/dashboard/billing/usage", self._billing)
        app.router.add_get("/dashboard/billing/subscription", self._subscription)
        app.router.add_get("/releases/latest", self._release)
        fake_anthropic.add_routes(app, self)
        fake_gemini.add_routes(app, self)
        app.router.add_post("/v1/{tail:.*}", self._echo)
        self._runner = web.AppRunner(app, handler_cancellation=True, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    def _record(self, request: web.Request, body: Any) -> Seen:
        seen = Seen(request.method, request.path, dict(request.query), dict(request.headers), body)
        self.seen.append(seen)
        return seen

    async def _models(self, request: web.Request) -> web.Response:
        self._record(request, None)
        if request.headers.get("Authorization", "").startswith("Bearer sk-401"):
            return _error(401, "Incorrect API key provided", "invalid_request_error", "invalid_api_key")
        ids = ["gpt-4o", "gpt-4o-mini", "gpt-4", "o1", "my-model"]
        data = [{"id": i, "object": "model", "created": 1_700_000_000, "owned_by": "fake"} for i in ids]
        return web.json_response({"object": "list", "data": data})

    async def _billing(self, request: web.Request) -> web.Response:
        self._record(request, None)
        refused = _billing_refusal(request)
        return refused if refused is not None else web.json_response({"object": "list", "total_usage": 1234.5})

    async def _subscription(self, request: web.Request) -> web.Response:
        self._record(request, None)
        limits = {"soft_limit_usd": 100.0, "hard_limit_usd": 120.0, "system_hard_limit_usd": 120.0}
        body = {"object": "billing_subscription", "has_payment_method": True, **limits, "access_until": 0}
        refused = _billing_refusal(request)
        return refused if refused is not None else web.json_response(body)

    async def _release(self, request: web.Request) -> web.Response:
        self._record(request, None)
        tag = self.release_tag
        return web.json_response(
            {
                "tag_name": tag,
                "name": tag,
                "html_url": f"https://github.com/chatnext/chatnext/releases/tag/{tag}",
                "published_at": "2026-01-15T08:00:00Z",
                "body": f"## {tag}\n\n- fixes",
            }
        )

    async def _echo(self, request: web.Request) -> web.Response:
        self._record(request, await request.read())
        return web.json_response({"created": 1, "data": [{"url": "http://127.0.0.1/fake.png"}]})

    async def _chat(self, request: web.Request) -> web.StreamResponse:
        return await self.recorded(request, self._answer)

    async def recorded(self, request: web.Request, answer: Answer) -> web.StreamResponse:
        """Record a JSON request, answer it, and note whether the client hung up first."""
        raw = await request.read()
        try:
            body = json.loads(raw)
        except ValueError:
            body = raw
        seen = self._record(request, body)
        try:
            return await answer(request, body, seen)
        except (asyncio.CancelledError, ConnectionResetError):
            seen.client_closed = True
            seen.closed_at = time.monotonic()
            raise

    async def _answer(self, request: web.Request, body: Any, seen: Seen) -> web.StreamResponse:
        key = request.headers.get("Authorization", "").removeprefix("Bearer ") or request.headers.get("api-key", "")
        if key.startswith("sk-401"):
            return _error(401, "Incorrect API key provided: sk-401***.", "invalid_request_error", "invalid_api_key")
        if key.startswith("sk-quota"):
            return _error(
                429,
                "You exceeded your current quota, please check your plan and billing details.",
                "insufficient_quota",
                "insufficient_quota",
            )
        if key.startswith("sk-ratelimit"):
            return _error(429, "Rate limit reached", "requests", "rate_limit_exceeded", {"Retry-After": "7"})
        if not isinstance(body, dict):
            return _error(400, "We could not parse the JSON body of your request.", "invalid_request_error", "")
        model = body.get("model", "")
        if model == "fail-500":
            return _error(500, "The server had an error while processing your request.", "server_error", "server_error")
        if model == "slow-headers":
            await asyncio.sleep(self.slow_seconds)
        if model == "drop-mid-json":
            response = web.StreamResponse(headers={"Content-Type": "application/json", "Content-Length": "500"})
            await response.prepare(request)
            await response.write(b'{"id": "chatcmpl-fake", "choices": [')
            assert request.transport is not None
            request.transport.abort()
            return response
        if not body.get("stream"):
            scripted = self.replies.get(model)
            message = {"role": "assistant", "content": scripted.text if scripted else "".join(REPLY)}
            return web.json_response(
                {
                    "id": "chatcmpl-fake",
                    "object": "chat.completion",
                    "created": 1_800_000_000,
                    "model": model,
                    "choices": [{"index": 0, "message": message, "finish_reason": "stop"}],
                    "usage": {"prompt_tokens": 5, "completion_tokens": 6, "total_tokens": 11},
                }
            )
        response = web.StreamResponse(headers={"Content-Type": "text/event-stream", "Cache-Control": "no-cache"})
        await response.prepare(request)
        if model == "slow-first-byte":
            await asyncio.sleep(self.slow_seconds)
        if model == "slow-stream":
            deadline = time.monotonic() + self.slow_seconds
            while time.monotonic() < deadline:
                await response.write(_chunk(model, "tick "))
                await asyncio.sleep(0.05)
        scripted = self.replies.get(model)
        words = REPLY
        if scripted is not None:
            words = [scripted.text[i : i + scripted.piece] for i in range(0, len(scripted.text), scripted.piece)]
        if scripted is not None and scripted.reasoning:
            thought = scripted.reasoning
            for i in range(0, len(thought), scripted.piece):
                if scripted.delay:
                    await asyncio.sleep(scripted.delay)
                await response.write(_chunk(model, reasoning=thought[i : i + scripted.piece]))
        for i, word in enumerate(words):
            if scripted is not None and scripted.delay:
                await asyncio.sleep(scripted.delay)
            await response.write(_chunk(model, word))
            if model == "stall-mid-stream" and i == 1:
                await asyncio.sleep(self.slow_seconds)
            if model == "drop-mid-stream" and i == 1:
                assert request.transport is not None
                request.transport.abort()
                return response
        await response.write(_chunk(model, None, "stop"))
        if (body.get("stream_options") or {}).get("include_usage"):
            await response.write(_chunk(model, usage=True))
        if model != "no-done":
            await response.write(b"data: [DONE]\n\n")
        await response.write_eof()
        seen.finished = True
        return response
