"""Everything a request handler needs, built once from Settings."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from starlette.types import Scope

from chatnext.asgi import header
from chatnext.auth import AccessControl, Caller, bearer_token
from chatnext.catalog import ModelCatalog
from chatnext.clientip import client_ip
from chatnext.config import Settings
from chatnext.errors import HTTPError
from chatnext.meter import Meter
from chatnext.models import ModelTable
from chatnext.policy import load_policy
from chatnext.pricing import Pricing, load_pricing
from chatnext.providers.registry import Provider, build_providers
from chatnext.relay import Relay
from chatnext.sessions import COOKIE, Sessions, server_secret
from chatnext.store import Store, open_store
from chatnext.throttle import Throttle
from chatnext.upstream import Target, UpstreamClient


@dataclass
class Services:
    settings: Settings
    access: AccessControl
    store: Store
    sessions: Sessions
    providers: dict[str, Provider]
    catalog: ModelCatalog
    client: UpstreamClient
    relay: Relay
    pricing: Pricing
    meter: Meter

    @classmethod
    def build(cls, settings: Settings) -> Services:
        client = UpstreamClient(settings)
        relay = Relay(client)
        providers = build_providers(settings)
        policy = load_policy(settings.access_policy_file) if settings.access_policy_file else ()
        secret = server_secret(settings)
        store = open_store(settings)
        pricing = load_pricing(settings.pricing_file or None)
        return cls(
            settings=settings,
            access=AccessControl(settings, Throttle(store), secret, policy),
            store=store,
            sessions=Sessions(store, secret),
            providers=providers,
            catalog=ModelCatalog(settings, providers, relay),
            client=client,
            relay=relay,
            pricing=pricing,
            meter=Meter(store, pricing),
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

    async def authorize(self, scope: Scope, token: str | None = None) -> Caller:
        """Who the request is (bearer code, own key, or session cookie); raises 401/429."""
        if token is None:
            token = bearer_token(header(scope, b"authorization"))
        session = None
        if not token:
            cookie = cookie_value(header(scope, b"cookie"), COOKIE)
            if cookie:
                session = await self.sessions.code_of(cookie) or ""
        return await self.access.authorize(token, self.client_ip(scope), session)


def json_object(body: bytes) -> dict[str, Any]:
    try:
        payload = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise HTTPError(400, "invalid_json", "the request body is not valid JSON") from None
    if not isinstance(payload, dict):
        raise HTTPError(400, "invalid_json", "the request body must be a JSON object")
    return payload


def cookie_value(cookie_header: str | None, name: str) -> str:
    for part in (cookie_header or "").split(";"):
        key, _, value = part.strip().partition("=")
        if key == name:
            return value.strip()
    return ""
