"""upstream.py: targets from configuration, and outbound proxies."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from chatnext.config import load_settings
from chatnext.upstream import proxy_for
from tests.conftest import Server
from tests.fake_proxies import FakeProxy
from tests.fake_upstream import FakeUpstream

Serve = Callable[..., Server]
CHAT = "/api/openai/v1/chat/completions"
BODY = {"model": "gpt-4o-mini", "stream": True, "messages": [{"role": "user", "content": "hi"}]}


def settings(**env: str):  # type: ignore[no-untyped-def]
    return load_settings(env, env_file=Path("/nonexistent"))


@pytest.mark.parametrize(
    ("env", "url", "expected"),
    [
        ({}, "https://api.openai.com", ""),
        ({"PROXY_URL": "socks5://127.0.0.1:1080"}, "https://api.openai.com", "socks5://127.0.0.1:1080"),
        ({"PROXY_URL": "127.0.0.1:7890"}, "http://x", "http://127.0.0.1:7890"),
        ({"HTTPS_PROXY": "http://p:3128"}, "https://api.openai.com", "http://p:3128"),
        ({"HTTPS_PROXY": "http://p:3128"}, "http://relay.local", ""),
        ({"HTTP_PROXY": "http://p:3128"}, "http://relay.local", "http://p:3128"),
        ({"HTTPS_PROXY": "http://p:3128", "NO_PROXY": "openai.com"}, "https://api.openai.com", ""),
        ({"HTTPS_PROXY": "http://p:3128", "NO_PROXY": ".example.com"}, "https://api.openai.com", "http://p:3128"),
        # PROXY_URL is chatnext's "everything goes through here".
        ({"PROXY_URL": "http://p:1", "NO_PROXY": "openai.com"}, "https://api.openai.com", "http://p:1"),
    ],
)
def test_proxy_for(env: dict[str, str], url: str, expected: str) -> None:
    assert proxy_for(url, settings(**env)) == expected


@pytest.fixture(params=["http", "socks5"])
def proxy(request: pytest.FixtureRequest) -> Iterator[FakeProxy]:
    fake = FakeProxy(request.param).start()
    yield fake
    fake.stop()


@pytest.mark.parametrize("variable", ["PROXY_URL", "HTTP_PROXY"])
def test_chats_go_through_the_configured_proxy(
    serve: Serve, upstream: FakeUpstream, proxy: FakeProxy, variable: str
) -> None:
    server = serve(OPENAI_API_KEY="sk-good", **{variable: proxy.url})
    with server.client() as client:
        r = client.post(CHAT, json=BODY)
    assert r.status_code == 200 and "[DONE]" in r.text
    port = upstream.port
    expected = f"http://127.0.0.1:{port}/v1/chat/completions" if proxy.kind == "http" else f"127.0.0.1:{port}"
    assert proxy.destinations == [expected]


def test_no_proxy_bypasses_the_proxy(serve: Serve, proxy: FakeProxy) -> None:
    server = serve(OPENAI_API_KEY="sk-good", HTTP_PROXY=proxy.url, NO_PROXY="127.0.0.1")
    with server.client() as client:
        assert client.post(CHAT, json=BODY).status_code == 200
    assert proxy.destinations == []
