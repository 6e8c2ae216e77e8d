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
from chatnext.relay import UpstreamRequest
from chatnext.routes.relayed import RelayRoute, query, refuse_model
from chatnext.services import json_object

_GEMINI_CALL = re.compile(r"(v1beta|v1)/models/([A-Za-z0-9._-]{1,128}):(generateContent|streamGenerateContent)")
_GEMINI_LIST = re.compile(r"(v1beta|v1)/models")


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
        user_key = services.authorize(scope, _token(scope, b"x-api-key"))
        body = await self.body(scope, receive)
        if body is not None:
            model = json_object(body).get("model")
            if not isinstance(model, str) or services.models.resolve(f"{model}@anthropic") is None:
                raise refuse_model(str(model))
        target = services.providers["anthropic"].target
        req = UpstreamRequest(target, scope["method"], path, body, None, user_key, refusal=anthropic.refusal)
        await self.stream(req, receive, send, done_marker=b"message_stop")


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
        user_key = services.authorize(scope, _token(scope, b"x-goog-api-key") or params.pop("key", "").strip())
        params.pop("key", None)
        if call is not None and services.models.resolve(f"{call.group(2)}@google") is None:
            raise refuse_model(call.group(2))
        body = await self.body(scope, receive)
        if body is not None:
            json_object(body)
        target = services.providers["google"].target
        req = UpstreamRequest(target, scope["method"], path, body, params or None, user_key, refusal=google.refusal)
        # Gemini's streams carry no end marker: the last event just has a finishReason.
        await self.stream(req, receive, send, done_marker=None)
