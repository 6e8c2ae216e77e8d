"""/api/openai/...: the allow-list, model rules, and the official OpenAI SDK as client."""

from __future__ import annotations

from collections.abc import Callable

import openai
import pytest

from tests.conftest import Server
from tests.fake_upstream import FakeUpstream

Serve = Callable[..., Server]
CHAT = "/api/openai/v1/chat/completions"


def sdk(server: Server, code: str = "alpha") -> openai.OpenAI:
    return openai.OpenAI(base_url=f"{server.url}/api/openai/v1", api_key=f"nk-{code}", max_retries=0)


def test_openai_sdk_streams_through_chatnext(serve: Serve, upstream: FakeUpstream) -> None:
    server = serve(CODE="alpha", OPENAI_API_KEY="sk-server")
    with sdk(server) as client:
        stream = client.chat.completions.create(
            model="gpt-4o-mini", messages=[{"role": "user", "content": "hi"}], stream=True
        )
        text = "".join(chunk.choices[0].delta.content or "" for chunk in stream if chunk.choices)
    assert text == "Hello from the fake upstream."
    assert upstream.seen[-1].headers["Authorization"] == "Bearer sk-server"


def test_openai_sdk_non_streaming_and_usage(serve: Serve) -> None:
    server = serve(CODE="alpha", OPENAI_API_KEY="sk-server")
    with sdk(server) as client:
        answer = client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "hi"}])
    assert answer.choices[0].message.content == "Hello from the fake upstream."
    assert answer.usage is not None and answer.usage.total_tokens == 11


def test_openai_sdk_lists_models(serve: Serve) -> None:
    server = serve(CODE="alpha", OPENAI_API_KEY="sk-server")
    with sdk(server) as client:
        ids = [m.id for m in client.models.list()]
    assert ids == ["gpt-4o", "gpt-4o-mini", "gpt-4", "o1", "my-model"]


def test_openai_sdk_sees_a_wrong_code_as_authentication_error(serve: Serve) -> None:
    server = serve(CODE="alpha", OPENAI_API_KEY="sk-server")
    with sdk(server, "nope") as client, pytest.raises(openai.AuthenticationError) as err:
        client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "hi"}])
    assert err.value.status_code == 401


def test_openai_sdk_sees_a_broken_stream_as_an_error(serve: Serve) -> None:
    server = serve(OPENAI_API_KEY="sk-server")
    with sdk(server) as client:
        stream = client.chat.completions.create(
            model="drop-mid-stream", messages=[{"role": "user", "content": "hi"}], stream=True
        )
        got = []
        with pytest.raises(openai.APIError):
            for chunk in stream:
                got.append(chunk.choices[0].delta.content or "")
    assert "".join(got) == "Hello from"


def test_openai_sdk_quota_error_keeps_its_message(serve: Serve) -> None:
    server = serve(OPENAI_API_KEY="sk-quota-only")
    with sdk(server) as client, pytest.raises(openai.RateLimitError) as err:
        client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "hi"}])
    assert "You exceeded your current quota" in str(err.value)


@pytest.mark.parametrize(
    ("method", "path"),
    [("POST", "v1/files"), ("GET", "v1/fine_tuning/jobs"), ("POST", "v1/../admin"), ("GET", "v1/models/gpt-4o")],
)
def test_paths_outside_the_allow_list_are_403(serve: Serve, upstream: FakeUpstream, method: str, path: str) -> None:
    server = serve(OPENAI_API_KEY="sk-server")
    with server.client() as client:
        r = client.request(method, f"/api/openai/{path}", json={})
    assert r.status_code == 403
    assert r.json()["code"] == "forbidden_path"
    assert r.json()["message"].startswith("you are not allowed to request")
    assert upstream.seen == []


