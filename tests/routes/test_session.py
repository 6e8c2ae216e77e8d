"""/api/auth: the access code traded once for an HttpOnly session cookie."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import httpx

from tests.conftest import Server, start_server
from tests.fake_upstream import FakeUpstream

Serve = Callable[..., Server]
CHAT = "/api/openai/v1/chat/completions"
BODY = {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "hi"}]}


def login(client: httpx.Client, code: str) -> httpx.Response:
    return client.post("/api/auth", json={"code": code})


def test_login_sets_a_strict_httponly_cookie_that_chats(serve: Serve, upstream: FakeUpstream) -> None:
    server = serve(CODE="family-code", OPENAI_API_KEY="sk-server")
    with server.client() as client:
        reply = login(client, "family-code")
        assert reply.status_code == 200 and reply.json()["ok"] is True
        cookie = reply.headers["set-cookie"]
        assert cookie.startswith("chatnext_session=")
        flags = {part.strip().lower() for part in cookie.split(";")[1:]}
        assert {"httponly", "samesite=strict", "path=/"} <= flags
        assert "secure" not in flags  # plain http here; see the proxy test
        assert "family-code" not in cookie
        assert client.get("/api/auth").json() == {"needCode": True, "session": True, "label": reply.json()["label"]}
        chat = client.post(CHAT, json=BODY)  # no Authorization header: the cookie alone
    assert chat.status_code == 200
    assert upstream.seen[-1].headers["Authorization"] == "Bearer sk-server"


def test_logout_ends_the_session_everywhere(serve: Serve) -> None:
    server = serve(CODE="family-code", OPENAI_API_KEY="sk-server")
    with server.client() as client:
        login(client, "family-code")
        stolen = client.cookies["chatnext_session"]
        assert client.delete("/api/auth").status_code == 200
        assert client.post(CHAT, json=BODY).json()["code"] == "empty_access_code"
    # The old cookie value, replayed, is dead too: the store forgot the session.
    with server.client(cookies={"chatnext_session": stolen}) as other:
        reply = other.post(CHAT, json=BODY)
    assert reply.status_code == 401 and reply.json()["code"] == "session_expired"


def test_forged_cookies_are_refused(serve: Serve) -> None:
    server = serve(CODE="family-code", OPENAI_API_KEY="sk-server")
    with server.client() as client:
        login(client, "family-code")
        sid, _, signature = client.cookies["chatnext_session"].partition(".")
    for forged in (f"{sid}.{'0' * 32}", f"other.{signature}", "garbage"):
        with server.client(cookies={"chatnext_session": forged}) as other:
            assert other.post(CHAT, json=BODY).json()["code"] == "session_expired"


def test_rotating_the_code_ends_its_sessions(upstream: FakeUpstream, tmp_path: Path) -> None:
    env = {"BASE_URL": upstream.url, "OPENAI_API_KEY": "sk-server", "DATA_DIR": str(tmp_path)}
    first = start_server({**env, "CODE": "old-code,kept-code"})
    try:
        with first.client() as client:
            login(client, "old-code")
            old = client.cookies["chatnext_session"]
            login(client, "kept-code")
            kept = client.cookies["chatnext_session"]
    finally:
        first.stop()
    second = start_server({**env, "CODE": "new-code,kept-code"})  # same DATA_DIR: same store and secret
    try:
        with second.client(cookies={"chatnext_session": old}) as client:
            assert client.post(CHAT, json=BODY).json()["code"] == "session_expired"
        with second.client(cookies={"chatnext_session": kept}) as client:
            assert client.post(CHAT, json=BODY).status_code == 200
    finally:
        second.stop()


def test_wrong_codes_at_login_and_as_bearer_share_one_lockout(serve: Serve, upstream: FakeUpstream) -> None:
    server = serve(CODE="family-code", OPENAI_API_KEY="sk-server")
    with server.client() as client:
        for i in range(3):
            assert login(client, f"guess-{i}").json()["code"] == "wrong_access_code"
        for i in range(2):
            client.post(CHAT, json=BODY, headers={"Authorization": f"Bearer nk-bearer-{i}"})
        locked = login(client, "family-code")
    assert locked.status_code == 429 and locked.json()["code"] == "access_locked"
    assert int(locked.headers["Retry-After"]) > 500
    assert "set-cookie" not in locked.headers
    assert upstream.seen == []


def test_login_behind_a_trusted_tls_proxy_sets_secure(serve: Serve) -> None:
    server = serve(CODE="family-code", TRUSTED_PROXIES="127.0.0.1")
    headers = {"X-Forwarded-For": "203.0.113.5", "X-Forwarded-Proto": "https"}
    with server.client(headers=headers) as client:
        cookie = login(client, "family-code").headers["set-cookie"].lower()
    assert "; secure" in cookie
    # An untrusted client cannot ask for it (nor be harmed by its absence).
    with server.client(headers={"X-Forwarded-Proto": "https"}) as client:
        assert "; secure" not in login(client, "family-code").headers["set-cookie"].lower()


def test_bad_login_bodies_get_clear_errors(serve: Serve) -> None:
    server = serve(CODE="family-code")
    with server.client() as client:
        assert client.post("/api/auth", content=b"{not json").json()["code"] == "invalid_json"
        assert client.post("/api/auth", json={"code": ""}).json()["code"] == "empty_access_code"
        assert client.post("/api/auth", json=["family-code"]).status_code == 400


def test_open_server_needs_no_login(serve: Serve) -> None:
    server = serve()
    with server.client() as client:
        assert login(client, "anything").json() == {"ok": True, "needCode": False}
        assert client.get("/api/auth").json()["needCode"] is False
