"""GET /api/usage: a code's usage today and this month, its limits, when they reset."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from chatnext.pricing import cost_of
from tests.conftest import Server
from tests.fake_upstream import REPLY, FakeUpstream
from tests.test_meter import CHAT, CODE, PRICING, auth, chat, freeze, write_policy

Serve = Callable[..., Server]
LIMITS = "requests_per_minute = 20\ntokens_per_day = 200000\ncost_per_month = 2.5\nexpires = 2099-01-01"


def test_usage_counts_the_codes_requests_today_and_this_month(
    serve: Serve, upstream: FakeUpstream, tmp_path: Path
) -> None:
    server = serve(OPENAI_API_KEY="sk-good", ACCESS_POLICY_FILE=write_policy(tmp_path, LIMITS, ""))
    with server.client(headers=auth()) as client:
        for stream in (True, False, True):
            assert client.post(CHAT, json=chat(stream=stream)).status_code == 200
        assert client.post(CHAT, json=chat("fail-500")).status_code == 500
        r = client.get("/api/usage")
    assert r.status_code == 200
    assert r.headers["cache-control"] == "no-store"
    body = r.json()
    tokens = 3 * (5 + len(REPLY))
    today = {
        "requests": 4,
        "promptTokens": 15,
        "completionTokens": 3 * len(REPLY),
        "tokens": tokens,
        "cost": pytest.approx(3 * cost_of("gpt-4o-mini", 5, len(REPLY), PRICING)),
    }
    assert body["label"] == "alice"
    assert body["today"] == today and body["month"] == today
    assert body["limits"] == {
        "requestsPerMinute": 20,
        "tokensPerDay": 200000,
        "tokensPerMonth": None,
        "costPerDay": None,
        "costPerMonth": 2.5,
    }
    assert body["currency"] == "USD"
    assert body["expires"] == "2099-01-02T00:00:00Z"  # a date keeps the code through that whole day
    now = datetime.now(UTC)
    day = datetime(now.year, now.month, now.day, tzinfo=UTC).timestamp() + 86_400
    month = datetime(now.year + now.month // 12, now.month % 12 + 1, 1, tzinfo=UTC).timestamp()
    assert body["resets"] == {"day": int(day), "month": int(month)}


def test_each_code_sees_its_own_usage(serve: Serve, upstream: FakeUpstream, tmp_path: Path) -> None:
    server = serve(OPENAI_API_KEY="sk-good", ACCESS_POLICY_FILE=write_policy(tmp_path, LIMITS, ""))
    with server.client(headers=auth()) as client:
        assert client.post(CHAT, json=chat()).status_code == 200
    with server.client(headers=auth("budget-code-two")) as client:
        body = client.get("/api/usage").json()
    assert body["label"] == "bob"
    assert body["today"]["requests"] == 0 and body["month"]["tokens"] == 0
    assert body["limits"] == dict.fromkeys(body["limits"])
    assert body["expires"] is None


def test_last_months_usage_is_not_this_months(serve: Serve, upstream: FakeUpstream, tmp_path: Path) -> None:
    server = serve(OPENAI_API_KEY="sk-good", ACCESS_POLICY_FILE=write_policy(tmp_path, LIMITS))
    now = datetime.now(UTC)
    first = datetime(now.year, now.month, 1, tzinfo=UTC).timestamp()
    freeze(server, first - 30)  # the last day of last month
    with server.client(headers=auth()) as client:
        assert client.post(CHAT, json=chat()).status_code == 200
        freeze(server, first + 30)
        assert client.post(CHAT, json=chat()).status_code == 200
        body = client.get("/api/usage").json()
    assert body["month"]["requests"] == 1


def test_usage_needs_the_same_credentials_as_the_relay(serve: Serve, tmp_path: Path) -> None:
    server = serve(OPENAI_API_KEY="sk-good", ACCESS_POLICY_FILE=write_policy(tmp_path, LIMITS))
    with server.client() as client:
        assert client.get("/api/usage").json()["code"] == "empty_access_code"
        assert client.get("/api/usage", headers={"Authorization": "Bearer nk-wrong"}).status_code == 401
        assert client.post("/api/usage", headers=auth()).status_code == 405
        # A session cookie from the page works like the bearer code.
        assert client.post("/api/auth", json={"code": CODE}).status_code == 200
        assert client.get("/api/usage").json()["label"] == "alice"


def test_own_keys_and_open_servers_share_the_empty_label(serve: Serve, upstream: FakeUpstream) -> None:
    server = serve(OPENAI_API_KEY="sk-good")
    with server.client() as client:
        assert client.post(CHAT, json=chat()).status_code == 200
        body = client.get("/api/usage").json()
        assert client.get("/api/usage", headers={"Authorization": "Bearer sk-users-own"}).json() == body
    assert body["label"] == "" and body["today"]["requests"] == 1
    assert body["limits"] == dict.fromkeys(body["limits"])


def test_an_answer_just_received_is_already_counted(serve: Serve, upstream: FakeUpstream, tmp_path: Path) -> None:
    # The page asks for its usage the moment an answer ends: the request it
    # just saw finish must be in the numbers, streamed or not.
    server = serve(OPENAI_API_KEY="sk-good", ACCESS_POLICY_FILE=write_policy(tmp_path, LIMITS, ""))
    with server.client(headers=auth()) as client:
        for n in range(1, 13):
            assert client.post(CHAT, json=chat(stream=n % 2 == 0)).status_code == 200
            assert client.get("/api/usage").json()["today"]["requests"] == n
