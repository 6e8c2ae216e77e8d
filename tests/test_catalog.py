"""catalog.py: live model lists merged with the table, read lazily and cached."""

from __future__ import annotations

from collections.abc import Callable

from tests.conftest import Server
from tests.fake_upstream import FakeUpstream

Serve = Callable[..., Server]


def models(server: Server) -> dict[str, dict[str, object]]:
    with server.client() as client:
        reply = client.get("/api/config")
    assert reply.status_code == 200
    return {f"{m['name']}@{m['provider']}": m for m in reply.json()["models"]}


def list_requests(upstream: FakeUpstream) -> int:
    return sum(1 for s in upstream.seen if s.path == "/v1/models")


def test_a_model_new_upstream_appears_without_custom_models(serve: Serve, upstream: FakeUpstream) -> None:
    server = serve(OPENAI_API_KEY="sk-live")
    shown = models(server)
    assert "my-model@openai" in shown  # only the upstream's list names it
    assert "gpt-4.1@openai" in shown  # built-in defaults stay
    assert shown["gpt-4o@openai"]["providerName"] == "OpenAI" and shown["gpt-4o@openai"]["vision"] is True
    assert upstream.seen[0].headers["Authorization"] == "Bearer sk-live"
    for _ in range(3):
        models(server)
    assert list_requests(upstream) == 1  # cached, not read per page load


def test_custom_models_still_decide(serve: Serve, upstream: FakeUpstream) -> None:
    shown = models(serve(OPENAI_API_KEY="sk-live", CUSTOM_MODELS="-all,+gpt-4o,+my-model=Mine"))
    assert set(shown) == {"gpt-4o@openai", "my-model@openai"}
    assert shown["my-model@openai"]["displayName"] == "Mine"


def test_fetching_can_be_turned_off(serve: Serve, upstream: FakeUpstream) -> None:
    shown = models(serve(OPENAI_API_KEY="sk-live", DISABLE_MODEL_FETCH="1"))
    assert "my-model@openai" not in shown and "gpt-4o@openai" in shown
    assert list_requests(upstream) == 0


def test_without_a_server_key_nothing_is_fetched(serve: Serve, upstream: FakeUpstream) -> None:
    assert "gpt-4o@openai" in models(serve())
    assert list_requests(upstream) == 0


def test_a_failing_list_is_ignored(serve: Serve, upstream: FakeUpstream) -> None:
    server = serve(OPENAI_API_KEY="sk-401-revoked")
    shown = models(server)
    assert "gpt-4o@openai" in shown and "my-model@openai" not in shown
    assert list_requests(upstream) == 1


def test_unreachable_list_is_ignored(serve: Serve) -> None:
    shown = models(serve(OPENAI_API_KEY="sk-live", BASE_URL="http://127.0.0.1:9"))
    assert "gpt-4o@openai" in shown


def test_a_custom_provider_without_key_lists_and_chats(serve: Serve, upstream: FakeUpstream) -> None:
    server = serve(CUSTOM_PROVIDERS=f"local={upstream.url}/v1")
    shown = models(server)
    assert shown["my-model@local"]["providerName"] == "local"
    with server.client() as client:
        reply = client.post("/api/openai/v1/chat/completions", json={"model": "my-model@local", "messages": []})
    assert reply.status_code == 200
    chat = upstream.seen[-1]
    assert chat.path == "/v1/chat/completions" and chat.body["model"] == "my-model"
    assert "Authorization" not in chat.headers


def test_unconfigured_providers_offer_no_models(serve: Serve) -> None:
    shown = models(serve())
    assert not any(key.endswith(("@anthropic", "@google", "@deepseek")) for key in shown)
