"""Access codes over HTTP: codes, own keys, lockout, and what the log says."""

from __future__ import annotations

import logging
from collections.abc import Callable

import pytest

from chatnext.auth import AccessControl, bearer_token
from chatnext.config import Settings
from chatnext.errors import HTTPError
from chatnext.throttle import Throttle
from tests.conftest import Server
from tests.fake_upstream import FakeUpstream

Serve = Callable[..., Server]
CHAT = "/api/openai/v1/chat/completions"
BODY = {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "hi"}]}


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_right_code_uses_the_server_key(serve: Serve, upstream: FakeUpstream) -> None:
    server = serve(CODE="alpha, beta ,", OPENAI_API_KEY="sk-server")
    with server.client() as client:
        for code in ("alpha", "beta"):
            r = client.post(CHAT, json=BODY, headers=bearer(f"nk-{code}"))
            assert r.status_code == 200
    assert {s.headers["Authorization"] for s in upstream.seen} == {"Bearer sk-server"}


@pytest.mark.parametrize(
    ("headers", "status", "code"),
    [
        ({}, 401, "empty_access_code"),
        (bearer("nk-wrong"), 401, "wrong_access_code"),
        (bearer("nk-"), 401, "wrong_access_code"),
        ({"Authorization": "Basic nk-alpha"}, 401, "empty_access_code"),
    ],
)
def test_missing_or_wrong_code_is_refused_before_the_upstream(
    serve: Serve, upstream: FakeUpstream, headers: dict[str, str], status: int, code: str
) -> None:
    server = serve(CODE="alpha", OPENAI_API_KEY="sk-server")
    with server.client() as client:
        r = client.post(CHAT, json=BODY, headers=headers)
    assert r.status_code == status
    assert r.json() == {"error": True, "code": code, "msg": r.json()["msg"], "message": r.json()["msg"]}
    assert upstream.seen == []


def test_no_code_configured_means_open(serve: Serve) -> None:
    server = serve(OPENAI_API_KEY="sk-server")
    with server.client() as client:
        assert client.post(CHAT, json=BODY).status_code == 200
        assert client.post(CHAT, json=BODY, headers=bearer("nk-anything")).status_code == 200


def test_own_key_is_used_for_the_upstream(serve: Serve, upstream: FakeUpstream) -> None:
    server = serve(CODE="alpha", OPENAI_API_KEY="sk-server")
    with server.client() as client:
        r = client.post(CHAT, json=BODY, headers=bearer("sk-users-own"))
    assert r.status_code == 200
    assert upstream.seen[-1].headers["Authorization"] == "Bearer sk-users-own"


def test_own_key_refused_when_hidden(serve: Serve, upstream: FakeUpstream) -> None:
    server = serve(CODE="alpha", OPENAI_API_KEY="sk-server", HIDE_USER_API_KEY="1")
    with server.client() as client:
        r = client.post(CHAT, json=BODY, headers=bearer("sk-users-own"))
    assert r.status_code == 401
    assert r.json()["msg"] == "you are not allowed to access with your own api key"
    assert upstream.seen == []


def test_five_wrong_codes_lock_the_address_even_for_the_right_code(serve: Serve, upstream: FakeUpstream) -> None:
    server = serve(CODE="alpha", OPENAI_API_KEY="sk-server")
    with server.client() as client:
        statuses = [client.post(CHAT, json=BODY, headers=bearer(f"nk-guess{i}")).status_code for i in range(5)]
        assert statuses == [401, 401, 401, 401, 429]
        r = client.post(CHAT, json=BODY, headers=bearer("nk-alpha"))
    assert r.status_code == 429
    assert r.json()["code"] == "access_locked"
    assert 590 <= int(r.headers["Retry-After"]) <= 600
    assert upstream.seen == []


