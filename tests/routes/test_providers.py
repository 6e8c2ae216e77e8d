"""Every provider behind /api/openai/v1/chat/completions.

One server is configured with every protocol pointing at the fake upstream
(OpenAI, Azure, Anthropic, Gemini, and DeepSeek as a row of the
OpenAI-compatible table). The same conversation through each must read the
same in the browser's protocol: text, [DONE], usage, errors, images.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.conftest import Server, start_server
from tests.fake_upstream import FakeUpstream, Reply, Seen

TEXT = "Ni hao! 你好，这是同一个回答。 The same answer, everywhere."
CHAT = "/api/openai/v1/chat/completions"
# model id the browser sends -> model name the upstream sees
MODELS = {
    "gpt-4o": "gpt-4o",
    "gpt-4o@azure": "gpt-4o",
    "claude-sonnet-4-5@anthropic": "claude-sonnet-4-5",
    "gemini-2.5-flash@google": "gemini-2.5-flash",
    "deepseek-chat@deepseek": "deepseek-chat",
}
FAULTS = ("fail-500", "overloaded", "drop-mid-stream", "error-mid-stream")
PNG = base64.b64encode(b"\x89PNG\r\n\x1a\n" + b"\0" * 32).decode()


@pytest.fixture(scope="module")
def server(upstream: FakeUpstream) -> Iterator[Server]:
    srv = start_server(
        {
            "OPENAI_API_KEY": "sk-openai",
            "BASE_URL": upstream.url,
            "AZURE_URL": f"{upstream.url}/openai",
            "AZURE_API_KEY": "az-key",
            "CUSTOM_MODELS": "gpt-4o@azure=prod,"
            + ",".join(f"+{fault}@{p}" for fault in FAULTS for p in ("anthropic", "google")),
            "ANTHROPIC_API_KEY": "ant-key",
            "ANTHROPIC_URL": upstream.url,
            "GOOGLE_API_KEY": "goog-key",
            "GOOGLE_URL": upstream.url,
            "DEEPSEEK_API_KEY": "ds-key",
            "DEEPSEEK_URL": f"{upstream.url}/v1",
            "DISABLE_MODEL_FETCH": "1",
            "CODE": "letmein",
        }
    )
    yield srv
    srv.stop()


def post(server: Server, body: dict[str, Any]) -> httpx.Response:
    with server.client(headers={"Authorization": "Bearer nk-letmein"}) as client:
        return client.post(CHAT, json=body)


def events(reply: httpx.Response) -> list[Any]:
    """The SSE data payloads, parsed; "[DONE]" stays a string."""
    out: list[Any] = []
    for block in reply.text.split("\n\n"):
        for line in block.split("\n"):
            if line.startswith("data: "):
                data = line[6:]
                out.append(data if data == "[DONE]" else json.loads(data))
    return out


def text_of(chunks: list[Any]) -> str:
    return "".join(
        c["choices"][0]["delta"].get("content") or "" for c in chunks if isinstance(c, dict) and c.get("choices")
    )


def conversation(model: str, **extra: Any) -> dict[str, Any]:
    return {
        "model": model,
        "messages": [
            {"role": "system", "content": "You are terse."},
            {"role": "user", "content": "Say hello."},
        ],
        "temperature": 0.5,
        **extra,
    }


def last_chat(upstream: FakeUpstream) -> Seen:
    return [s for s in upstream.seen if s.method == "POST"][-1]


@pytest.mark.parametrize("model", list(MODELS))
def test_the_same_streamed_answer_from_every_provider(server: Server, upstream: FakeUpstream, model: str) -> None:
    upstream.replies[MODELS[model]] = Reply(TEXT, piece=7)
    reply = post(server, conversation(model, stream=True, stream_options={"include_usage": True}))
    assert reply.status_code == 200
    assert reply.headers["content-type"].startswith("text/event-stream")
    chunks = events(reply)
    assert text_of(chunks) == TEXT
    assert chunks[-1] == "[DONE]"
    finish = [c["choices"][0]["finish_reason"] for c in chunks if isinstance(c, dict) and c.get("choices")]
    assert finish[-1] == "stop"
    usage = [c["usage"] for c in chunks if isinstance(c, dict) and c.get("usage")]
    assert len(usage) == 1 and usage[0]["completion_tokens"] > 0 and usage[0]["prompt_tokens"] > 0


@pytest.mark.parametrize("model", list(MODELS))
def test_the_same_whole_answer_from_every_provider(server: Server, upstream: FakeUpstream, model: str) -> None:
    upstream.replies[MODELS[model]] = Reply(TEXT)
    reply = post(server, conversation(model))
    assert reply.status_code == 200
    body = reply.json()
    assert body["choices"][0]["message"]["content"] == TEXT
    assert body["choices"][0]["finish_reason"] == "stop"
    assert body["usage"]["completion_tokens"] > 0


def test_each_provider_gets_its_own_wire_format_and_key(server: Server, upstream: FakeUpstream) -> None:
    post(server, conversation("claude-sonnet-4-5@anthropic", stream=True))
    seen = last_chat(upstream)
    assert seen.path == "/v1/messages" and seen.headers["x-api-key"] == "ant-key"
    assert seen.headers["anthropic-version"] == "2023-06-01" and "Authorization" not in seen.headers
    assert seen.body["system"] == "You are terse." and seen.body["max_tokens"] > 0

    post(server, conversation("gemini-2.5-flash@google", stream=True))
    seen = last_chat(upstream)
    assert seen.path == "/v1beta/models/gemini-2.5-flash:streamGenerateContent"
    assert seen.query == {"alt": "sse"}  # the key travels in a header, never in the URL
    assert seen.headers["x-goog-api-key"] == "goog-key"
    assert seen.body["systemInstruction"]["parts"][0]["text"] == "You are terse."

    post(server, conversation("deepseek-chat@deepseek", stream=True))
    seen = last_chat(upstream)
    assert seen.path == "/v1/chat/completions" and seen.headers["Authorization"] == "Bearer ds-key"
    assert seen.body["model"] == "deepseek-chat"

    post(server, conversation("gpt-4o@azure", stream=True))
    seen = last_chat(upstream)
    assert seen.path == "/openai/deployments/prod/chat/completions" and seen.headers["api-key"] == "az-key"


def image_conversation(model: str) -> dict[str, Any]:
    parts = [
        {"type": "text", "text": "What is this?"},
        {"type": "image_url", "image_url": {"url": f"data:image/png;base64,{PNG}"}},
    ]
    return {"model": model, "messages": [{"role": "user", "content": parts}], "stream": True}


def test_image_parts_reach_each_provider_in_its_own_format(server: Server, upstream: FakeUpstream) -> None:
    assert post(server, image_conversation("gpt-4o")).status_code == 200
    part = last_chat(upstream).body["messages"][0]["content"][1]
    assert part == {"type": "image_url", "image_url": {"url": f"data:image/png;base64,{PNG}"}}

    assert post(server, image_conversation("claude-sonnet-4-5@anthropic")).status_code == 200
    blocks = last_chat(upstream).body["messages"][0]["content"]
    image = next(b for b in blocks if b["type"] == "image")
    assert image["source"] == {"type": "base64", "media_type": "image/png", "data": PNG}

    assert post(server, image_conversation("gemini-2.5-flash@google")).status_code == 200
    parts = last_chat(upstream).body["contents"][0]["parts"]
    inline = next(p for p in parts if "inlineData" in p)["inlineData"]
    assert inline == {"mimeType": "image/png", "data": PNG}


@pytest.mark.parametrize(("provider", "says"), [("anthropic", "Anthropic:"), ("google", "Google:")])
def test_upstream_errors_are_readable_in_the_one_shape(server: Server, provider: str, says: str) -> None:
    reply = post(server, conversation(f"fail-500@{provider}", stream=True))
    assert reply.status_code == 500
    body = reply.json()
    assert body["error"] is True and body["msg"].startswith(says) and body["message"] == body["msg"]
    reply = post(server, conversation(f"overloaded@{provider}", stream=True))
    assert reply.status_code in (503, 529)
    assert reply.json()["code"] == "upstream_overloaded"


@pytest.mark.parametrize("provider", ["anthropic", "google"])
def test_a_stream_dying_midway_ends_with_an_error_and_no_done(server: Server, provider: str) -> None:
    for fault in ("drop-mid-stream", "error-mid-stream"):
        chunks = events(post(server, conversation(f"{fault}@{provider}", stream=True)))
        assert "[DONE]" not in chunks
        assert isinstance(chunks[-1], dict) and chunks[-1]["error"]["message"]
        assert sum(1 for c in chunks if isinstance(c, dict) and "error" in c) == 1
        assert text_of(chunks[:-1])  # what arrived before the break was passed on


def test_reasoning_from_translated_providers_arrives_as_reasoning_content(
    server: Server, upstream: FakeUpstream
) -> None:
    for model, name in (
        ("claude-sonnet-4-5@anthropic", "claude-sonnet-4-5"),
        ("gemini-2.5-flash@google", "gemini-2.5-flash"),
    ):
        upstream.replies[name] = Reply("Answer.", reasoning="Let me think about it.")
        chunks = events(post(server, conversation(model, stream=True)))
        thought = "".join(
            c["choices"][0]["delta"].get("reasoning_content") or ""
            for c in chunks
            if isinstance(c, dict) and c.get("choices")
        )
        assert thought == "Let me think about it." and text_of(chunks) == "Answer."


def test_reasoning_models_get_the_parameters_they_accept(server: Server, upstream: FakeUpstream) -> None:
    post(server, {"model": "o3", "messages": [{"role": "user", "content": "hi"}], "max_tokens": 64, "temperature": 1.5})
    body = last_chat(upstream).body
    assert body["max_completion_tokens"] == 64
    assert "max_tokens" not in body and "temperature" not in body


def test_a_browser_that_leaves_stops_a_translated_upstream(server: Server, upstream: FakeUpstream) -> None:
    upstream.replies["claude-sonnet-4-5"] = Reply("word " * 200, piece=5, delay=0.05)
    body = conversation("claude-sonnet-4-5@anthropic", stream=True)
    with (
        server.client(headers={"Authorization": "Bearer nk-letmein"}) as client,
        client.stream("POST", CHAT, json=body) as reply,
    ):
        next(reply.iter_bytes())
    seen = upstream.wait_closed()
    assert seen.path == "/v1/messages" and not seen.finished


def test_unconfigured_provider_says_which_key_is_missing(upstream: FakeUpstream) -> None:
    srv = start_server({"BASE_URL": upstream.url, "XAI_URL": upstream.url})
    try:
        with srv.client() as client:
            reply = client.post(CHAT, json=conversation("grok-4@xai"))
        assert reply.status_code == 401
        assert reply.json()["code"] == "missing_api_key" and "xai" in reply.json()["msg"]
    finally:
        srv.stop()


@pytest.mark.parametrize(("provider", "header"), [("anthropic", "x-api-key"), ("google", "x-goog-api-key")])
def test_a_refused_key_rests_and_the_next_one_answers(upstream: FakeUpstream, provider: str, header: str) -> None:
    prefix = provider.upper()
    srv = start_server(
        {"BASE_URL": upstream.url, f"{prefix}_API_KEY": "sk-401-revoked,good-key", f"{prefix}_URL": upstream.url}
    )
    model = {"anthropic": "claude-sonnet-4-5@anthropic", "google": "gemini-2.5-flash@google"}[provider]
    try:
        with srv.client() as client:
            for _ in range(3):
                reply = client.post(CHAT, json=conversation(model, stream=True))
                assert reply.status_code == 200 and events(reply)[-1] == "[DONE]"
        used = [s.headers.get(header) for s in upstream.seen if s.method == "POST"]
        # The revoked key was tried at most once, then rested; every answer came from the good one.
        assert used.count("sk-401-revoked") <= 1 and used.count("good-key") == 3
    finally:
        srv.stop()
