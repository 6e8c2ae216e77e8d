"""/api/azure/deployments/{deployment}/...: NextChat's Azure route."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.conftest import Server
from tests.fake_upstream import FakeUpstream

Serve = Callable[..., Server]
BODY = {"messages": [{"role": "user", "content": "hi"}], "stream": True}


def azure(serve: Serve, upstream: FakeUpstream, **env: str) -> Server:
    return serve(AZURE_URL=f"{upstream.url}/openai/", AZURE_API_KEY="az-key", AZURE_API_VERSION="2024-06-01", **env)


def test_relays_with_api_key_and_the_requested_version(serve: Serve, upstream: FakeUpstream) -> None:
    server = azure(serve, upstream, CUSTOM_MODELS="gpt-4o@azure=my-deploy", CODE="alpha")
    with server.client() as client:
        r = client.post(
            "/api/azure/deployments/my-deploy/chat/completions?api-version=2025-01-01-preview",
            json=BODY,
            headers={"Authorization": "Bearer nk-alpha"},
        )
    assert r.status_code == 200
    assert r.headers["x-accel-buffering"] == "no"
    assert "Hello" in r.text and "[DONE]" in r.text
    seen = upstream.seen[-1]
    assert seen.path == "/openai/deployments/my-deploy/chat/completions"
    assert seen.headers["api-key"] == "az-key"
    assert seen.query == {"api-version": "2025-01-01-preview"}


def test_default_version_when_none_is_given(serve: Serve, upstream: FakeUpstream) -> None:
    server = azure(serve, upstream)
    with server.client() as client:
        r = client.post("/api/azure/deployments/anything/chat/completions", json=BODY)
    assert r.status_code == 200
    assert upstream.seen[-1].query == {"api-version": "2024-06-01"}


@pytest.mark.parametrize(
    ("deployment", "status"),
    [("other-deploy", 403), ("my-deploy", 200)],
)
def test_only_configured_deployments_when_custom_models_names_some(
    serve: Serve, upstream: FakeUpstream, deployment: str, status: int
) -> None:
    server = azure(serve, upstream, CUSTOM_MODELS="gpt-4o@azure=my-deploy")
    with server.client() as client:
        r = client.post(f"/api/azure/deployments/{deployment}/chat/completions", json=BODY)
    assert r.status_code == status


@pytest.mark.parametrize("deployment", ["..", ".hidden", "a%2Fb", "a%20b"])
def test_deployment_names_cannot_reshape_the_upstream_path(
    serve: Serve, upstream: FakeUpstream, deployment: str
) -> None:
    server = azure(serve, upstream)
    with server.client() as client:
        r = client.post(f"/api/azure/deployments/{deployment}/chat/completions", json=BODY)
    assert r.status_code in (400, 403, 404)
    assert upstream.seen == []


def test_disable_gpt4_applies_to_deployments(serve: Serve, upstream: FakeUpstream) -> None:
    server = azure(serve, upstream, DISABLE_GPT4="1", CUSTOM_MODELS="gpt-4o@azure=big,gpt-4o-mini@azure=small")
    with server.client() as client:
        big = client.post("/api/azure/deployments/big/chat/completions", json=BODY)
        small = client.post("/api/azure/deployments/small/chat/completions", json=BODY)
    assert big.status_code == 403 and big.json()["code"] == "model_not_allowed"
    assert small.status_code == 200


def test_without_azure_url_the_route_says_so(serve: Serve) -> None:
    server = serve()
    with server.client() as client:
        r = client.post("/api/azure/deployments/x/chat/completions", json=BODY)
    assert r.status_code == 503 and r.json()["code"] == "azure_not_configured"


def test_other_azure_paths_are_forbidden(serve: Serve, upstream: FakeUpstream) -> None:
    server = azure(serve, upstream)
    with server.client() as client:
        r = client.post("/api/azure/deployments/x/files", json=BODY)
    assert r.status_code == 403
