"""A fake Anthropic Messages API, served by the shared fake upstream.

`POST /v1/messages` answers as Anthropic documents it: a message object,
or with `"stream": true` the events message_start, content_block_start,
ping, content_block_delta, content_block_stop, message_delta and
message_stop. `GET /v1/models` lists a few Claude models. Which fault it
plays is picked by the API key or the model name:

    no x-api-key, key sk-401* -> 401 authentication_error
    key  sk-quota*            -> 400 invalid_request_error, credit balance too low
    key  sk-ratelimit*        -> 429 rate_limit_error with retry-after: 7
    model fail-500            -> 500 api_error
    model overloaded          -> 529 overloaded_error
    model slow-first-byte     -> the first event after `slow_seconds`
    model drop-mid-stream     -> two text deltas, then the connection is cut
    model error-mid-stream    -> two text deltas, then an `error` event

A request Anthropic would refuse (no anthropic-version header, no
max_tokens, roles that do not alternate, a field only OpenAI knows, a
temperature above 1, an empty text block, a malformed image) gets
Anthropic's 400, so a translation bug fails loudly. `upstream.replies`
scripts the text (and thinking) as for the OpenAI fake; max_tokens cuts the
answer after that many text deltas, with stop_reason max_tokens.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from aiohttp import web

if TYPE_CHECKING:
    from tests.fake_upstream import FakeUpstream, Seen

CREDIT_MESSAGE = (
    "Your credit balance is too low to access the Anthropic API. Please go to Plans & Billing to upgrade or "
    "purchase credits."
)
SIGNATURE = "EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds"
MODELS = [
    ("claude-sonnet-4-5-20250929", "Claude Sonnet 4.5"),
    ("claude-opus-4-1-20250805", "Claude Opus 4.1"),
    ("claude-3-5-haiku-20241022", "Claude Haiku 3.5"),
]
_FIELDS = frozenset(
    {
        "model",
        "messages",
        "max_tokens",
        "system",
        "metadata",
        "stop_sequences",
        "stream",
        "temperature",
        "top_p",
        "top_k",
        "thinking",
        "tools",
        "tool_choice",
        "service_tier",
    }
)
_MEDIA_TYPES = frozenset({"image/jpeg", "image/png", "image/gif", "image/webp"})

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass
class _Script:
    thinking: list[str]
    text: list[str]
    delay: float
    stop_reason: str = "end_turn"


def add_routes(app: web.Application, fake: FakeUpstream) -> None:
    api = _Anthropic(fake)
    app.router.add_post("/v1/messages", api.messages)

    # The OpenAI fake already owns GET /v1/models; Anthropic's clients are
    # told apart by the headers only they send.
    @web.middleware
    async def models_route(request: web.Request, handler: Handler) -> web.StreamResponse:
        anthropic = "x-api-key" in request.headers or "anthropic-version" in request.headers
        if request.method == "GET" and request.path == "/v1/models" and anthropic:
            return await api.models(request)
        return await handler(request)

    app.middlewares.append(models_route)


def _error(status: int, etype: str, message: str, headers: dict[str, str] | None = None) -> web.Response:
    body = {"type": "error", "error": {"type": etype, "message": message}, "request_id": "req_fake"}
    return web.json_response(body, status=status, headers=headers)


def _invalid(message: str) -> web.Response:
    return _error(400, "invalid_request_error", message)


def _event(name: str, data: dict[str, Any]) -> bytes:
    # Anthropic sends UTF-8 as is, so a character can straddle two reads.
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return f"event: {name}\ndata: {payload}\n\n".encode()


def _auth_fault(request: web.Request) -> web.Response | None:
    key = request.headers.get("x-api-key", "")
    if not key:
        return _error(401, "authentication_error", "x-api-key header is required")
    if key.startswith("sk-401"):
        return _error(401, "authentication_error", "invalid x-api-key")
    if "anthropic-version" not in request.headers:
        return _invalid("anthropic-version: header is required")
    return None


def _key_fault(request: web.Request) -> web.Response | None:
    key = request.headers.get("x-api-key", "")
    if key.startswith("sk-quota"):
        return _invalid(CREDIT_MESSAGE)
    if key.startswith("sk-ratelimit"):
        message = "This request would exceed the rate limit for your organization of 50 requests per minute."
        return _error(429, "rate_limit_error", message, {"retry-after": "7"})
    return None


def _body_problem(body: Any) -> str | None:
    """What Anthropic would say is wrong with the request body, if anything."""
    if not isinstance(body, dict):
        return "There was an issue with your request body: it is not a JSON object"
    extra = sorted(set(body) - _FIELDS)
    if extra:
        return f"{extra[0]}: Extra inputs are not permitted"
    if not isinstance(body.get("model"), str):
        return "model: Field required"
    max_tokens = body.get("max_tokens")
    if not isinstance(max_tokens, int) or max_tokens < 1:
        return "max_tokens: Field required"
    temperature = body.get("temperature", 0)
    if not isinstance(temperature, int | float) or not 0 <= temperature <= 1:
        return "temperature: Input should be less than or equal to 1"
    if "system" in body and not isinstance(body["system"], str | list):
        return "system: Input should be a valid string"
    return _messages_problem(body.get("messages"))


def _messages_problem(messages: Any) -> str | None:
    if not isinstance(messages, list) or not messages:
        return "messages: at least one message is required"
    for i, message in enumerate(messages):
        role = message.get("role") if isinstance(message, dict) else None
        if role not in ("user", "assistant"):
            return f"messages.{i}.role: Input should be 'user' or 'assistant'"
        if i == 0 and role != "user":
            return 'messages: first message must use the "user" role'
        if i > 0 and role == messages[i - 1]["role"]:
            return f'messages: roles must alternate between "user" and "assistant", but found multiple "{role}" roles in a row'
        problem = _content_problem(i, message.get("content"))
        if problem:
            return problem
    return None


def _content_problem(i: int, content: Any) -> str | None:
    if isinstance(content, str):
        content = [{"type": "text", "text": content}]
    if not isinstance(content, list) or not content:
        return f"messages.{i}.content: Input should be a valid list"
    for j, block in enumerate(content):
        where = f"messages.{i}.content.{j}"
        kind = block.get("type") if isinstance(block, dict) else None
        if kind == "text":
            if not isinstance(block.get("text"), str) or not block["text"].strip():
                return "messages: text content blocks must contain non-whitespace text"
        elif kind == "image":
            problem = _image_problem(where, block.get("source"))
            if problem:
                return problem
        else:
            return f"{where}.type: Input tag '{kind}' found using 'type' does not match any of the expected tags"
    return None


def _image_problem(where: str, source: Any) -> str | None:
    kind = source.get("type") if isinstance(source, dict) else None
    if kind == "base64":
        if source.get("media_type") not in _MEDIA_TYPES:
            return f"{where}.image.source.base64.media_type: Input should be 'image/jpeg', 'image/png', 'image/gif' or 'image/webp'"
        if not isinstance(source.get("data"), str) or not source["data"]:
            return f"{where}.image.source.base64.data: Field required"
        return None
    if kind == "url":
        url = source.get("url")
        return None if isinstance(url, str) and url.startswith(("https://", "http://")) else f"{where}: invalid url"
    return f"{where}.image.source: Input tag '{kind}' does not match any of the expected tags"


def _request_words(body: dict[str, Any]) -> int:
    """A stand-in for input_tokens: the words of every text in the request."""
    system = body.get("system", "")
    texts = [system] if isinstance(system, str) else [b.get("text", "") for b in system if isinstance(b, dict)]
    for message in body["messages"]:
        content = message["content"]
        if isinstance(content, str):
            texts.append(content)
        else:
            texts.extend(b["text"] for b in content if b["type"] == "text")
    return sum(len(text.split()) for text in texts)


def _pieces(text: str, size: int) -> list[str]:
    return [text[i : i + size] for i in range(0, len(text), size)]


class _Anthropic:
    def __init__(self, fake: FakeUpstream) -> None:
        self.fake = fake

    async def models(self, request: web.Request) -> web.Response:
        self.fake._record(request, None)
        fault = _auth_fault(request)
        if fault is not None:
            return fault
        data = [
            {"type": "model", "id": id_, "display_name": name, "created_at": "2025-01-01T00:00:00Z"}
            for id_, name in MODELS
        ]
        return web.json_response(
            {"data": data, "has_more": False, "first_id": data[0]["id"], "last_id": data[-1]["id"]}
        )

    async def messages(self, request: web.Request) -> web.StreamResponse:
        return await self.fake.recorded(request, self._answer)

    async def _answer(self, request: web.Request, body: Any, seen: Seen) -> web.StreamResponse:
        fault = _auth_fault(request) or _key_fault(request)
        if fault is not None:
            return fault
        problem = _body_problem(body)
        if problem is not None:
            return _invalid(problem)
        model = body["model"]
        if model == "fail-500":
            return _error(500, "api_error", "Internal server error")
        if model == "overloaded":
            return _error(529, "overloaded_error", "Overloaded")
        script = self._script(model, body["max_tokens"])
        message_id = f"msg_fake{len(self.fake.seen):04d}"
        if not body.get("stream"):
            seen.finished = True
            return web.json_response(_message(message_id, model, script, _request_words(body)))
        return await self._stream(request, body, script, message_id, seen)

    def _script(self, model: str, max_tokens: int) -> _Script:
        from tests.fake_upstream import REPLY

        scripted = self.fake.replies.get(model)
        if scripted is None:
            script = _Script([], list(REPLY), 0.0)
        else:
            thinking = _pieces(scripted.reasoning, scripted.piece)
            script = _Script(thinking, _pieces(scripted.text, scripted.piece), scripted.delay)
        if len(script.text) > max_tokens:
            script.text, script.stop_reason = script.text[:max_tokens], "max_tokens"
        return script

    async def _stream(
        self, request: web.Request, body: dict[str, Any], script: _Script, message_id: str, seen: Seen
    ) -> web.StreamResponse:
        model = body["model"]
        response = web.StreamResponse(
            headers={"Content-Type": "text/event-stream; charset=utf-8", "Cache-Control": "no-cache"}
        )
        await response.prepare(request)
        if model == "slow-first-byte":
            await asyncio.sleep(self.fake.slow_seconds)
        start = _message(message_id, model, _Script([], [], 0.0), _request_words(body))
        start.update(stop_reason=None, usage={**start["usage"], "output_tokens": 1})
        await response.write(_event("message_start", {"type": "message_start", "message": start}))
        index = 0
        if script.thinking:
            await self._thinking(response, script)
            index = 1
        block = {"type": "content_block_start", "index": index, "content_block": {"type": "text", "text": ""}}
        await response.write(_event("content_block_start", block))
        await response.write(_event("ping", {"type": "ping"}))
        for i, piece in enumerate(script.text):
            if script.delay:
                await asyncio.sleep(script.delay)
            delta = {"type": "content_block_delta", "index": index, "delta": {"type": "text_delta", "text": piece}}
            await response.write(_event("content_block_delta", delta))
            if i == 1 and model in ("drop-mid-stream", "error-mid-stream"):
                return await self._break(request, response, model)
        await response.write(_event("content_block_stop", {"type": "content_block_stop", "index": index}))
        stop = {"stop_reason": script.stop_reason, "stop_sequence": None}
        usage = {"output_tokens": len(script.text)}
        await response.write(_event("message_delta", {"type": "message_delta", "delta": stop, "usage": usage}))
        await response.write(_event("message_stop", {"type": "message_stop"}))
        await response.write_eof()
        seen.finished = True
        return response

    async def _thinking(self, response: web.StreamResponse, script: _Script) -> None:
        start = {"type": "thinking", "thinking": "", "signature": ""}
        await response.write(
            _event("content_block_start", {"type": "content_block_start", "index": 0, "content_block": start})
        )
        for piece in script.thinking:
            if script.delay:
                await asyncio.sleep(script.delay)
            delta = {"type": "content_block_delta", "index": 0, "delta": {"type": "thinking_delta", "thinking": piece}}
            await response.write(_event("content_block_delta", delta))
        signature = {
            "type": "content_block_delta",
            "index": 0,
            "delta": {"type": "signature_delta", "signature": SIGNATURE},
        }
        await response.write(_event("content_block_delta", signature))
        await response.write(_event("content_block_stop", {"type": "content_block_stop", "index": 0}))

    async def _break(self, request: web.Request, response: web.StreamResponse, model: str) -> web.StreamResponse:
        if model == "drop-mid-stream":
            assert request.transport is not None
            request.transport.abort()
            return response
        error = {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}
        await response.write(_event("error", error))
        await response.write_eof()
        return response


def _message(message_id: str, model: str, script: _Script, input_tokens: int) -> dict[str, Any]:
    content: list[dict[str, Any]] = []
    if script.thinking:
        content.append({"type": "thinking", "thinking": "".join(script.thinking), "signature": SIGNATURE})
    if script.text:
        content.append({"type": "text", "text": "".join(script.text)})
    return {
        "id": message_id,
        "type": "message",
        "role": "assistant",
        "model": model,
        "content": content,
        "stop_reason": script.stop_reason,
        "stop_sequence": None,
        "usage": {
            "input_tokens": input_tokens,
            "cache_creation_input_tokens": 0,
            "cache_read_input_tokens": 0,
            "output_tokens": len(script.text),
        },
    }
