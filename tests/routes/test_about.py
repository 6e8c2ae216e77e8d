"""GET /api/balance (ENABLE_BALANCE_QUERY): one-api answers numbers, OpenAI refuses politely."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest

from chatnext.balance import query_balance, upstream_words, usage_window
from chatnext.config import Settings
from chatnext.errors import HTTPError
from chatnext.keys import KeyPool
from chatnext.relay import Relay, Reply, UpstreamRequest
from chatnext.upstream import Target, UpstreamClient
from tests.conftest import Server, free_port
from tests.fake_upstream import FakeUpstream

Serve = Callable[..., Server]


def billing_requests(upstream: FakeUpstream) -> dict[str, dict[str, str]]:
    return {s.path: s.query for s in upstream.seen if s.path.startswith("/dashboard/billing/")}


def test_one_api_style_upstream_gives_numbers(serve: Serve, upstream: FakeUpstream) -> None:
    with serve(ENABLE_BALANCE_QUERY="1", OPENAI_API_KEY="sk-server").client() as client:
        r = client.get("/api/balance")
    assert r.status_code == 200 and r.headers["cache-control"] == "no-store"
    # The fake: hard_limit_usd 120, total_usage 1234.5 cents.
    assert r.json() == {"supported": True, "limit": 120.0, "used": 12.35, "remaining": 107.65, "currency": "USD"}
    seen = billing_requests(upstream)
    assert seen["/dashboard/billing/subscription"] == {}
    today = date.today()
    assert seen["/dashboard/billing/usage"] == {
        "start_date": today.replace(day=1).isoformat(),
        "end_date": (today + timedelta(days=1)).isoformat(),
    }
    assert all(s.headers["Authorization"] == "Bearer sk-server" for s in upstream.seen)


def test_usage_window_is_this_month_up_to_tomorrow() -> None:
    assert usage_window(date(2026, 3, 31)) == ("2026-03-01", "2026-04-01")
    assert usage_window(date(2026, 12, 31)) == ("2026-12-01", "2027-01-01")
    assert usage_window(date(2026, 2, 1)) == ("2026-02-01", "2026-02-02")


def test_openai_style_refusal_is_explained_not_an_error(serve: Serve) -> None:
    with serve(ENABLE_BALANCE_QUERY="1", OPENAI_API_KEY="sk-nobilling-1").client() as client:
        r = client.get("/api/balance")
    assert r.status_code == 200
    answer = r.json()
    assert answer["supported"] is False and answer["reason"] == "not_found"
    assert "Invalid URL (GET /dashboard/billing/subscription)" in answer["detail"]


def test_the_users_own_key_is_used_and_never_echoed(serve: Serve, upstream: FakeUpstream) -> None:
    server = serve(ENABLE_BALANCE_QUERY="1", OPENAI_API_KEY="sk-server")
    with server.client() as client:
        r = client.get("/api/balance", headers={"Authorization": "Bearer sk-401-my-own-key"})
    answer = r.json()
    assert r.status_code == 200 and answer["supported"] is False and answer["reason"] == "unauthorized"
    assert "Incorrect API key" in answer["detail"] and "sk-401" not in answer["detail"]
    assert [s.headers["Authorization"] for s in upstream.seen] == ["Bearer sk-401-my-own-key"]


def test_disabled_balance_is_404_in_the_error_shape(serve: Serve, upstream: FakeUpstream) -> None:
    with serve(OPENAI_API_KEY="sk-server").client() as client:
        r = client.get("/api/balance")
    assert r.status_code == 404
    assert r.json()["error"] is True and r.json()["code"] == "balance_query_disabled"
    assert upstream.seen == []


def test_access_code_is_required_when_code_is_set(serve: Serve, upstream: FakeUpstream) -> None:
    server = serve(ENABLE_BALANCE_QUERY="1", OPENAI_API_KEY="sk-server", CODE="alpha")
    with server.client() as client:
        anonymous = client.get("/api/balance")
        wrong = client.get("/api/balance", headers={"Authorization": "Bearer nk-beta"})
        assert upstream.seen == []
        right = client.get("/api/balance", headers={"Authorization": "Bearer nk-alpha"})
    assert anonymous.status_code == 401 and anonymous.json()["error"] is True
    assert wrong.status_code == 401
    assert right.status_code == 200 and right.json()["supported"] is True


def test_no_key_at_all_is_explained(serve: Serve) -> None:
    with serve(ENABLE_BALANCE_QUERY="1").client() as client:
        answer = client.get("/api/balance").json()
    assert answer["supported"] is False and answer["reason"] == "missing_api_key"


def test_unreachable_upstream_is_not_a_500(serve: Serve) -> None:
    server = serve(ENABLE_BALANCE_QUERY="1", OPENAI_API_KEY="sk-server", BASE_URL=f"http://127.0.0.1:{free_port()}")
    with server.client() as client:
        r = client.get("/api/balance")
    assert r.status_code == 200
    assert r.json()["supported"] is False and r.json()["reason"] == "upstream_unreachable"


# --- odd upstream answers, without a network ------------------------------------------


class ScriptedRelay(Relay):
    """Answers each fetch with the next scripted reply (or raises it)."""

    def __init__(self, *replies: Reply | Exception) -> None:
        super().__init__(UpstreamClient(Settings()))
        self.replies = list(replies)
        self.paths: list[str] = []

    async def fetch(self, req: UpstreamRequest) -> Reply:
        self.paths.append(req.path)
        reply = self.replies.pop(0)
        if isinstance(reply, Exception):
            raise reply
        return reply


TARGET = Target("openai", "https://relay.test", KeyPool(("sk-x",)))
HTML = b"<!doctype html><html><head><title>Sign in - Relay</title></head><body><script>x()</script></body></html>"
SUBSCRIPTION = Reply(200, [], b'{"hard_limit_usd": 50}')


@pytest.mark.parametrize(
    ("replies", "reason", "detail"),
    [
        ((Reply(200, [], HTML),), "not_json", "Sign in - Relay"),
        ((Reply(200, [], b"[1, 2]"),), "not_json", "[1, 2]"),
        ((Reply(200, [], b'{"hard_limit_usd": "lots"}'),), "missing_fields", "hard_limit_usd"),
        ((SUBSCRIPTION, Reply(200, [], b'{"object": "list"}')), "missing_fields", "total_usage"),
        ((Reply(403, [], b'{"error": {"message": "must be made with a session key"}}'),), "forbidden", "session key"),
        ((Reply(500, [], b"x" * 5000),), "upstream_error", "HTTP 500"),
        ((HTTPError(504, "upstream_timeout", "the upstream sent nothing"),), "upstream_unreachable", "sent nothing"),
        ((SUBSCRIPTION, HTTPError(502, "upstream_disconnected", "closed")), "upstream_unreachable", "closed"),
    ],
)
async def test_odd_answers_become_reasons(replies: tuple[Reply | Exception, ...], reason: str, detail: str) -> None:
    answer = await query_balance(ScriptedRelay(*replies), TARGET, None, date(2026, 5, 20))
    assert answer["supported"] is False and answer["reason"] == reason
    assert detail in answer["detail"] and len(answer["detail"]) <= 300


async def test_numbers_are_dollars() -> None:
    relay = ScriptedRelay(SUBSCRIPTION, Reply(200, [], b'{"total_usage": 250}'))
    answer = await query_balance(relay, TARGET, "sk-user", date(2026, 5, 20))
    assert answer == {"supported": True, "limit": 50.0, "used": 2.5, "remaining": 47.5, "currency": "USD"}
    assert relay.paths == ["dashboard/billing/subscription", "dashboard/billing/usage"]


def test_upstream_words_hide_keys() -> None:
    reply = Reply(401, [], b'{"error": {"message": "Incorrect API key provided: sk-proj-abc***xyz. See docs."}}')
    assert upstream_words(reply) == "Incorrect API key provided: sk-…. See docs."
