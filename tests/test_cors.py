"""CORS: closed by default, exact origins with credentials, `*` without."""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Callable

import httpx

from tests.conftest import Server
from tests.fake_upstream import FakeUpstream, Seen
from tests.test_relay import CHAT, chat, content_of, events

Serve = Callable[..., Server]

APP = "https://app.example.com"
EVIL = "https://evil.example"


def preflight(
    client: httpx.Client, origin: str, path: str = CHAT, headers: str = "authorization, content-type"
) -> httpx.Response:
    return client.options(
        path,
        headers={"Origin": origin, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": headers},
    )


def chats(upstream: FakeUpstream) -> list[Seen]:
    """Requests to the chat path (the server also fetches the model list on its own)."""
    return [s for s in upstream.seen if s.path.endswith("/chat/completions")]


def cors_headers(r: httpx.Response) -> dict[str, str]:
    return {k.lower(): v for k, v in r.headers.multi_items() if k.lower().startswith("access-control-")}


def vary(r: httpx.Response) -> list[str]:
    values = r.headers.get_list("vary")
    assert len(values) <= 1, f"Vary went out twice: {values}"
    return [v.strip() for v in values[0].split(",")] if values else []


# --- closed (the default) ------------------------------------------------------------


def test_closed_by_default_no_header_and_preflight_refused_before_the_routes(
    serve: Serve, upstream: FakeUpstream
) -> None:
    with serve(OPENAI_API_KEY="sk-good").client() as client:
        simple = client.get("/api/config", headers={"Origin": EVIL})
        refused = preflight(client, EVIL)
        chat_from_afar = client.post(CHAT, json=chat(), headers={"Origin": EVIL})
    assert simple.status_code == 200
    assert cors_headers(simple) == {} and vary(simple) == []
    assert refused.status_code == 403
    assert refused.json() == {
        "error": True,
        "code": "origin_not_allowed",
        "msg": refused.json()["msg"],
        "message": refused.json()["msg"],
    }
    assert EVIL in refused.json()["msg"] and "CORS_ORIGINS" in refused.json()["msg"]
    assert cors_headers(refused) == {}
    assert refused.headers["x-content-type-options"] == "nosniff"  # the refusal is secured like the rest
    # Only the direct POST reached the upstream; the preflight never did.
    assert [s.method for s in chats(upstream)] == ["POST"]
    assert cors_headers(chat_from_afar) == {}  # the browser will not let the page read it


def test_same_origin_requests_pass_untouched(serve: Serve) -> None:
    server = serve(CORS_ORIGINS=APP)
    with server.client() as client:
        page = client.get("/api/config", headers={"Origin": server.url})
        # The server's own origin never preflights; if something does, the route answers it.
        own = preflight(client, server.url, "/api/config")
        none = client.get("/api/config")
    assert cors_headers(page) == {} and vary(page) == []
    assert cors_headers(none) == {} and vary(none) == []
    assert own.status_code == 405 and own.json()["code"] == "method_not_allowed"


# --- exact origins --------------------------------------------------------------------


def test_listed_origin_is_echoed_with_credentials(serve: Serve) -> None:
    with serve(CORS_ORIGINS=f"https://other.example, {APP}").client() as client:
        r = client.get("/api/config", headers={"Origin": APP})
    assert r.headers.get_list("access-control-allow-origin") == [APP]
    assert r.headers.get_list("access-control-allow-credentials") == ["true"]
    assert "retry-after" in r.headers["access-control-expose-headers"]
    assert vary(r) == ["Origin"]


def test_origins_are_matched_without_case_or_a_trailing_slash(serve: Serve) -> None:
    with serve(CORS_ORIGINS="HTTPS://App.Example.com/").client() as client:
        r = client.get("/api/config", headers={"Origin": APP})
    assert r.headers["access-control-allow-origin"] == APP


def test_unlisted_origin_gets_nothing_and_its_preflight_is_refused(serve: Serve, upstream: FakeUpstream) -> None:
    with serve(CORS_ORIGINS=APP, OPENAI_API_KEY="sk-good").client() as client:
        r = client.get("/api/config", headers={"Origin": EVIL})
        near_miss = client.get("/api/config", headers={"Origin": APP + ".evil.example"})
        refused = preflight(client, EVIL)
    for resp in (r, near_miss):
        assert cors_headers(resp) == {}
        assert vary(resp) == ["Origin"]  # a cache must not hand this to the listed origin, or back
    assert refused.status_code == 403 and refused.json()["code"] == "origin_not_allowed"
    assert cors_headers(refused) == {}
    assert chats(upstream) == []


def test_preflight_for_a_listed_origin(serve: Serve, upstream: FakeUpstream) -> None:
    wanted = "Authorization, Content-Type, X-Stainless-OS, anthropic-version"
    with serve(CORS_ORIGINS=APP).client() as client:
        r = preflight(client, APP, headers=wanted)
    assert r.status_code == 204 and r.content == b""
    assert cors_headers(r) == {
        "access-control-allow-origin": APP,
        "access-control-allow-credentials": "true",
        "access-control-allow-methods": "GET, POST, OPTIONS",
        "access-control-allow-headers": wanted.lower(),
        "access-control-max-age": "600",
    }
    assert vary(r) == ["Origin", "Access-Control-Request-Headers"]
    assert r.headers["content-security-policy"]
    assert chats(upstream) == []


def test_a_malformed_header_list_is_not_echoed(serve: Serve) -> None:
    with serve(CORS_ORIGINS=APP).client() as client:
        r = preflight(client, APP, headers="content-type, evil: yes")
    assert r.status_code == 204
    assert "access-control-allow-headers" not in r.headers


def test_vary_is_merged_with_a_handlers_own(serve: Serve) -> None:
    with serve(CORS_ORIGINS=APP).client() as client:
        r = client.get("/sw.js", headers={"Origin": APP})
    assert vary(r) == ["Accept-Encoding", "Origin"]
    assert r.headers["access-control-allow-origin"] == APP


def test_a_streamed_answer_to_a_listed_origin(serve: Serve) -> None:
    with (
        serve(CORS_ORIGINS=APP, OPENAI_API_KEY="sk-good").client() as client,
        client.stream("POST", CHAT, json=chat(), headers={"Origin": APP, "Authorization": "Bearer x"}) as r,
    ):
        assert r.headers["access-control-allow-origin"] == APP
        assert r.headers["access-control-allow-credentials"] == "true"
        text = r.read().decode()
    assert r.headers["content-type"].startswith("text/event-stream")
    assert content_of(text) == "Hello from the fake upstream."
    assert events(text)[-1] == "[DONE]"


def test_a_listed_origin_leaving_mid_stream_still_closes_the_upstream(serve: Serve, upstream: FakeUpstream) -> None:
    upstream.slow_seconds = 5
    server = serve(CORS_ORIGINS=APP, OPENAI_API_KEY="sk-good")
    body = json.dumps(chat("slow-stream")).encode()
    head = (
        f"POST {CHAT} HTTP/1.1\r\nHost: x\r\nOrigin: {APP}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    )
    sock = socket.create_connection(("127.0.0.1", int(server.url.rsplit(":", 1)[1])))
    sock.sendall(head.encode() + body)
    received = b""
    while b"tick" not in received:
        received += sock.recv(65536)
    assert f"access-control-allow-origin: {APP}".encode() in received.lower()
    left = time.monotonic()
    sock.close()
    seen = upstream.wait_closed()
    assert seen.closed_at - left < 0.5
    assert not seen.finished


# --- any origin -----------------------------------------------------------------------


def test_star_allows_any_origin_never_with_credentials(serve: Serve) -> None:
    with serve(CORS_ORIGINS="*", OPENAI_API_KEY="sk-good").client() as client:
        r = client.get("/api/config", headers={"Origin": EVIL})
        pre = preflight(client, EVIL)
        streamed = client.post(CHAT, json=chat(), headers={"Origin": EVIL})
    for resp in (r, pre, streamed):
        assert resp.headers.get_list("access-control-allow-origin") == ["*"]
        assert "access-control-allow-credentials" not in resp.headers
    assert pre.status_code == 204
    assert pre.headers["access-control-allow-methods"] == "GET, POST, OPTIONS"
    # `*` in Allow-Headers would not cover Authorization: the list is named.
    assert pre.headers["access-control-allow-headers"] == "authorization, content-type"
    assert pre.headers["access-control-max-age"] == "600"
    assert "Origin" not in vary(r)
    assert content_of(streamed.text) == "Hello from the fake upstream."


def test_listed_origins_beside_star_keep_their_credentials(serve: Serve) -> None:
    with serve(CORS_ORIGINS=f"*,{APP}").client() as client:
        mine = client.get("/api/config", headers={"Origin": APP})
        theirs = client.get("/api/config", headers={"Origin": EVIL})
    assert mine.headers["access-control-allow-origin"] == APP
    assert mine.headers["access-control-allow-credentials"] == "true"
    assert theirs.headers["access-control-allow-origin"] == "*"
    assert "access-control-allow-credentials" not in theirs.headers
