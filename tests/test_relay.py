"""The streaming relay, end to end: real chatnext, real fake upstream."""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from chatnext.config import load_settings
from chatnext.relay import UpstreamRequest, openai_usage, refusal
from chatnext.services import Services
from tests.conftest import NO_ENV_FILE, Server, free_port
from tests.fake_upstream import FakeUpstream

Serve = Callable[..., Server]
CHAT = "/api/openai/v1/chat/completions"


def chat(model: str = "gpt-4o-mini", stream: bool = True, **extra: object) -> dict[str, object]:
    return {"model": model, "stream": stream, "messages": [{"role": "user", "content": "hi"}], **extra}


def events(text: str) -> list[str]:
    return [line[len("data: ") :] for line in text.splitlines() if line.startswith("data: ")]


def content_of(text: str) -> str:
    out = []
    for data in events(text):
        if data != "[DONE]":
            for choice in json.loads(data).get("choices", []):
                out.append(choice["delta"].get("content") or "")
    return "".join(out)


def test_stream_arrives_whole_with_headers_that_stop_proxy_buffering(serve: Serve) -> None:
    server = serve(OPENAI_API_KEY="sk-good")
    with server.client() as client:
        r = client.post(CHAT, json=chat())
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/event-stream")
    assert r.headers["x-accel-buffering"] == "no"
    assert r.headers["cache-control"] == "no-cache"
    assert "content-encoding" not in r.headers
    assert content_of(r.text) == "Hello from the fake upstream."
    assert events(r.text)[-1] == "[DONE]"


def test_first_token_reaches_the_browser_before_the_upstream_finishes(serve: Serve, upstream: FakeUpstream) -> None:
    upstream.slow_seconds = 1.5
    server = serve(OPENAI_API_KEY="sk-good")
    with server.client() as client, client.stream("POST", CHAT, json=chat("slow-stream")) as r:
        started = time.monotonic()
        pieces = r.iter_text()
        first = next(pieces)
        assert "tick" in first
        assert time.monotonic() - started < 1.0
        assert not upstream.seen[-1].finished
        rest = "".join(pieces)
    assert rest.rstrip().endswith("data: [DONE]")


def test_upstream_gets_the_key_org_and_the_body_unchanged(serve: Serve, upstream: FakeUpstream) -> None:
    server = serve(OPENAI_API_KEY="sk-good", OPENAI_ORG_ID="org-123")
    body = chat(temperature=0.3, stream_options={"include_usage": True})
    with server.client() as client:
        r = client.post(CHAT, json=body, headers={"Cookie": "secret=1"})
    assert r.status_code == 200
    seen = upstream.seen[-1]
    assert seen.path == "/v1/chat/completions"
    assert seen.headers["Authorization"] == "Bearer sk-good"
    assert seen.headers["OpenAI-Organization"] == "org-123"
    assert "Cookie" not in seen.headers
    assert seen.body == body


def test_non_streaming_answer_is_relayed(serve: Serve) -> None:
    server = serve(OPENAI_API_KEY="sk-good")
    with server.client() as client:
        r = client.post(CHAT, json=chat(stream=False))
    assert r.status_code == 200
    assert r.json()["choices"][0]["message"]["content"] == "Hello from the fake upstream."


@pytest.mark.parametrize("bad", ["sk-401-a", "sk-quota-a", "sk-ratelimit-a"])
def test_a_refused_key_is_cooled_down_and_the_next_key_answers(serve: Serve, upstream: FakeUpstream, bad: str) -> None:
    server = serve(OPENAI_API_KEY=f"{bad},sk-good")
    with server.client() as client:
        for _ in range(4):
            r = client.post(CHAT, json=chat())
            assert r.status_code == 200
            assert content_of(r.text) == "Hello from the fake upstream."
    used = [s.headers["Authorization"] for s in upstream.seen]
    # The bad key is tried at most once: after that it rests.
    assert used.count(f"Bearer {bad}") <= 1
    assert used.count("Bearer sk-good") == 4


