"""/api/azure/deployments/{deployment}/{path}: NextChat's Azure relay.

The deployment comes from the URL, so it is checked twice: its spelling
(it becomes part of the upstream path) and, when CUSTOM_MODELS names Azure
deployments, that it is one of them.
"""

from __future__ import annotations

import re

from starlette.types import Receive, Scope, Send

from chatnext.asgi import header
from chatnext.auth import bearer_token
from chatnext.errors import HTTPError
from chatnext.models import AZURE, is_gpt4_class
from chatnext.relay import Outcome, UpstreamRequest
from chatnext.routes.relayed import RelayRoute, query, refuse_model
from chatnext.services import json_object

ALLOWED = frozenset({"chat/completions", "images/generations"})
_DEPLOYMENT = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,127}")
_API_VERSION = re.compile(r"[A-Za-z0-9._-]{1,40}")


class AzureRoute(RelayRoute):
    async def forward(self, scope: Scope, receive: Receive, send: Send) -> None:
        deployment = scope["path_params"]["deployment"]
        path = scope["path_params"]["path"]
        if path not in ALLOWED:
            raise HTTPError(403, "forbidden_path", f"you are not allowed to request {path}")
        if scope["method"] != "POST":
            raise HTTPError(405, "method_not_allowed", f"{path} does not accept {scope['method']}")
        services = self.services
        target = services.targets.get(AZURE)
        if target is None:
            raise HTTPError(503, "azure_not_configured", "AZURE_URL is not set on this server")
        if not _DEPLOYMENT.fullmatch(deployment):
            raise HTTPError(400, "invalid_deployment", "the deployment name has characters Azure does not allow")
        token = bearer_token(header(scope, b"authorization")) or (header(scope, b"api-key") or "").strip()
        caller = await services.authorize(scope, token)
        user_key = caller.user_key
        body = await self.body(scope, receive) or b""
        payload = json_object(body)
        model = services.models.azure_deployment(deployment)
        if model is not None and not services.models.allowed(model):
            raise refuse_model(deployment)
        if model is None and services.models.has_provider(AZURE):
            raise HTTPError(403, "deployment_not_allowed", f"{deployment} is not an Azure deployment of this server")
        requested = payload.get("model")
        if services.models.disable_gpt4 and any(
            is_gpt4_class(name) for name in (deployment, requested) if isinstance(name, str)
        ):
            raise refuse_model(deployment)
        version = query(scope).get("api-version", "")
        params = {"api-version": version} if _API_VERSION.fullmatch(version) else None
        req = UpstreamRequest(target, "POST", f"deployments/{deployment}/{path}", body, params, user_key)
        if path != "chat/completions":
            await self.stream(req, receive, send)
            return
        # Metered as the model the deployment serves, when CUSTOM_MODELS says.
        # The body goes as it came: the client picked the api-version, and
        # older ones refuse stream_options, so answers without usage are estimated.
        ticket = await services.meter.admit(caller, f"{model.name if model else deployment}@{AZURE}", payload)

        async def run(outcome: Outcome) -> None:
            await self.stream(req, receive, send, outcome=outcome)

        await self.metered(ticket, bool(payload.get("stream")), run)