def test_other_allowed_paths_reach_the_upstream(serve: Serve, upstream: FakeUpstream) -> None:
    server = serve(OPENAI_API_KEY="sk-server")
    with server.client() as client:
        usage = client.get("/api/openai/dashboard/billing/usage?start_date=2026-11-01&end_date=2026-11-27")
        image = client.post("/api/openai/v1/images/generations", json={"model": "dall-e-3", "prompt": "cat"})
        wrong_method = client.get(CHAT)
    assert usage.status_code == 200 and usage.json()["total_usage"] == 1234.5
    assert upstream.seen[0].query == {"start_date": "2026-11-01", "end_date": "2026-11-27"}
    assert image.status_code == 200 and upstream.seen[1].path == "/v1/images/generations"
    assert wrong_method.status_code == 405 and wrong_method.json()["code"] == "method_not_allowed"


@pytest.mark.parametrize(
    ("env", "model", "allowed"),
    [
        ({"DISABLE_GPT4": "1"}, "gpt-4o", False),
        ({"DISABLE_GPT4": "1"}, "o1-mini", False),
        ({"DISABLE_GPT4": "1"}, "gpt-4o-mini", True),
        ({"DISABLE_GPT4": "1"}, "some-other-model", True),
        ({"CUSTOM_MODELS": "-gpt-4o"}, "gpt-4o", False),
        ({"CUSTOM_MODELS": "-all,+gpt-4o-mini"}, "gpt-4o", False),
        ({"CUSTOM_MODELS": "-all,+gpt-4o-mini"}, "gpt-4o-mini", True),
        ({"CUSTOM_MODELS": "+my-model"}, "my-model", True),
        ({"CUSTOM_MODELS": "+my-model"}, "not-in-the-table", False),
        ({}, "not-in-the-table", True),
    ],
)
def test_model_rules_are_applied_before_any_upstream_call(
    serve: Serve, upstream: FakeUpstream, env: dict[str, str], model: str, allowed: bool
) -> None:
    server = serve(OPENAI_API_KEY="sk-server", **env)
    with server.client() as client:
        r = client.post(CHAT, json={"model": model, "messages": []})
    if allowed:
        assert r.status_code == 200
        assert upstream.seen[-1].body["model"] == model
    else:
        assert r.status_code == 403
        assert r.json()["code"] == "model_not_allowed"
        assert upstream.seen == []


def test_model_list_hides_refused_models(serve: Serve) -> None:
    server = serve(OPENAI_API_KEY="sk-server", DISABLE_GPT4="1", CUSTOM_MODELS="+my-model")
    with sdk(server) as client:
        ids = [m.id for m in client.models.list()]
    assert ids == ["gpt-4o-mini", "my-model"]


def test_model_bound_to_azure_goes_to_azure(serve: Serve, upstream: FakeUpstream) -> None:
    server = serve(
        OPENAI_API_KEY="sk-server",
        AZURE_URL=f"{upstream.url}/openai",
        AZURE_API_KEY="az-key",
        CUSTOM_MODELS="-all,my-gpt@azure=prod-deploy",
    )
    with server.client() as client:
        r = client.post(CHAT, json={"model": "my-gpt@azure", "stream": True, "messages": []})
    assert r.status_code == 200
    seen = upstream.seen[-1]
    assert seen.path == "/openai/deployments/prod-deploy/chat/completions"
    assert seen.headers["api-key"] == "az-key"
    assert "Authorization" not in seen.headers
    assert seen.query["api-version"] == "2024-10-21"
    assert seen.body["model"] == "my-gpt"


def test_a_cloudflare_ai_gateway_base_url_works_as_in_nextchat(serve: Serve, upstream: FakeUpstream) -> None:
    # BASE_URL=https://gateway.ai.cloudflare.com/v1/{account}/{gateway}/openai stands for OpenAI's /v1.
    server = serve(OPENAI_API_KEY="sk-server", BASE_URL=f"{upstream.url}/v1/acct123/my-gateway/openai")
    with server.client() as client:
        chat = client.post(
            "/api/openai/v1/chat/completions",
            json={"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "hi"}]},
        )
        models = client.get("/api/openai/v1/models")
    assert chat.status_code == 200 and chat.json()["choices"][0]["message"]["content"]
    assert models.status_code == 200 and models.json()["data"]
    assert [s.path for s in upstream.seen] == [
        "/v1/acct123/my-gateway/openai/chat/completions",
        "/v1/acct123/my-gateway/openai/models",
    ]
