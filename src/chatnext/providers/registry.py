"""The providers this server can reach, built once from Settings.

A provider is a row of the table (or a CUSTOM_PROVIDERS entry) bound to a
Target: its normalised URL, its key pool and how a key is presented.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from chatnext.config import Settings
from chatnext.keys import KeyPool
from chatnext.providers.table import BY_ID, TABLE_PROVIDERS, ProviderSpec, custom_spec
from chatnext.upstream import Target, proxy_for


@dataclass(frozen=True)
class Provider:
    spec: ProviderSpec
    target: Target
    # Has a server key or an explicit URL: its models are offered and its
    # live model list is read. Unconfigured rows still answer `@provider`
    # requests, with a clear "no API key" error.
    configured: bool

    @property
    def id(self) -> str:
        return self.spec.id

    @property
    def label(self) -> str:
        return self.spec.label

    @property
    def protocol(self) -> str:
        return self.spec.protocol


def base_for(spec: ProviderSpec, url: str) -> str:
    """`url` without a tail that the chat path adds again.

    Guides give these URLs in every spelling (`https://api.deepseek.com/v1`,
    `https://ark.cn-beijing.volces.com/api/v3`); NextChat's own default for
    Alibaba ends in `/api`, its native protocol. All of them reach the same
    chat endpoint here.
    """
    url = url.rstrip("/")
    segments = spec.chat_path.split("/")[:-1]
    for n in range(len(segments), 0, -1):
        tail = "/" + "/".join(segments[:n])
        if "{" not in tail and url.endswith(tail):
            return url[: -len(tail)]
    if spec.id == "alibaba" and url.endswith("/api"):
        return url[: -len("/api")]
    return url


# Cloudflare AI Gateway's OpenAI address, which NextChat users put in BASE_URL.
_GATEWAY_PATH = re.compile(r"/v1/[^/]+/[^/]+/openai")


def versioned(url: str) -> bool:
    """Whether a BASE_URL already includes the API version, as AI Gateway's does."""
    return bool(_GATEWAY_PATH.fullmatch(urlsplit(url).path))


def _target(spec: ProviderSpec, url: str, keys: tuple[str, ...], settings: Settings, **extra: object) -> Target:
    base = base_for(spec, url)
    return Target(
        spec.id,
        base,
        KeyPool(keys),
        auth_header=spec.auth_header,
        auth_prefix=spec.auth_prefix,
        proxy=proxy_for(base, settings),
        **extra,  # type: ignore[arg-type]
    )


def build_providers(settings: Settings) -> dict[str, Provider]:
    s = settings
    providers: dict[str, Provider] = {}
    openai = BY_ID["openai"]
    org = (("OpenAI-Organization", s.openai_org_id),) if s.openai_org_id else ()
    # The OpenAI row is always offered: users may bring their own key.
    target = _target(openai, s.base_url, s.openai_api_key, s, extra_headers=org, versioned_base=versioned(s.base_url))
    providers["openai"] = Provider(openai, target, configured=True)
    if s.azure_url:
        azure = BY_ID["azure"]
        target = Target(
            "azure",
            s.azure_url,
            KeyPool(s.azure_api_key),
            auth_header=azure.auth_header,
            auth_prefix=azure.auth_prefix,
            proxy=proxy_for(s.azure_url, s),
            default_query={"api-version": s.azure_api_version},
        )
        providers["azure"] = Provider(azure, target, configured=True)
    for spec in TABLE_PROVIDERS:
        keys: tuple[str, ...] = getattr(s, f"{spec.id}_api_key")
        url: str = getattr(s, f"{spec.id}_url")
        extra: dict[str, object] = {}
        if spec.id == "anthropic":
            extra["extra_headers"] = (("anthropic-version", s.anthropic_api_version),)
        providers[spec.id] = Provider(spec, _target(spec, url, keys, s, **extra), configured=bool(keys))
    for name, url in s.custom_providers:
        spec = custom_spec(name, url)
        keys = s.custom_provider_keys.get(name, ())
        providers[name] = Provider(spec, _target(spec, url, keys, s, keyless=not keys), configured=True)
    return providers
