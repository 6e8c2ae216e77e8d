"""providers/registry.py: targets come from configuration only."""

from __future__ import annotations

import pytest

from chatnext.config import ConfigError, load_settings
from chatnext.providers.registry import base_for, build_providers
from chatnext.providers.table import BY_ID
from tests.conftest import NO_ENV_FILE


def providers(**env: str):  # type: ignore[no-untyped-def]
    return build_providers(load_settings(env, env_file=NO_ENV_FILE))


def test_openai_and_azure_targets() -> None:
    found = providers(OPENAI_API_KEY="sk-1", AZURE_URL="https://r.openai.azure.com/openai")
    assert found["openai"].target.base_url == "https://api.openai.com"
    assert found["openai"].target.headers("sk-1")["Authorization"] == "Bearer sk-1"
    azure = found["azure"].target
    assert azure.headers("az")["api-key"] == "az" and "Authorization" not in azure.headers("az")
    assert azure.default_query == {"api-version": "2024-10-21"}
    assert "azure" not in providers()


def test_each_table_row_uses_its_nextchat_variables() -> None:
    found = providers(DEEPSEEK_API_KEY="ds-1, ds-2", MOONSHOT_URL="kimi.example.com")
    deepseek = found["deepseek"]
    assert deepseek.configured and deepseek.target.keys.keys == ("ds-1", "ds-2")
    assert deepseek.target.base_url == "https://api.deepseek.com"
    # A URL without a key names where to go, but offers no models of its own.
    assert found["moonshot"].target.base_url == "https://kimi.example.com"
    assert not found["moonshot"].configured


def test_anthropic_and_google_present_keys_their_own_way() -> None:
    found = providers(ANTHROPIC_API_KEY="ant-1", GOOGLE_API_KEY="g-1", ANTHROPIC_API_VERSION="2024-01-01")
    headers = found["anthropic"].target.headers("ant-1")
    assert headers["x-api-key"] == "ant-1" and headers["anthropic-version"] == "2024-01-01"
    assert "Authorization" not in headers
    assert found["google"].target.headers("g-1")["x-goog-api-key"] == "g-1"


@pytest.mark.parametrize(
    ("provider", "url", "base"),
    [
        ("deepseek", "https://api.deepseek.com/v1", "https://api.deepseek.com/v1"),
        ("moonshot", "https://api.moonshot.cn/v1", "https://api.moonshot.cn"),
        ("bytedance", "https://ark.cn-beijing.volces.com/api/v3/", "https://ark.cn-beijing.volces.com"),
        ("bytedance", "https://ark.cn-beijing.volces.com/api", "https://ark.cn-beijing.volces.com"),
        ("chatglm", "https://open.bigmodel.cn/api/paas/v4", "https://open.bigmodel.cn"),
        ("alibaba", "https://dashscope.aliyuncs.com/api/", "https://dashscope.aliyuncs.com"),
        ("alibaba", "https://dashscope.aliyuncs.com/compatible-mode/v1", "https://dashscope.aliyuncs.com"),
        ("siliconflow", "https://api.siliconflow.cn", "https://api.siliconflow.cn"),
    ],
)
def test_urls_in_any_spelling_reach_the_same_endpoint(provider: str, url: str, base: str) -> None:
    assert base_for(BY_ID[provider], url) == base


def test_custom_providers_take_keys_from_their_own_variable() -> None:
    found = providers(CUSTOM_PROVIDERS="ollama=127.0.0.1:11434/v1, oneapi=https://one.example.com", ONEAPI_API_KEY="k")
    assert found["ollama"].target.base_url == "https://127.0.0.1:11434"
    assert found["ollama"].configured and len(found["ollama"].target.keys) == 0
    assert found["oneapi"].target.headers("k")["Authorization"] == "Bearer k"
    assert found["oneapi"].spec.chat_path == "v1/chat/completions"


@pytest.mark.parametrize("value", ["ollama", "openai=https://x.example", "a=1,a=2", "Bad Name=https://x", "x=ftp://y"])
def test_bad_custom_providers_stop_start_up(value: str) -> None:
    with pytest.raises(ConfigError, match="CUSTOM_PROVIDERS"):
        providers(CUSTOM_PROVIDERS=value)


def test_proxy_applies_to_every_provider() -> None:
    found = providers(PROXY_URL="socks5://127.0.0.1:9", ANTHROPIC_API_KEY="a", CUSTOM_PROVIDERS="local=http://x:1")
    assert {p.target.proxy for p in found.values()} == {"socks5://127.0.0.1:9"}


@pytest.mark.parametrize(
    ("base_url", "versioned_base"),
    [
        ("https://gateway.ai.cloudflare.com/v1/acct123/my-gateway/openai", True),
        ("https://api.openai.com", False),
        ("https://relay.example.com/v1", False),  # the trailing /v1 is dropped instead
        ("https://relay.example.com/openai", False),
    ],
)
def test_ai_gateway_style_base_urls_carry_the_version(base_url: str, versioned_base: bool) -> None:
    target = providers(BASE_URL=base_url)["openai"].target
    assert target.versioned_base is versioned_base
    expected = f"{target.base_url}/chat/completions" if versioned_base else f"{target.base_url}/v1/chat/completions"
    assert target.url("v1/chat/completions") == expected
