"""/api/openai/{path}: NextChat's OpenAI relay, reachable by the OpenAI SDK.

Only NextChat's allow-list of paths passes. Chat completions go to the
provider the model belongs to (CUSTOM_MODELS `name@provider`, the built-in
table, the live model lists), translated when it is not OpenAI-compatible.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.types import Receive, Scope, Send

from chatnext.asgi import until_disconnect
from chatnext.auth import Caller
from chatnext.errors import HTTPError
from chatnext.providers.dispatch import ChatPlan, plan_chat
from chatnext.relay import Outcome, UpstreamRequest, openai_usage
from chatnext.routes.relayed import RelayRoute, query, refuse_model, with_model
from chatnext.services import json_object

CHAT = "v1/chat/completions"
MODELS = "v1/models"
ALLOWED: dict[str, frozenset[str]] = {
    CHAT: frozenset({"POST"}),
    MODELS: frozenset({"GET"}),
    "v1/images/generations": frozenset({"POST"}),
    "v1/audio/speech": frozenset({"POST"}),
    "dashboard/billing/usage": frozenset({"GET"}),
    "dashboard/billing/subscription": frozenset({"GET"}),
}


class OpenAIRoute(RelayRoute):
    async def forward(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope["path_params"]["path"]
        methods = ALLOWED.get(path)
        if methods is None:
            raise HTTPError(403, "forbidden_path", f"you are not allowed to request {path}")
        if scope["method"] not in methods:
            raise HTTPError(405, "method_not_allowed", f"{path} does not accept {scope['method']}")
        services = self.services
        caller = await services.authorize(scope)
        user_key = caller.user_key
        body = await self.body(scope, receive)
        if path == CHAT:
            await self._chat(scope, receive, send, json_object(body or b""), body or b"", caller)
            return
        target = services.providers["openai"].target
        if body is not None:
            payload = json_object(body)
            model = payload.get("model")
            if isinstance(model, str):
                resolved = services.models.resolve(model)
                if resolved is None:
                    raise refuse_model(model)
                body = with_model(payload, body, resolved.name)
        req = UpstreamRequest(target, scope["method"], path, body, query(scope), user_key)
        if path == MODELS and (services.models.custom or services.models.disable_gpt4):
            await until_disconnect(self._filtered_models(req, send), receive)
        else:
            await self.stream(req, receive, send)

    async def _chat(
        self, scope: Scope, receive: Receive, send: Send, payload: dict[str, Any], body: bytes, caller: Caller
    ) -> None:
        services = self.services
        model = payload.get("model")
        if not (isinstance(model, str) and model):
            raise HTTPError(400, "missing_model", "the request names no model")
        resolved = services.models.resolve(model)
        if resolved is None:
            raise refuse_model(model)
        provider = services.providers.get(resolved.provider)
        if provider is None:
            raise HTTPError(
                503,
                "provider_not_configured",
                f"{model} belongs to {resolved.provider}, which this server has no URL for",
            )
        ticket = await services.meter.admit(caller, resolved.key, payload)

        async def run(outcome: Outcome) -> None:
            plan = plan_chat(provider, resolved, payload, body, caller.user_key)
            if plan.translator is None:
                await self.stream(plan.request, receive, send, outcome=outcome)
            elif plan.stream:
                assert plan.error is not None
                relayed = services.relay.stream_translated(plan.request, send, plan.translator(), plan.error, outcome)
                await until_disconnect(relayed, receive)
            else:
                await until_disconnect(self._translated_reply(plan, send, outcome), receive)

        await self.metered(ticket, bool(payload.get("stream")), run)

    async def _translated_reply(self, plan: ChatPlan, send: Send, outcome: Outcome) -> None:
        assert plan.response is not None and plan.error is not None
        reply = await self.services.relay.fetch(plan.request)
        body = plan.response(reply.body) if reply.status < 400 else plan.error(reply.status, reply.body)
        headers = [(k, v) for k, v in reply.headers if k not in (b"content-type", b"content-encoding")]
        headers += [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
        # The translated answer is OpenAI's chat.completion: its usage reads like a pass-through one's.
        outcome.usage = openai_usage(b"", body) if reply.status < 400 else None
        outcome.size = len(body)
        await send({"type": "http.response.start", "status": reply.status, "headers": headers})
        outcome.status = reply.status
        outcome.end()
        await send({"type": "http.response.body", "body": body})

    async def _filtered_models(self, req: UpstreamRequest, send: Send) -> None:
        """The upstream's model list without the models this server refuses."""
        reply = await self.services.relay.fetch(req)
        body = reply.body
        if reply.status == 200:
            try:
                listing = json.loads(body)
                listing["data"] = [
                    m for m in listing["data"] if self.services.models.resolve(str(m.get("id", ""))) is not None
                ]
                body = json.dumps(listing).encode()
            except (ValueError, KeyError, TypeError, AttributeError):
                raise HTTPError(502, "upstream_bad_reply", "the upstream's model list is not valid JSON") from None
        headers = [(k, v) for k, v in reply.headers if k != b"content-type"]
        headers += [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
        await send({"type": "http.response.start", "status": reply.status, "headers": headers})
        await send({"type": "http.response.body", "body": body})
