"""/api/anthropic/... and /api/google/...: NextChat's native relays.

Clients that speak Anthropic's or Gemini's own protocol (NextChat itself,
scripts using those SDKs) reach the configured upstream unchanged. The key
may come the way each SDK sends it (`x-api-key`, `x-goog-api-key`, a bearer
token, Gemini's `?key=`); it is an access code when it starts with `nk-`,
and it never travels upstream in a URL.
"""

from __future__ import annotations

import re

from starlette.types import Receive, Scope, Send

from chatnext.asgi import header
from chatnext.auth import bearer_token
from chatnext.errors import HTTPError
from chatnext.providers import anthropic, google
from chatnext.relay import Outcome, UpstreamRequest
from chatnext.routes.relayed import RelayRoute, query, refuse_model
from chatnext.services import json_object

_GEMINI_CALL = re.compile(r"(v1beta|v1)/models/([A-Za-z0-9._-]{1,128}):(generateContent|streamGenerateContent)")
_GEMINI_LIST = re.compile(r"(v1beta|v1)/models")

# Token counts in each protocol's own words, read once from an answer's
# first chunk and its last two (see relay.UsageReader). JSON escapes quotes
# inside the answer's text, so the text cannot pass for a count.
_ANTHROPIC_INPUT = re.compile(rb'"(?:input_tokens|cache_creation_input_tokens|cache_read_input_tokens)"\s*:\s*(\d+)')
_ANTHROPIC_OUTPUT = re.compile(rb'"output_tokens"\s*:\s*(\d+)')
_GEMINI_PROMPT = re.compile(rb'"promptTokenCount"\s*:\s*(\d+)')
_GEMINI_OUTPUT = re.compile(rb'"(?:candidatesTokenCount|thoughtsTokenCount)"\s*:\s*(\d+)')
_USAGE_SPAN = 1024


def anthropic_usage(first: bytes, tail: bytes) -> tuple[int, int] | None:
    """Anthropic's counts, from the last usage in the tail.

    A whole message has them all. A stream's message_delta has running totals,
    with the input counts only in newer API versions; else they come from
    message_start, in the first chunk.
    """
    at = tail.rfind(b'"usage"')
    if at < 0:
        return None
    span = tail[at : at + _USAGE_SPAN]
    output = _ANTHROPIC_OUTPUT.search(span)
    if output is None:
        return None
    inputs = _ANTHROPIC_INPUT.findall(span)
    if not inputs:
        start = first.find(b'"usage"')
        inputs = _ANTHROPIC_INPUT.findall(first[start : start + _USAGE_SPAN]) if start >= 0 else []
    if not inputs:
        return None
    return sum(int(n) for n in inputs), int(output[1])


def google_usage(first: bytes, tail: bytes) -> tuple[int, int] | None:
    """Gemini's counts: the last usageMetadata, whose figures are running totals; thoughts count as output."""
    at = tail.rfind(b'"usageMetadata"')
    if at < 0:
        return None
    span = tail[at : at + _USAGE_SPAN]
    prompt = _GEMINI_PROMPT.search(span)
    if prompt is None:
        return None
    return int(prompt[1]), sum(int(n) for n in _GEMINI_OUTPUT.findall(span))


def _token(scope: Scope, *headers: bytes) -> str:
    token = bearer_token(header(scope, b"authorization"))
    for name in headers:
        token = token or (header(scope, name) or "").strip()
    return token


class AnthropicRoute(RelayRoute):
    async def forward(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope["path_params"]["path"]
        allowed = {"v1/messages": "POST", "v1/models": "GET"}
        if path not in allowed:
            raise HTTPError(403, "forbidden_path", f"you are not allowed to request {path}")
        if scope["method"] != allowed[path]:
            raise HTTPError(405, "method_not_allowed", f"{path} does not accept {scope['method']}")
        services = self.services
        caller = await services.authorize(scope, _token(scope, b"x-api-key"))
        body = await self.body(scope, receive)
        target = services.providers["anthropic"].target
        req = UpstreamRequest(
            target, scope["method"], path, body, None, caller.user_key, refusal=anthropic.refusal, usage=anthropic_usage
        )
        if body is None:
            await self.stream(req, receive, send, done_marker=b"message_stop")
            return
        payload = json_object(body)
        model = payload.get("model")
        resolved = services.models.resolve(f"{model}@anthropic") if isinstance(model, str) else None
        if resolved is None:
            raise refuse_model(str(model))
        # The meter reads Anthropic's body as it is: its estimate knows the three formats.
        ticket = await services.meter.admit(caller, resolved.key, payload)

        async def run(outcome: Outcome) -> None:
            await self.stream(req, receive, send, done_marker=b"message_stop", outcome=outcome)

        await self.metered(ticket, bool(payload.get("stream")), run)


class GoogleRoute(RelayRoute):
    async def forward(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope["path_params"]["path"]
        call = _GEMINI_CALL.fullmatch(path)
        if call is None and not _GEMINI_LIST.fullmatch(path):
            raise HTTPError(403, "forbidden_path", f"you are not allowed to request {path}")
        if scope["method"] != ("POST" if call else "GET"):
            raise HTTPError(405, "method_not_allowed", f"{path} does not accept {scope['method']}")
        services = self.services
        params = query(scope)
        token = _token(scope, b"x-goog-api-key") or params.pop("key", "").strip()
        caller = await services.authorize(scope, token)
        params.pop("key", None)
        resolved = services.models.resolve(f"{call.group(2)}@google") if call is not None else None
        if call is not None and resolved is None:
            raise refuse_model(call.group(2))
        body = await self.body(scope, receive)
        payload = json_object(body) if body is not None else None
        target = services.providers["google"].target
        req = UpstreamRequest(
            target,
            scope["method"],
            path,
            body,
            params or None,
            caller.user_key,
            refusal=google.refusal,
            usage=google_usage,
        )
        if resolved is None or payload is None:
            # Gemini's streams carry no end marker: the last event just has a finishReason.
            await self.stream(req, receive, send, done_marker=None)
            return
        streaming = call is not None and call.group(3) == "streamGenerateContent"
        ticket = await services.meter.admit(caller, resolved.key, payload)

        async def run(outcome: Outcome) -> None:
            await self.stream(req, receive, send, done_marker=None, outcome=outcome)

        await self.metered(ticket, streaming, run)