def test_lockout_is_per_address_behind_a_trusted_proxy(serve: Serve) -> None:
    server = serve(CODE="alpha", OPENAI_API_KEY="sk-server", TRUSTED_PROXIES="127.0.0.1")
    with server.client() as client:
        attacker = {**bearer("nk-guess"), "X-Forwarded-For": "203.0.113.9"}
        for _ in range(5):
            client.post(CHAT, json=BODY, headers=attacker)
        locked = client.post(CHAT, json=BODY, headers={**bearer("nk-alpha"), "X-Forwarded-For": "203.0.113.9"})
        other = client.post(CHAT, json=BODY, headers={**bearer("nk-alpha"), "X-Forwarded-For": "198.51.100.7"})
    assert locked.status_code == 429
    assert other.status_code == 200


def test_forwarded_for_is_ignored_without_trusted_proxies(serve: Serve) -> None:
    server = serve(CODE="alpha", OPENAI_API_KEY="sk-server")
    with server.client() as client:
        # Rotating the header must not give an attacker fresh addresses.
        for i in range(5):
            client.post(CHAT, json=BODY, headers={**bearer("nk-guess"), "X-Forwarded-For": f"10.0.0.{i}"})
        r = client.post(CHAT, json=BODY, headers={**bearer("nk-alpha"), "X-Forwarded-For": "10.9.9.9"})
    assert r.status_code == 429


def test_every_attempt_logs_outcome_ip_and_hash_never_the_code(serve: Serve, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    server = serve(CODE="s3cret-code", OPENAI_API_KEY="sk-very-secret-key-123")
    with server.client() as client:
        client.post(CHAT, json=BODY, headers=bearer("nk-s3cret-code"))
        for _ in range(5):
            client.post(CHAT, json=BODY, headers=bearer("nk-wrong-guess"))
        client.post(CHAT, json=BODY, headers=bearer("nk-s3cret-code"))
    lines = [r.getMessage() for r in caplog.records if "got access code" in r.getMessage()]
    outcomes = [line.split("outcome=")[1].split()[0] for line in lines]
    assert outcomes == ["ok", "wrong", "wrong", "wrong", "wrong", "wrong", "locked"]
    assert all("ip=127.0.0.1" in line for line in lines)
    hashes = {line.split("hash=")[1].split()[0] for line in lines}
    assert len(hashes) == 2 and all(len(h) == 8 for h in hashes)
    everything = "\n".join(r.getMessage() for r in caplog.records)
    for secret in ("s3cret-code", "wrong-guess", "sk-very-secret-key-123"):
        assert secret not in everything


def test_bearer_token_parsing() -> None:
    assert bearer_token("Bearer nk-x") == "nk-x"
    assert bearer_token("bearer   sk-y ") == "sk-y"
    assert bearer_token("Basic abc") == ""
    assert bearer_token(None) == ""


def test_fingerprint_is_stable_for_one_configuration_and_salted() -> None:
    settings = Settings(code=("alpha",), openai_api_key=("sk-1",))
    a, b = AccessControl(settings), AccessControl(settings)
    assert a.fingerprint("guess") == b.fingerprint("guess")
    other = AccessControl(Settings(code=("beta",), openai_api_key=("sk-1",)))
    assert other.fingerprint("guess") != a.fingerprint("guess")
    import hashlib

    assert a.fingerprint("guess") not in (
        hashlib.sha256(b"guess").hexdigest()[:8],
        hashlib.md5(b"guess").hexdigest()[:8],
    )


def test_lockout_doubles_on_repeat() -> None:
    now = [0.0]
    access = AccessControl(Settings(code=("alpha",)), Throttle(clock=lambda: now[0]))
    waits = []
    for _ in range(3):
        for _ in range(5):
            with pytest.raises(HTTPError):
                access.authorize("nk-bad", "1.2.3.4")
        with pytest.raises(HTTPError) as locked:
            access.authorize("nk-alpha", "1.2.3.4")
        waits.append(int(locked.value.headers["Retry-After"]))
        now[0] += waits[-1] + 1
    assert waits == [600, 1200, 2400]
    assert access.authorize("nk-alpha", "1.2.3.4") is None