def test_with_one_key_the_quota_error_reaches_the_user_unchanged(serve: Serve) -> None:
    server = serve(OPENAI_API_KEY="sk-quota-only")
    with server.client() as client:
        r = client.post(CHAT, json=chat())
    assert r.status_code == 429
    assert "You exceeded your current quota" in r.json()["error"]["message"]
    assert r.json()["error"]["code"] == "insufficient_quota"


def test_when_every_key_fails_the_last_upstream_error_is_returned(serve: Serve, upstream: FakeUpstream) -> None:
    server = serve(OPENAI_API_KEY="sk-401-a,sk-401-b")
    with server.client() as client:
        r = client.post(CHAT, json=chat())
    assert r.status_code == 401
    assert r.json()["error"]["code"] == "invalid_api_key"
    assert len(upstream.seen) == 2


def test_upstream_500_is_passed_on_without_trying_other_keys(serve: Serve, upstream: FakeUpstream) -> None:
    server = serve(OPENAI_API_KEY="sk-good,sk-good2")
    with server.client() as client:
        r = client.post(CHAT, json=chat("fail-500"))
    assert r.status_code == 500
    assert r.json()["error"]["type"] == "server_error"
    assert len(upstream.seen) == 1


def test_unreachable_upstream_is_502(serve: Serve) -> None:
    server = serve(OPENAI_API_KEY="sk-good", BASE_URL=f"http://127.0.0.1:{free_port()}")
    with server.client() as client:
        r = client.post(CHAT, json=chat())
    assert r.status_code == 502
    assert r.json()["code"] == "upstream_unreachable"
    assert r.json()["error"] is True


@pytest.mark.parametrize("model", ["slow-headers", "slow-first-byte"])
def test_no_first_byte_within_the_timeout_is_504(serve: Serve, upstream: FakeUpstream, model: str) -> None:
    upstream.slow_seconds = 3
    server = serve(OPENAI_API_KEY="sk-good", UPSTREAM_TIMEOUT="0.5")
    with server.client() as client:
        started = time.monotonic()
        r = client.post(CHAT, json=chat(model))
    assert r.status_code == 504
    assert r.json()["code"] == "upstream_timeout"
    assert time.monotonic() - started < 2
    assert upstream.wait_closed().client_closed


def test_stream_dying_midway_ends_with_an_error_event_and_no_done(serve: Serve) -> None:
    server = serve(OPENAI_API_KEY="sk-good")
    with server.client() as client:
        r = client.post(CHAT, json=chat("drop-mid-stream"))
    assert r.status_code == 200
    data = events(r.text)
    assert "[DONE]" not in data
    assert content_of("\n".join(f"data: {d}" for d in data[:-1])) == "Hello from"
    assert json.loads(data[-1])["error"]["code"] == "upstream_stream_broken"


def test_stream_going_silent_midway_is_cut_after_the_timeout(serve: Serve, upstream: FakeUpstream) -> None:
    upstream.slow_seconds = 3
    server = serve(OPENAI_API_KEY="sk-good", UPSTREAM_TIMEOUT="0.5")
    with server.client() as client:
        started = time.monotonic()
        r = client.post(CHAT, json=chat("stall-mid-stream"))
    assert time.monotonic() - started < 2
    data = events(r.text)
    assert "[DONE]" not in data
    assert "went silent" in json.loads(data[-1])["error"]["message"]
    assert upstream.wait_closed().client_closed


def test_plain_json_answer_dying_midway_is_not_passed_off_as_complete(serve: Serve) -> None:
    server = serve(OPENAI_API_KEY="sk-good")
    with server.client() as client:
        with pytest.raises(httpx.RemoteProtocolError):
            client.post(CHAT, json=chat("drop-mid-json", stream=False))
        assert client.post(CHAT, json=chat()).status_code == 200


def test_stream_ending_without_done_is_an_error(serve: Serve) -> None:
    server = serve(OPENAI_API_KEY="sk-good")
    with server.client() as client:
        r = client.post(CHAT, json=chat("no-done"))
    data = events(r.text)
    assert "[DONE]" not in data
    assert "ended the answer early" in json.loads(data[-1])["error"]["message"]


def _raw_request(server: Server, body: bytes) -> socket.socket:
    port = int(server.url.rsplit(":", 1)[1])
    sock = socket.create_connection(("127.0.0.1", port))
    head = f"POST {CHAT} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    sock.sendall(head.encode() + body)
    return sock


