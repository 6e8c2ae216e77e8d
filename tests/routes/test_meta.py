"""/api/health and /api/config."""

from __future__ import annotations

from collections.abc import Callable

from tests.conftest import Server

Serve = Callable[..., Server]


def test_health(serve: Serve) -> None:
    with serve().client() as client:
        r = client.get("/api/health")
    assert r.status_code == 200 and r.json()["ok"] is True


def test_config_has_nextchat_shape_and_no_secret(serve: Serve) -> None:
    server = serve(
        CODE="alpha",
        OPENAI_API_KEY="sk-secret-123",
        AZURE_API_KEY="az-secret",
        HIDE_USER_API_KEY="1",
        DISABLE_GPT4="yes",
        CUSTOM_MODELS="+my-model,-gpt-4",
        DEFAULT_MODEL="my-model",
        VISION_MODELS="my-model, other ,",
    )
    with server.client() as client:
        get, post = client.get("/api/config"), client.post("/api/config")
    assert get.json() == post.json()
    config = get.json()
    assert config["needCode"] is True
    assert config["hideUserApiKey"] is True
    assert config["disableGPT4"] is True
    assert config["hideBalanceQuery"] is True
    assert config["disableFastLink"] is False
    assert config["customModels"] == "+my-model,-gpt-4"
    assert config["defaultModel"] == "my-model"
    assert config["visionModels"] == "my-model,other"
    for secret in ("alpha", "sk-secret-123", "az-secret"):
        assert secret not in get.text


def test_open_server_needs_no_code(serve: Serve) -> None:
    with serve(ENABLE_BALANCE_QUERY="1").client() as client:
        config = client.get("/api/config").json()
    assert config["needCode"] is False
    assert config["hideBalanceQuery"] is False


def test_unknown_routes_use_the_error_shape(serve: Serve) -> None:
    with serve().client() as client:
        r = client.get("/api/nothing-here")
        m = client.delete("/api/health")
    assert r.status_code == 404 and r.json()["error"] is True and r.json()["code"] == "not_found"
    assert m.status_code == 405 and m.json()["code"] == "method_not_allowed"
