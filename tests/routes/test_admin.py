"""/admin and /api/admin/*: closed without ADMIN_CODE, then login, overview, unlock."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
import threading
import time
from collections.abc import Callable, Coroutine, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from chatnext.store import UsageRecord
from chatnext.store.sqlite import SQLiteStore
from tests.conftest import Server
from tests.fake_upstream import FakeUpstream

Serve = Callable[..., Server]
ADMIN = "adm1n-Sesame-42"
CODE = "user-code-7"
CHAT = "/api/openai/v1/chat/completions"
BODY = {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "hi"}]}
DAY = 86400.0


def run(coro: Coroutine[Any, Any, Any]) -> Any:
    """asyncio.run, also from a thread with a running loop (the browser tests have one)."""
    result: list[Any] = []
    thread = threading.Thread(target=lambda: result.append(asyncio.run(coro)))
    thread.start()
    thread.join(30)
    return result[0]


def seed(data_dir: Path, records: list[UsageRecord]) -> None:
    """Usage written straight into the server's SQLite file, as metering would."""

    async def write() -> None:
        store = SQLiteStore(data_dir / "chatnext.db")
        try:
            for record in records:
                await store.record_usage(record)
        finally:
            await store.close()

    run(write())


def record(
    code: str,
    model: str,
    *,
    days_ago: int = 0,
    prompt: int = 100,
    completion: int = 50,
    cost: float = 0.01,
    status: int = 200,
    provider: str = "openai",
) -> UsageRecord:
    at = time.time() - days_ago * DAY
    return UsageRecord(at, code, model, provider, prompt, completion, cost, status, 0.5)


def daily(day: str, code: str, requests: int, errors: int, prompt: int, completion: int, cost: float) -> dict[str, Any]:
    return {
        "day": day,
        "code": code,
        "requests": requests,
        "errors": errors,
        "promptTokens": prompt,
        "completionTokens": completion,
        "cost": cost,
    }


def login(client: httpx.Client, code: str = ADMIN) -> httpx.Response:
    return client.post("/api/admin/auth", json={"code": code})


@contextlib.contextmanager
def admin_client(server: Server) -> Iterator[httpx.Client]:
    with server.client() as client:
        assert login(client).status_code == 200
        yield client


def test_closed_by_default_and_indistinguishable_from_unknown_paths(serve: Serve) -> None:
    unknown = f"/api/no-such-{secrets.token_hex(4)}/x"
    with serve().client() as client:
        for method in ("GET", "POST", "DELETE", "PUT"):
            absent = client.request(method, unknown)
            for path in ("/api/admin/auth", "/api/admin/overview", "/api/admin/unlock", "/api/admin/x"):
                hidden = client.request(method, path, headers={"Authorization": f"Bearer {ADMIN}"})
                assert (hidden.status_code, hidden.content) == (absent.status_code, absent.content), (method, path)
                assert hidden.headers.get("content-type") == absent.headers.get("content-type")
        page_unknown = client.get(f"/no-such-{secrets.token_hex(4)}")
        for path in ("/admin", "/admin/"):
            page = client.get(path)
            assert (page.status_code, page.content) == (page_unknown.status_code, page_unknown.content), path
        assert client.post("/api/admin/auth", json={"code": ""}).status_code == 404
    assert absent.status_code == 404 and absent.json()["code"] == "not_found"


def test_serves_the_page_shell_when_open(serve: Serve) -> None:
    with serve(ADMIN_CODE=ADMIN).client() as client:
        root = client.get("/")
        for path in ("/admin", "/admin/"):
            r = client.get(path)
            assert r.status_code == 200, path
            assert r.headers["content-type"].startswith("text/html")
            assert r.text == root.text
            assert r.headers["cache-control"] == "no-store"