def test_browser_leaving_before_the_first_byte_closes_the_upstream(serve: Serve, upstream: FakeUpstream) -> None:
    upstream.slow_seconds = 5
    server = serve(OPENAI_API_KEY="sk-good")
    sock = _raw_request(server, json.dumps(chat("slow-headers")).encode())
    while not upstream.seen:
        time.sleep(0.01)
    left = time.monotonic()
    sock.close()
    seen = upstream.wait_closed()
    assert seen.closed_at - left < 0.5
    assert not seen.finished


def test_browser_leaving_mid_stream_closes_the_upstream(serve: Serve, upstream: FakeUpstream) -> None:
    upstream.slow_seconds = 5
    server = serve(OPENAI_API_KEY="sk-good")
    sock = _raw_request(server, json.dumps(chat("slow-stream")).encode())
    assert b"tick" in sock.recv(65536) or b"tick" in sock.recv(65536)
    left = time.monotonic()
    sock.close()
    seen = upstream.wait_closed()
    assert seen.closed_at - left < 0.5
    assert not seen.finished


def test_body_over_the_limit_is_413_and_never_sent_upstream(serve: Serve, upstream: FakeUpstream) -> None:
    server = serve(OPENAI_API_KEY="sk-good", MAX_BODY_BYTES="1000")
    big = chat(messages=[{"role": "user", "content": "x" * 2000}])
    with server.client() as client:
        r = client.post(CHAT, json=big)
        # Without Content-Length (chunked upload) the limit holds too.
        r2 = client.post(CHAT, content=iter([json.dumps(big).encode()]), headers={"Content-Type": "application/json"})
        ok = client.post(CHAT, json=chat())
    assert r.status_code == 413 and r.json()["code"] == "body_too_large"
    assert r2.status_code == 413
    assert ok.status_code == 200
    assert len(upstream.seen) == 1


@pytest.mark.parametrize("body", [b"{not json", b"[1, 2]", b"\xff\xfe", b""])
def test_malformed_body_is_400_and_the_server_keeps_working(serve: Serve, body: bytes) -> None:
    server = serve(OPENAI_API_KEY="sk-good")
    with server.client() as client:
        r = client.post(CHAT, content=body, headers={"Content-Type": "application/json"})
        assert r.status_code == 400
        assert r.json()["code"] == "invalid_json"
        assert client.post(CHAT, json=chat()).status_code == 200


def test_chat_without_a_model_is_400(serve: Serve, upstream: FakeUpstream) -> None:
    server = serve(OPENAI_API_KEY="sk-good")
    with server.client() as client:
        r = client.post(CHAT, json={"messages": []})
    assert r.status_code == 400 and r.json()["code"] == "missing_model"
    assert upstream.seen == []


def test_no_server_key_and_no_user_key_says_what_to_do(serve: Serve) -> None:
    server = serve()
    with server.client() as client:
        r = client.post(CHAT, json=chat())
    assert r.status_code == 401
    assert r.json()["code"] == "missing_api_key"
    assert "your own key" in r.json()["msg"]


@pytest.mark.parametrize(
    ("status", "body", "reason"),
    [
        (401, b"{}", "unauthorized"),
        (429, b'{"error":{"code":"insufficient_quota"}}', "quota"),
        (429, b'{"error":{"code":"rate_limit_exceeded"}}', "rate_limited"),
        (403, b"You exceeded your current quota", "quota"),
        (403, b"{}", None),
        (500, b"{}", None),
        (400, b"{}", None),
    ],
)
def test_refusal_reasons(status: int, body: bytes, reason: str | None) -> None:
    assert refusal(status, body) == reason


def test_many_concurrent_streams_all_complete(serve: Serve) -> None:
    import asyncio

    server = serve(OPENAI_API_KEY="sk-good")

    async def run() -> list[str]:
        async with httpx.AsyncClient(base_url=server.url, timeout=20) as client:

            async def one() -> str:
                r = await client.post(CHAT, json=chat())
                return content_of(r.text)

            return await asyncio.gather(*(one() for _ in range(150)))

    assert set(asyncio.run(run())) == {"Hello from the fake upstream."}


