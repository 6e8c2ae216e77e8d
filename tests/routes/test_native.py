"""/api/anthropic/... and /api/google/...: native relays for NextChat clients and SDKs."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.conftest import Server, start_server
from tests.fake_upstream import FakeUpstream

MESSAGES = {"model": "claude-sonnet-4-5", "max_tokens": 64, "messages": [{"role": "user", "content": "hi"}]}
GEMINI = {"contents": [{"role": "user", "parts": [{"text": "hi"}]}]}


@pytest.fixture(scope="module")
def server(upstream: FakeUpstream) -> Iterator[Server]:
    srv = start_server(
        {
            "BASE_URL": upstream.url,
            "ANTHROPIC_API_KEY": "ant-server",
            "ANTHROPIC_URL": upstream.url,
            "GOOGLE_API_KEY": "goog-server",
            "GOOGLE_URL": upstream.url,
            "CODE": "letmein",
            "DISABLE_MODEL_FETCH": "1",
        }
    )
    yield srv
    srv.stop()


def test_anthropic_sdk_style_request_with_an_access_code(server: Server, upstream: FakeUpstream) -> None:
    headers = {"x-api-key": "nk-letmein", "anthropic-version": "2023-06-01"}
    with server.client(headers=headers) as client:
        reply = client.post("/api/anthropic/v1/messages", json={**MESSAGES, "stream": True})
    assert reply.status_code == 200
    assert "event: message_start" in reply.text and "event: message_stop" in reply.text
    seen = upstream.seen[-1]
    assert seen.headers["x-api-key"] == "ant-server"


def test_a_users_own_key_goes_upstream_as_theirs(server: Server, upstream: FakeUpstream) -> None:
    with server.client(headers={"x-api-key": "sk-ant-users-own", "anthropic-version": "2023-06-01"}) as client:
        reply = client.post("/api/anthropic/v1/messages", json=MESSAGES)
    assert reply.status_code == 200 and reply.json()["type"] == "message"
    assert upstream.seen[-1].headers["x-api-key"] == "sk-ant-users-own"


def test_wrong_code_and_other_paths_are_refused(server: Server, upstream: FakeUpstream) -> None:
    with server.client(headers={"x-api-key": "nk-guess"}) as client:
        assert client.post("/api/anthropic/v1/messages", json=MESSAGES).json()["code"] == "wrong_access_code"
    with server.client(headers={"x-api-key": "nk-letmein"}) as client:
        assert client.post("/api/anthropic/v1/complete", json=MESSAGES).status_code == 403
    assert not [s for s in upstream.seen if s.path.startswith("/v1/")]


def test_gemini_key_in_the_query_never_travels_upstream(server: Server, upstream: FakeUpstream) -> None:
    path = "/api/google/v1beta/models/gemini-2.5-flash:streamGenerateContent"
    with server.client() as client:
        reply = client.post(path, params={"alt": "sse", "key": "nk-letmein"}, json=GEMINI)
    assert reply.status_code == 200 and '"finishReason"' in reply.text
    seen = upstream.seen[-1]
    assert seen.query == {"alt": "sse"} and seen.headers["x-goog-api-key"] == "goog-server"


@pytest.mark.parametrize(
    "path",
    [
        "/api/google/v1beta/models/..%2F..%2Fx:generateContent",
        "/api/google/v1beta/files",
        "/api/google/v1beta/models/gemini-2.5-flash:countTokens",
    ],
)
def test_gemini_paths_outside_the_list_are_refused(server: Server, upstream: FakeUpstream, path: str) -> None:
    with server.client(headers={"x-goog-api-key": "nk-letmein"}) as client:
        assert client.post(path, json=GEMINI).status_code == 403
    assert not upstream.seen