def test_right_code_sets_a_strict_http_only_cookie(serve: Serve) -> None:
    server = serve(ADMIN_CODE=ADMIN)
    with server.client() as client:
        r = login(client)
        assert r.status_code == 200 and r.json() == {"ok": True}
        assert r.headers["cache-control"] == "no-store"
        cookie = r.headers["set-cookie"]
        pair = cookie.split(";")[0].strip()
        parts = [p.strip().lower() for p in cookie.split(";")]
        assert parts[0].startswith("chatnext_admin=") and len(parts[0]) > 40
        assert "httponly" in parts and "samesite=strict" in parts and "path=/" in parts
        assert f"max-age={12 * 3600}" in parts
        assert "secure" not in parts  # plain http here; https or a trusted proxy's word adds it
        assert ADMIN not in r.text and ADMIN not in cookie

        overview = client.get("/api/admin/overview")
        assert overview.status_code == 200
        assert overview.headers["cache-control"] == "no-store"

        out = client.delete("/api/admin/auth")
        assert out.status_code == 200 and out.headers["cache-control"] == "no-store"
        assert "chatnext_admin=" in out.headers["set-cookie"] and "max-age=0" in out.headers["set-cookie"].lower()
        # The old cookie is dead even if a client keeps it (while a live one, sent the same way, works).
        with server.client() as fresh:
            assert login(fresh).status_code == 200
            live = f"chatnext_admin={fresh.cookies['chatnext_admin']}"
        with server.client() as fresh:
            assert fresh.get("/api/admin/overview", headers={"Cookie": live}).status_code == 200
            stale = fresh.get("/api/admin/overview", headers={"Cookie": pair})
        assert stale.status_code == 401 and stale.json()["code"] == "admin_unauthorized"


def test_every_admin_endpoint_needs_the_cookie_or_the_bearer_code(serve: Serve) -> None:
    server = serve(ADMIN_CODE=ADMIN, CODE=CODE)
    with server.client() as client:
        for method, path in (("GET", "/api/admin/overview"), ("POST", "/api/admin/unlock")):
            r = client.request(method, path, json={"ip": "10.0.0.1"})
            assert r.status_code == 401, path
            assert r.json()["code"] == "admin_unauthorized"
            assert r.headers["cache-control"] == "no-store"
        # A user's session is not an admin session, even when sent under the admin cookie's name.
        user = client.post("/api/auth", json={"code": CODE})
        assert user.status_code == 200
        session = client.cookies["chatnext_session"]
        assert client.get("/api/admin/overview").status_code == 401
        with server.client() as fresh:
            for value in (session, "x.y", ""):
                forged = fresh.get("/api/admin/overview", headers={"Cookie": f"chatnext_admin={value}"})
                assert forged.status_code == 401, value
        # Scripts: the admin code as a bearer token.
        r = client.get("/api/admin/overview", headers={"Authorization": f"Bearer {ADMIN}"})
        assert r.status_code == 200
        r = client.get("/api/admin/overview", headers={"Authorization": "Bearer nope"})
        assert r.status_code == 401 and r.json()["code"] == "wrong_admin_code"
        r = client.get("/api/admin/overview", headers={b"Authorization": "Bearer Ünïcode".encode()})
        assert r.status_code == 401  # not a crash in the comparison
        # The user's access code opens nothing here.
        r = client.get("/api/admin/overview", headers={"Authorization": f"Bearer {CODE}"})
        assert r.status_code == 401
        assert login(client, CODE).status_code == 401
        # Unknown admin paths and methods.
        assert client.get("/api/admin/nothing", headers={"Authorization": f"Bearer {ADMIN}"}).status_code == 404
        assert client.get("/api/admin/unlock", headers={"Authorization": f"Bearer {ADMIN}"}).status_code == 405


