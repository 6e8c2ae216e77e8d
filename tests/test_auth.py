"""Access codes over HTTP: codes, own keys, lockout, and what the log says."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from pathlib import Path

import pytest

from chatnext.auth import AccessControl, Caller, bearer_token
from chatnext.config import Settings
from chatnext.errors import HTTPError
from chatnext.policy import hash_code
from chatnext.store.sqlite import SQLiteStore
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


async def test_fingerprint_is_stable_for_one_secret_and_keyed(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "s.db")
    settings = Settings(code=("alpha",))
    a = AccessControl(settings, Throttle(store), b"secret-1")
    b = AccessControl(settings, Throttle(store), b"secret-1")
    other = AccessControl(settings, Throttle(store), b"secret-2")
    assert a.fingerprint("guess") == b.fingerprint("guess") != other.fingerprint("guess")
    assert a.fingerprint("guess") not in (
        hashlib.sha256(b"guess").hexdigest()[:8],
        hashlib.md5(b"guess").hexdigest()[:8],
    )
    await store.close()


async def test_plain_codes_are_metered_under_their_log_hash(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "s.db")
    access = AccessControl(Settings(code=("alpha",)), Throttle(store), b"k")
    caller = await access.authorize("nk-alpha", "1.2.3.4")
    assert caller.code == f"code-{access.fingerprint('alpha')}" and caller.entry is None and caller.user_key is None
    assert access.caller_for(caller.code_id) == caller
    assert await access.authorize("sk-own", "1.2.3.4") == Caller(user_key="sk-own")
    with pytest.raises(HTTPError) as refused:
        await access.authorize("", "1.2.3.4", session="c:not-a-code")
    assert refused.value.code == "session_expired"
    await store.close()


POLICY = """
[[code]]
label = "alice"
hash = "{alice}"
tokens_per_day = 1000

[[code]]
label = "old"
hash = "{old}"
expires = 2020-01-01
"""


@pytest.fixture(scope="module")
def policy_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("policy") / "policy.toml"
    path.write_text(POLICY.format(alice=hash_code("alice-code-1"), old=hash_code("old-code-12")))
    return path


def test_policy_codes_work_beside_plain_codes(serve: Serve, upstream: FakeUpstream, policy_file: Path) -> None:
    server = serve(CODE="plain-code", OPENAI_API_KEY="sk-server", ACCESS_POLICY_FILE=str(policy_file))
    with server.client() as client:
        assert client.post(CHAT, json=BODY, headers=bearer("nk-alice-code-1")).status_code == 200
        assert client.post(CHAT, json=BODY, headers=bearer("nk-plain-code")).status_code == 200
        expired = client.post(CHAT, json=BODY, headers=bearer("nk-old-code-12"))
        wrong = client.post(CHAT, json=BODY, headers=bearer("nk-alice-code-2"))
    assert expired.status_code == 401 and expired.json()["code"] == "code_expired"
    assert wrong.status_code == 401 and wrong.json()["code"] == "wrong_access_code"
    assert len(upstream.seen) == 2


def test_a_policy_file_alone_needs_a_code(serve: Serve, policy_file: Path) -> None:
    server = serve(OPENAI_API_KEY="sk-server", ACCESS_POLICY_FILE=str(policy_file))
    with server.client() as client:
        assert client.post(CHAT, json=BODY).json()["code"] == "empty_access_code"
        assert client.get("/api/config").json()["needCode"] is True
