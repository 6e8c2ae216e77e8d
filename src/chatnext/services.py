"""Everything a request handler needs, built once from Settings."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from starlette.types import Scope

from chatnext.asgi import header
from chatnext.auth import AccessControl, bearer_token
from chatnext.catalog import ModelCatalog
from chatnext.clientip import client_ip
from chatnext.config import Settings
from chatnext.errors import HTTPError
from chatnext.models import ModelTable
from chatnext.providers.registry import Provider, build_providers
from chatnext.relay import Relay
from chatnext.upstream import Target, UpstreamClient


@dataclass
class Services:
    settings: Settings
    access: AccessControl
    providers: dict[str, Provider]
    catalog: ModelCatalog
    client: UpstreamClient
    relay: Relay

    @classmethod
    def build(cls, settings: Settings) -> Services:
        client = UpstreamClient(settings)
        relay = Relay(client)
        providers = build_providers(settings)
        return cls(
            settings=settings,
            access=AccessControl(settings),
            providers=providers,
            catalog=ModelCatalog(settings, providers, relay),
            client=client,
            relay=relay,
        )

    @property
    def models(self) -> ModelTable:
        """The model table as last refreshed (see catalog.current())."""
        return self.catalog.table

    @property
    def targets(self) -> dict[str, Target]:
        return {pid: p.target for pid, p in self.providers.items()}

    def client_ip(self, scope: Scope) -> str:
        peer = scope["client"][0] if scope.get("client") else "unknown"
        return client_ip(peer, header(scope, b"x-forwarded-for"), self.settings.trusted_proxies)

    def authorize(self, scope: Scope, token: str | None = None) -> str | None:
        """The user's own key, or None for the server's; raises 401/429."""
        if token is None:
            token = bearer_token(header(scope, b"authorization"))
        return self.access.authorize(token, self.client_ip(scope))


def json_object(body: bytes) -> dict[str, Any]:
    try:
        payload = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise HTTPError(400, "invalid_json", "the request body is not valid JSON") from None
    if not isinstance(payload, dict):
        raise HTTPError(400, "invalid_json", "the request body must be a JSON object")
    return payload
