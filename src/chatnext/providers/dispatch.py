"""One chat request in OpenAI's format -> what to send, and how to answer.

The browser speaks OpenAI chat completions only. For OpenAI-compatible
upstreams (and Azure) the body goes through untouched or nearly so; for
Anthropic and Gemini it is translated, and so is the answer.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from chatnext.models import Model
from chatnext.providers import anthropic, anthropic_stream, google, google_stream
from chatnext.providers.openai import shape_request
from chatnext.providers.registry import Provider
from chatnext.providers.sse import StreamTranslator
from chatnext.providers.table import ANTHROPIC_PROTOCOL, AZURE_PROTOCOL, GOOGLE_PROTOCOL
from chatnext.relay import UpstreamRequest


@dataclass(frozen=True)
class ChatPlan:
    request: UpstreamRequest
    stream: bool
    # None for OpenAI-compatible upstreams: their bytes pass through unread.
    translator: Callable[[], StreamTranslator] | None = None
    response: Callable[[bytes], bytes] | None = None
    error: Callable[[int, bytes], bytes] | None = None


def upstream_model(model: Model) -> str:
    # An Azure deployment is named by the display name (NextChat's rule).
    return model.label if model.provider == "azure" else model.name


def _asks_usage(payload: dict[str, Any]) -> bool:
    options = payload.get("stream_options")
    return isinstance(options, dict) and bool(options.get("include_usage"))


def _body(payload: dict[str, Any], body: bytes, model: str, want_usage: bool) -> bytes:
    shaped = shape_request(payload, model)
    # The usage chunk is how a pass-through stream gets metered without
    # parsing its events; the web page asks for it already, so most bodies
    # go out as they came.
    add_usage = want_usage and not _asks_usage(payload)
    if shaped is None and payload.get("model") == model and not add_usage:
        return body
    out = {**(shaped or payload), "model": model}
    if add_usage:
        options = payload.get("stream_options")
        out["stream_options"] = {**(options if isinstance(options, dict) else {}), "include_usage": True}
    return json.dumps(out).encode()


def plan_chat(provider: Provider, model: Model, payload: dict[str, Any], body: bytes, user_key: str | None) -> ChatPlan:
    name = upstream_model(model)
    stream = bool(payload.get("stream"))
    target = provider.target
    protocol = provider.protocol
    if protocol == ANTHROPIC_PROTOCOL:
        include_usage = bool((payload.get("stream_options") or {}).get("include_usage"))
        return ChatPlan(
            UpstreamRequest(
                target,
                "POST",
                provider.spec.chat_path,
                anthropic.request_body(payload, name),
                user_key=user_key,
                refusal=anthropic.refusal,
            ),
            stream,
            translator=lambda: anthropic_stream.StreamTranslator(name, include_usage),
            response=lambda raw: anthropic.response_body(raw, name),
            error=anthropic.error_body_for,
        )
    if protocol == GOOGLE_PROTOCOL:
        include_usage = bool((payload.get("stream_options") or {}).get("include_usage"))
        path, query = google.request_path(name, stream)
        return ChatPlan(
            UpstreamRequest(
                target, "POST", path, google.request_body(payload, name), query, user_key, refusal=google.refusal
            ),
            stream,
            translator=lambda: google_stream.StreamTranslator(name, include_usage),
            response=lambda raw: google.response_body(raw, name),
            error=google.error_body_for,
        )
    path = provider.spec.chat_path.replace("{model}", name)
    # Azure takes the deployment from the path; the body names the model.
    named = model.name if protocol == AZURE_PROTOCOL else name
    sent = _body(payload, body, named, stream and provider.spec.stream_usage)
    return ChatPlan(UpstreamRequest(target, "POST", path, sent, None, user_key), stream)
