"""Environment variables (NextChat's names) -> one frozen Settings object.

Every variable is declared once in VARIABLES: its parser, default, whether it
is a secret, and what it means. Start-up, `chatnext config` and the
configuration docs all read that one table.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from chatnext import envfile
from chatnext.providers.table import TABLE_PROVIDERS
from chatnext.values import (
    Network,
    as_base_url,
    as_bool,
    as_byte_count,
    as_custom_providers,
    as_list,
    as_networks,
    as_port,
    as_proxy_url,
    as_seconds,
    as_store_url,
    as_text,
    as_url,
)


class ConfigError(ValueError):
    """A variable has a value chatnext cannot use; the message names it."""


@dataclass(frozen=True)
class Variable:
    name: str
    parse: Callable[[str], Any]
    default: str
    meaning: str
    secret: bool = False
    nextchat: str = "same"

    @property
    def attr(self) -> str:
        return self.name.lower()


VARIABLES: tuple[Variable, ...] = (
    Variable(
        "OPENAI_API_KEY",
        as_list,
        "",
        "OpenAI API keys, comma-separated; a key that answers 401/429/quota is cooled down and the next one tried",
        secret=True,
        nextchat="same, plus cool-down",
    ),
    Variable(
        "BASE_URL", as_base_url, "https://api.openai.com", "OpenAI upstream; https:// is added when no scheme is given"
    ),
    Variable("OPENAI_ORG_ID", as_text, "", "sent as OpenAI-Organization"),
    Variable("CODE", as_list, "", "access codes, comma-separated; empty leaves the server open", secret=True),
    Variable("HIDE_USER_API_KEY", as_bool, "", "any value: users may not use their own API key"),
    Variable(
        "DISABLE_GPT4", as_bool, "", "any value: hide and refuse gpt-4*, chatgpt-4o*, o1*, o3* (gpt-4o-mini stays)"
    ),
    Variable("ENABLE_BALANCE_QUERY", as_bool, "", "any value: show the upstream balance in settings"),
    Variable("DISABLE_FAST_LINK", as_bool, "", "any value: ignore ?code= and ?settings= in page URLs"),
    Variable("CUSTOM_MODELS", as_text, "", "model list edits: +name, -name, -all, +all, name=Display, name@provider"),
    Variable("DEFAULT_MODEL", as_text, "", "model (or model@provider) for new chats"),
    Variable("VISION_MODELS", as_list, "", "extra model names treated as image-capable"),
    Variable("AZURE_URL", as_url, "", "Azure endpoint, https://{resource}.openai.azure.com/openai"),
    Variable("AZURE_API_KEY", as_list, "", "Azure keys, comma-separated, sent as api-key", secret=True),
    Variable("AZURE_API_VERSION", as_text, "2024-10-21", "api-version used when a request names none"),
    *(
        var
        for spec in TABLE_PROVIDERS
        for var in (
            Variable(
                f"{spec.prefix}_API_KEY",
                as_list,
                "",
                f"{spec.label} API keys, comma-separated; setting one shows {spec.label}'s models",
                secret=True,
            ),
            Variable(f"{spec.prefix}_URL", as_url, spec.default_url, f"{spec.label} upstream"),
        )
    ),
    Variable("ANTHROPIC_API_VERSION", as_text, "2023-06-01", "sent as anthropic-version"),
    Variable(
        "CUSTOM_PROVIDERS",
        as_custom_providers,
        "",
        "extra OpenAI-compatible upstreams (Ollama, vLLM, one-api): name=url, comma-separated; keys in {NAME}_API_KEY",
        nextchat="chatnext only",
    ),
    Variable(
        "DISABLE_MODEL_FETCH",
        as_bool,
        "",
        "any value: do not add models from each upstream's live model list",
        nextchat="chatnext only",
    ),
    Variable(
        "UPDATE_CHECK_URL",
        as_url,
        "https://api.github.com/repos/chatnext/chatnext/releases/latest",
        "where the latest release is read (a GitHub release JSON)",
        nextchat="chatnext only",
    ),
    Variable(
        "DISABLE_UPDATE_CHECK", as_bool, "", "any value: never check for a newer release", nextchat="chatnext only"
    ),
    Variable(
        "UPDATE_CHECK_INTERVAL",
        as_seconds,
        "21600",
        "seconds between release checks (the result is cached)",
        nextchat="chatnext only",
    ),
    Variable(
        "PORT",
        as_port,
        "3000",
        "port `chatnext serve` listens on unless --port says otherwise (PaaS platforms set it)",
        nextchat="NextChat's image listens on 3000; a platform's PORT is honoured here",
    ),
    Variable(
        "ACCESS_POLICY_FILE",
        as_text,
        "",
        "TOML file of named access codes (salted hashes) with models, rate and budget limits, expiry",
        nextchat="chatnext only",
    ),
    Variable(
        "ADMIN_CODE",
        as_text,
        "",
        "opens /admin (usage, lockouts, keys in cool-down); empty leaves it closed",
        secret=True,
        nextchat="chatnext only",
    ),
    Variable(
        "SESSION_SECRET",
        as_text,
        "",
        "signs session cookies; generated and kept in DATA_DIR when empty",
        secret=True,
        nextchat="chatnext only",
    ),
    Variable(
        "DATA_DIR",
        as_text,
        "data",
        "where chatnext keeps its SQLite store and generated secret (relative to the working directory)",
        nextchat="chatnext only",
    ),
    Variable(
        "STORE_URL",
        as_store_url,
        "",
        "sqlite:///path/file.db (default: DATA_DIR/chatnext.db) or redis://host:6379/0 to share state between instances",
        secret=True,
        nextchat="chatnext only",
    ),
    Variable(
        "METRICS_TOKEN",
        as_text,
        "",
        "serves Prometheus /metrics to requests bearing this token; empty turns /metrics off",
        secret=True,
        nextchat="chatnext only",
    ),
    Variable(
        "CORS_ORIGINS",
        as_list,
        "",
        "origins allowed to call the API from other sites (exact, e.g. https://app.example.com); * allows any, without cookies",
        nextchat="NextChat sends * with credentials everywhere; closed by default here",
    ),
    Variable(
        "PROXY_URL",
        as_proxy_url,
        "",
        "outbound proxy for every upstream call (http, https, socks5)",
        secret=True,
        nextchat="Docker-only in NextChat; everywhere here",
    ),
    Variable(
        "HTTPS_PROXY",
        as_proxy_url,
        "",
        "proxy for https upstreams when PROXY_URL is empty",
        secret=True,
        nextchat="documented but ignored by NextChat; honoured here",
    ),
    Variable(
        "HTTP_PROXY",
        as_proxy_url,
        "",
        "proxy for http upstreams when PROXY_URL is empty",
        secret=True,
        nextchat="documented but ignored by NextChat; honoured here",
    ),
    Variable(
        "NO_PROXY",
        as_list,
        "",
        "hosts reached without HTTP_PROXY/HTTPS_PROXY",
        nextchat="documented but ignored by NextChat; honoured here",
    ),
    Variable("WHITE_WEBDAV_ENDPOINTS", as_list, "", "extra allowed WebDAV endpoints"),
    Variable("DEFAULT_INPUT_TEMPLATE", as_text, "{{input}}", "initial input template"),
    Variable(
        "TRUSTED_PROXIES",
        as_networks,
        "",
        "proxy addresses/networks whose X-Forwarded-For is believed",
        nextchat="chatnext only",
    ),
    Variable(
        "UPSTREAM_TIMEOUT",
        as_seconds,
        "600",
        "seconds to wait for the upstream's first byte, and between bytes",
        nextchat="chatnext only",
    ),
    Variable(
        "PRICING_FILE",
        as_text,
        "",
        "JSON file of model prices per 1M tokens, merged over the built-in table",
        nextchat="chatnext only",
    ),
    Variable(
        "MAX_BODY_BYTES",
        as_byte_count,
        "20000000",
        "largest request body accepted (images included); larger gets 413",
        nextchat="chatnext only",
    ),
)


@dataclass(frozen=True)
class Settings:
    openai_api_key: tuple[str, ...] = ()
    base_url: str = "https://api.openai.com"
    openai_org_id: str = ""
    code: tuple[str, ...] = ()
    hide_user_api_key: bool = False
    disable_gpt4: bool = False
    enable_balance_query: bool = False
    disable_fast_link: bool = False
    custom_models: str = ""
    default_model: str = ""
    vision_models: tuple[str, ...] = ()
    azure_url: str = ""
    azure_api_key: tuple[str, ...] = ()
    azure_api_version: str = "2024-10-21"
    anthropic_api_key: tuple[str, ...] = ()
    anthropic_url: str = "https://api.anthropic.com"
    anthropic_api_version: str = "2023-06-01"
    google_api_key: tuple[str, ...] = ()
    google_url: str = "https://generativelanguage.googleapis.com"
    deepseek_api_key: tuple[str, ...] = ()
    deepseek_url: str = "https://api.deepseek.com"
    moonshot_api_key: tuple[str, ...] = ()
    moonshot_url: str = "https://api.moonshot.cn"
    alibaba_api_key: tuple[str, ...] = ()
    alibaba_url: str = "https://dashscope.aliyuncs.com"
    bytedance_api_key: tuple[str, ...] = ()
    bytedance_url: str = "https://ark.cn-beijing.volces.com"
    chatglm_api_key: tuple[str, ...] = ()
    chatglm_url: str = "https://open.bigmodel.cn"
    siliconflow_api_key: tuple[str, ...] = ()
    siliconflow_url: str = "https://api.siliconflow.cn"
    xai_api_key: tuple[str, ...] = ()
    xai_url: str = "https://api.x.ai"
    custom_providers: tuple[tuple[str, str], ...] = ()
    # {NAME}_API_KEY of each custom provider, read beside the table's variables.
    custom_provider_keys: dict[str, tuple[str, ...]] = field(default_factory=dict)
    disable_model_fetch: bool = False
    update_check_url: str = "https://api.github.com/repos/chatnext/chatnext/releases/latest"
    disable_update_check: bool = False
    update_check_interval: float = 21600.0
    port: int = 3000
    access_policy_file: str = ""
    admin_code: str = ""
    session_secret: str = ""
    data_dir: str = "data"
    store_url: str = ""
    metrics_token: str = ""
    cors_origins: tuple[str, ...] = ()
    proxy_url: str = ""
    https_proxy: str = ""
    http_proxy: str = ""
    no_proxy: tuple[str, ...] = ()
    white_webdav_endpoints: tuple[str, ...] = ()
    default_input_template: str = "{{input}}"
    trusted_proxies: tuple[Network, ...] = field(default=())
    upstream_timeout: float = 600.0
    pricing_file: str = ""
    max_body_bytes: int = 20_000_000


def load_settings(environ: Mapping[str, str] | None = None, env_file: Path | None = None) -> Settings:
    """Settings from `environ` (default os.environ) over the `.env` file.

    The process environment wins over the file, as docker compose does it.
    Proxy variables are also read in lower case, the curl convention.
    """
    source = dict(envfile.load(env_file if env_file is not None else Path(".env")))
    source.update(os.environ if environ is None else environ)
    values: dict[str, Any] = {}
    for var in VARIABLES:
        raw = source.get(var.name)
        if raw is None and var.name.endswith("_PROXY"):
            raw = source.get(var.name.lower())
        raw = var.default if raw is None or raw.strip() == "" else raw
        try:
            values[var.attr] = var.parse(raw)
        except ValueError as exc:
            shown = "<hidden>" if var.secret else repr(raw)
            raise ConfigError(f"{var.name}={shown} {exc}") from None
    values["custom_provider_keys"] = {
        name: as_list(source.get(f"{name.upper()}_API_KEY", "")) for name, _ in values["custom_providers"]
    }
    return Settings(**values)


def mask_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.password is None and parts.username is None:
        return url
    host = parts.hostname or ""
    netloc = f"***@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))


def describe(settings: Settings) -> list[tuple[str, str]]:
    """(name, shown value) per variable; secrets never appear."""
    rows = []
    for var in VARIABLES:
        value = getattr(settings, var.attr)
        if var.secret and value:
            shown = f"<{len(value)} set, hidden>" if isinstance(value, tuple) else mask_url(value)
        elif var.name == "CUSTOM_PROVIDERS":
            shown = ",".join(f"{name}={mask_url(url)}" for name, url in value)
        elif isinstance(value, tuple):
            shown = ",".join(str(v) for v in value)
        elif isinstance(value, bool):
            shown = "on" if value else "off"
        else:
            shown = str(value)
        rows.append((var.name, shown))
    for name, keys in settings.custom_provider_keys.items():
        rows.append((f"{name.upper()}_API_KEY", f"<{len(keys)} set, hidden>" if keys else ""))
    return rows