def test_wrong_admin_codes_lock_the_address_like_access_codes(serve: Serve, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    server = serve(ADMIN_CODE=ADMIN, CODE=CODE)
    with server.client() as client:
        empty = client.post("/api/admin/auth", json={"code": " "})
        assert empty.status_code == 400 and empty.json()["code"] == "empty_admin_code"
        assert client.post("/api/admin/auth", content=b"{").status_code == 400
        # Wrong access codes and wrong admin codes count on the same throttle.
        for _ in range(2):
            assert client.post("/api/auth", json={"code": "guess-access"}).status_code == 401
        for _ in range(2):
            r = login(client, "guess-admin")
            assert r.status_code == 401 and r.json()["code"] == "wrong_admin_code"
            assert r.headers["cache-control"] == "no-store"
        locked = login(client, "guess-admin")
        assert locked.status_code == 429 and locked.json()["code"] == "access_locked"
        assert int(locked.headers["retry-after"]) > 0
        # While locked even the right code is refused, by form and by bearer.
        again = login(client)
        assert again.status_code == 429 and "set-cookie" not in again.headers
        bearer = client.get("/api/admin/overview", headers={"Authorization": f"Bearer {ADMIN}"})
        assert bearer.status_code == 429
        assert client.post("/api/auth", json={"code": CODE}).status_code == 429

    lines = [r.getMessage() for r in caplog.records if "got admin code" in r.getMessage()]
    outcomes = [line.split("outcome=")[1].split()[0] for line in lines]
    assert outcomes == ["wrong", "wrong", "wrong", "locked", "locked"]
    assert all("ip=127.0.0.1" in line for line in lines)
    everything = "\n".join(r.getMessage() for r in caplog.records)
    for secret in (ADMIN, "guess-admin", CODE, "guess-access"):
        assert secret not in everything


def test_a_right_code_resets_the_count(serve: Serve) -> None:
    server = serve(ADMIN_CODE=ADMIN)
    with server.client() as client:
        for _ in range(4):
            assert login(client, "wrong").status_code == 401
        assert login(client).status_code == 200
        for _ in range(4):
            assert login(client, "wrong").status_code == 401
        assert login(client).status_code == 200


def test_overview_sums_usage_per_day_code_and_model(serve: Serve, tmp_path: Path) -> None:
    server = serve(ADMIN_CODE=ADMIN, DATA_DIR=str(tmp_path))
    seed(
        tmp_path,
        [
            record("alice", "gpt-4o", prompt=1000, completion=500, cost=0.5),
            record("alice", "gpt-4o", prompt=10, completion=5, cost=0.25, status=502),
            record("alice", "gpt-4o-mini", prompt=200, completion=100, cost=0.01),
            record(
                "bob", "claude-3-5-sonnet", provider="anthropic", days_ago=1, prompt=3000, completion=1000, cost=2.0
            ),
            record("", "gpt-4o-mini", days_ago=29, prompt=1, completion=1, cost=0.0),
            record("carol", "gpt-4o", days_ago=45, prompt=999, completion=999, cost=9.0),  # outside 30 days
        ],
    )
    today = datetime.now(UTC).date()
    with admin_client(server) as client:
        r = client.get("/api/admin/overview")
        week = client.get("/api/admin/overview", params={"days": 7}).json()
        year = client.get("/api/admin/overview", params={"days": 366}).json()
        for bad in ("0", "367", "abc", "-1", "1.5"):
            refused = client.get("/api/admin/overview", params={"days": bad})
            assert refused.status_code == 400 and refused.json()["code"] == "invalid_days", bad
    assert r.status_code == 200
    o = r.json()
    assert len(o["days"]) == 30 and o["days"][-1] == today.isoformat()
    assert o["days"][0] == (today - timedelta(days=29)).isoformat()
    assert o["currency"] == "USD"
    yesterday = (today - timedelta(days=1)).isoformat()
    assert o["usage"] == [
        daily(o["days"][0], "", 1, 0, 1, 1, 0.0),
        daily(yesterday, "bob", 1, 0, 3000, 1000, 2.0),
        daily(today.isoformat(), "alice", 3, 1, 1210, 605, 0.76),
    ]
    assert o["byCode"] == [
        {"code": "bob", "requests": 1, "tokens": 4000, "cost": 2.0},
        {"code": "alice", "requests": 3, "tokens": 1815, "cost": 0.76},
        {"code": "", "requests": 1, "tokens": 2, "cost": 0.0},
    ]
    assert o["topModels"] == [
        {"model": "claude-3-5-sonnet", "provider": "anthropic", "requests": 1, "tokens": 4000, "cost": 2.0},
        {"model": "gpt-4o", "provider": "openai", "requests": 2, "tokens": 1515, "cost": 0.75},
        {"model": "gpt-4o-mini", "provider": "openai", "requests": 2, "tokens": 302, "cost": 0.01},
    ]
    assert o["totals"] == {
        "requests": 5,
        "errors": 1,
        "promptTokens": 4211,
        "completionTokens": 1606,
        "tokens": 5817,
        "cost": 2.76,
    }
    assert o["lockouts"] == [] and o["failures"] == [] and o["keys"] == []
    assert len(week["days"]) == 7 and [u["code"] for u in week["usage"]] == ["bob", "alice"]
    assert len(year["days"]) == 366 and "carol" in {c["code"] for c in year["byCode"]}


def test_top_models_keeps_the_ten_dearest(serve: Serve, tmp_path: Path) -> None:
    server = serve(ADMIN_CODE=ADMIN, DATA_DIR=str(tmp_path))
    seed(tmp_path, [record("team", f"model-{n:02d}", cost=n / 100) for n in range(1, 13)])
    with admin_client(server) as client:
        models = client.get("/api/admin/overview").json()["topModels"]
    assert [m["model"] for m in models] == [f"model-{n:02d}" for n in range(12, 2, -1)]


def test_lockouts_and_failures_show_and_unlock_removes_them(serve: Serve) -> None:
    server = serve(ADMIN_CODE=ADMIN, CODE=CODE)
    with admin_client(server) as admin, server.client() as user:
        for _ in range(5):
            user.post("/api/auth", json={"code": "wrong-guess"})
        assert user.post("/api/auth", json={"code": CODE}).status_code == 429
        o = admin.get("/api/admin/overview").json()
        assert [lock["ip"] for lock in o["lockouts"]] == ["127.0.0.1"]
        assert 0 < o["lockouts"][0]["secondsLeft"] <= 600
        assert len(o["failures"]) == 5
        assert all(set(f) == {"ip", "at", "hash"} for f in o["failures"])
        assert all(f["ip"] == "127.0.0.1" and len(f["hash"]) == 8 for f in o["failures"])
        assert o["failures"][0]["at"] >= o["failures"][-1]["at"] and time.time() - o["failures"][0]["at"] < 60

        for bad in ({}, {"ip": ""}, {"ip": 7}):
            r = admin.post("/api/admin/unlock", json=bad)
            assert r.status_code == 400 and r.json()["code"] == "missing_ip"
        r = admin.post("/api/admin/unlock", json={"ip": "127.0.0.1"})
        assert r.status_code == 200 and r.json() == {"ok": True} and r.headers["cache-control"] == "no-store"
        assert admin.get("/api/admin/overview").json()["lockouts"] == []
        assert user.post("/api/auth", json={"code": CODE}).status_code == 200
        for text in (r.text, admin.get("/api/admin/overview").text):
            assert CODE not in text and ADMIN not in text and "wrong-guess" not in text


def test_keys_in_cool_down_show_masked(serve: Serve, upstream: FakeUpstream) -> None:
    revoked, good = "sk-401-revoked-key-0001", "sk-good-key-abcdef-9999"
    server = serve(ADMIN_CODE=ADMIN, OPENAI_API_KEY=f"{revoked},{good}")
    with admin_client(server) as client:
        keys: list[dict[str, Any]] = []
        # Keys are tried in random order: chat until the revoked one was tried (and refused).
        for _ in range(30):
            assert client.post(CHAT, json=BODY).status_code == 200
            overview = client.get("/api/admin/overview")
            keys = overview.json()["keys"]
            if keys:
                break
        assert keys == [{"provider": "openai", "key": "sk-…0001", "secondsLeft": 3600, "reason": "unauthorized"}]
        assert revoked not in overview.text and good not in overview.text
        assert "sk-401" not in overview.text