# --- what the relay tells the meter ----------------------------------------------


def test_a_stream_asks_for_its_usage_and_the_browser_gets_it_too(serve: Serve, upstream: FakeUpstream) -> None:
    server = serve(OPENAI_API_KEY="sk-good")
    with server.client() as client:
        streamed = client.post(CHAT, json=chat())
        whole = client.post(CHAT, json=chat(stream=False))
        kept = client.post(CHAT, json=chat(stream_options={"include_usage": True, "x": 1}))
        added = client.post(CHAT, json=chat(stream_options={"x": 1}))
    assert [r.status_code for r in (streamed, whole, kept, added)] == [200] * 4
    usage = json.loads(events(streamed.text)[-2])["usage"]
    assert usage == {"prompt_tokens": 5, "completion_tokens": 6, "total_tokens": 11}
    bodies = [seen.body for seen in upstream.seen]
    assert bodies[0]["stream_options"] == {"include_usage": True}
    assert "stream_options" not in bodies[1]
    assert bodies[2]["stream_options"] == bodies[3]["stream_options"] == {"include_usage": True, "x": 1}


USAGE_TAIL = (
    b'data: {"choices":[{"delta":{"content":"\\"usage\\": {\\"prompt_tokens\\": 999"}}],"usage":null}\n\n'
    b'data: {"choices":[],"usage":{"prompt_tokens":12,"completion_tokens":34,"total_tokens":46,'
    b'"prompt_tokens_details":{"cached_tokens":0}}}\n\ndata: [DONE]\n\n'
)


@pytest.mark.parametrize(
    ("tail", "usage"),
    [
        (USAGE_TAIL, (12, 34)),
        # Only the last chunk's usage counts; chunks before it say null.
        (USAGE_TAIL.replace(b'"usage":{', b'"usage":null,"x":{'), None),
        # Text that talks about usage is escaped JSON, and cannot pass for it.
        (
            b'data: {"choices":[{"delta":{"content":"\\"usage\\":{\\"prompt_tokens\\":9,\\"completion_tokens\\":9}"}}]}\n\n',
            None,
        ),
        (b'{"id":"x","choices":[],"usage": {"prompt_tokens": 5, "completion_tokens": 6, "total_tokens": 11}}', (5, 6)),
        (b"", None),
    ],
)
def test_usage_is_read_from_the_tail(tail: bytes, usage: tuple[int, int] | None) -> None:
    assert openai_usage(b"", tail) == usage


async def test_the_relay_reports_how_far_each_answer_came(upstream: FakeUpstream, tmp_path: Path) -> None:
    env = {"OPENAI_API_KEY": "sk-good", "BASE_URL": upstream.url, "DATA_DIR": str(tmp_path)}
    services = Services.build(load_settings(env, env_file=NO_ENV_FILE))
    target = services.providers["openai"].target
    sent: list[dict[str, object]] = []

    async def send(message: dict[str, object]) -> None:
        sent.append(message)

    def request(model: str, **extra: object) -> UpstreamRequest:
        body = json.dumps(chat(model, **extra)).encode()
        return UpstreamRequest(target, "POST", "v1/chat/completions", body)

    try:
        answered = await services.relay.stream(request("gpt-4o", stream_options={"include_usage": True}), send)
        # six words, the stop chunk, the usage chunk and [DONE]
        assert (answered.status, answered.events, answered.usage) == (200, 9, (5, 6))
        assert answered.size == sum(len(m.get("body", b"")) for m in sent)  # type: ignore[arg-type]
        sent.clear()
        broken = await services.relay.stream(request("drop-mid-stream"), send)
        assert (broken.status, broken.events, broken.usage) == (200, 2, None)  # two words, then the cut
        assert broken.completion_estimate() == 2
        failed = await services.relay.stream(request("fail-500"), send)
        assert (failed.status, failed.events, failed.usage) == (500, 0, None)
        whole = await services.relay.stream(request("gpt-4o", stream=False), send)
        assert (whole.status, whole.events, whole.usage) == (200, 0, (5, 6))
    finally:
        await services.client.close()
        await services.store.close()
