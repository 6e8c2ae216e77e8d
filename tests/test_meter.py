"""meter.py: estimates, budgets refused before the upstream hears of them, settling, one record per request."""

from __future__ import annotations

import asyncio
import functools
import json
import math
import sqlite3
import time
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from chatnext import metrics
from chatnext.auth import Caller
from chatnext.errors import HTTPError
from chatnext.meter import Meter
from chatnext.policy import CodeEntry, Limits, hash_code
from chatnext.pricing import cost_of, packaged_pricing
from chatnext.services import Services
from chatnext.store import Store
from chatnext.store.sqlite import SQLiteStore
from tests.conftest import RedisServer, Server
from tests.fake_upstream import REPLY, FakeUpstream, Reply

Serve = Callable[..., Server]
CHAT = "/api/openai/v1/chat/completions"
CODE = "budget-code-one"
OTHER_CODE = "budget-code-two"
PRICING = packaged_pricing()


@functools.cache
def code_hash(code: str) -> str:
    # scrypt takes tens of milliseconds: once per code for the whole run.
    return hash_code(code)


def write_policy(directory: Path, *entries: str) -> str:
    """A policy file of `[[code]]` tables; each entry's text goes after its label and hash."""
    tables = []
    for number, extra in enumerate(entries):
        code = (CODE, OTHER_CODE)[number]
        label = ("alice", "bob")[number]
        tables.append(f'[[code]]\nlabel = "{label}"\nhash = "{code_hash(code)}"\n{extra}\n')
    path = directory / "policy.toml"
    path.write_text("\n".join(tables), encoding="utf-8")
    return str(path)


def services_of(server: Server) -> Services:
    services: Services = server.server.config.app.state.services  # type: ignore[attr-defined]
    return services


def freeze(server: Server, at: float) -> None:
    """Stop the server's meter clock at `at`, so no test straddles a minute."""
    services_of(server).meter.clock = lambda: at


def steady_now() -> float:
    """A second into the current minute: periods that will not turn during a test."""
    now = time.time()
    return now - now % 60 + 1


def auth(code: str = CODE) -> dict[str, str]:
    return {"Authorization": f"Bearer nk-{code}"}


def chat(model: str = "gpt-4o-mini", stream: bool = True, **extra: Any) -> dict[str, Any]:
    return {"model": model, "stream": stream, "messages": [{"role": "user", "content": "hi"}], **extra}


def wait_for(check: Callable[[], Any], timeout: float = 5.0) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        found = check()
        if found or time.monotonic() > deadline:
            return found
        time.sleep(0.02)


def records(data_dir: Path, count: int) -> list[dict[str, Any]]:
    """The server's request records once there are `count`, checking no more follow."""

    def read() -> list[dict[str, Any]]:
        with sqlite3.connect(data_dir / "chatnext.db") as db:
            db.row_factory = sqlite3.Row
            return [dict(row) for row in db.execute("SELECT * FROM requests ORDER BY id")]

    wait_for(lambda: len(read()) >= count)
    time.sleep(0.3)  # longer than a write batch waits: a second record would be there by now
    found = read()
    assert len(found) == count, found
    return found


def spent(server: Server, data_dir: Path) -> dict[str, float]:
    """Each counter as requests used it: the store's count less the share the server holds ahead."""
    ahead = services_of(server).meter.ahead
    with sqlite3.connect(data_dir / "chatnext.db") as db:
        rows = db.execute("SELECT key, num FROM kv").fetchall()
    return {":".join(key.split(":")[:2]): num - ahead.held(key) for key, num in rows}


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    path = tmp_path / "data"
    path.mkdir()
    return path


# --- estimates -----------------------------------------------------------------


# --- the meter on its own --------------------------------------------------------


class CountingStore:
    """A store that counts what the meter asks of it, and can be made to fail."""

    def __init__(self, inner: Store) -> None:
        self.inner = inner
        self.calls: list[str] = []
        self.failing = False

    def __getattr__(self, name: str) -> Any:
        method = getattr(self.inner, name)

        async def call(*args: Any) -> Any:
            self.calls.append(name)
            if self.failing:
                raise ConnectionError("redis://:secret@store down")
            return await method(*args)

        return call


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[CountingStore]:
    inner = SQLiteStore(tmp_path / "meter.db")
    yield CountingStore(inner)
    await inner.close()


def caller(limits: Limits | None = None, models: tuple[str, ...] = (), expires: datetime | None = None) -> Caller:
    entry = CodeEntry("alice", "scrypt$unused", models, limits or Limits(), expires)
    return Caller(code="alice", entry=entry, code_id="p:alice:x")


NOW = datetime(2026, 3, 15, 10, 20, 30, tzinfo=UTC).timestamp()


def meter_at(store: CountingStore, at: float = NOW) -> Meter:
    meter = Meter(store, PRICING)  # type: ignore[arg-type]
    meter.clock = lambda: at
    return meter


async def test_callers_without_limits_never_wait_on_the_store(store: CountingStore) -> None:
    meter = meter_at(store)
    for who in (Caller(), Caller(user_key="sk-own"), Caller(code="code-1234abcd"), caller()):
        ticket = await meter.admit(who, "gpt-4o-mini@openai", chat())
        assert store.calls == []
        ticket.finish(200, (5, 6), 6)
    await meter.flush()
    # Only the batch write, after the answers.
    assert store.calls == ["record_usages"]
    rows = await store.inner.usage("2026-03-15")
    assert sorted((r.code, r.requests) for r in rows) == [("", 2), ("alice", 1), ("code-1234abcd", 1)]


LIMITS = [
    ("requests_per_minute", Limits(requests_per_minute=1), datetime(2026, 3, 15, 10, 21, tzinfo=UTC)),
    ("tokens_per_day", Limits(tokens_per_day=110), datetime(2026, 3, 16, tzinfo=UTC)),
    ("tokens_per_month", Limits(tokens_per_month=110), datetime(2026, 4, 1, tzinfo=UTC)),
    ("cost_per_day", Limits(cost_per_day=0.000062), datetime(2026, 3, 16, tzinfo=UTC)),
    ("cost_per_month", Limits(cost_per_month=0.000062), datetime(2026, 4, 1, tzinfo=UTC)),
]


@pytest.mark.parametrize(("name", "limits", "reset"), LIMITS, ids=[name for name, _, _ in LIMITS])
async def test_each_limit_refuses_with_its_name_value_and_reset(
    store: CountingStore, name: str, limits: Limits, reset: datetime
) -> None:
    meter = meter_at(store)
    who = caller(limits)
    # max_tokens 100: 105 tokens reserved, ~0.00006 USD for gpt-4o-mini; the answer settles at 11.
    first = await meter.admit(who, "gpt-4o-mini@openai", chat(max_tokens=100))
    first.finish(200, (5, 6), 6)
    await meter.flush()
    with pytest.raises(HTTPError) as refused:
        await meter.admit(who, "gpt-4o-mini@openai", chat(max_tokens=100))
    error = refused.value
    assert (error.status, error.code) == (429, "limit_exceeded")
    assert error.extra == {
        "limit": name,
        "limitValue": getattr(limits, name),
        "resetAt": int(reset.timestamp()),
        "currency": "USD",
    }
    assert error.headers == {"Retry-After": str(math.ceil(reset.timestamp() - NOW))}
    assert name in error.msg and reset.strftime("%Y-%m-%dT%H:%M:%SZ") in error.msg and '"alice"' in error.msg
    assert f'chatnext_limit_refusals_total{{limit="{name}"}}'.encode() in metrics.render()


async def test_a_request_larger_than_the_whole_limit_says_so(store: CountingStore) -> None:
    meter = meter_at(store)
    with pytest.raises(HTTPError) as refused:
        await meter.admit(caller(Limits(tokens_per_day=100)), "gpt-4o-mini@openai", chat())
    assert "this request alone needs about 517 tokens" in refused.value.msg
    assert refused.value.extra["limitValue"] == 100


async def test_the_answer_replaces_the_estimate_and_a_failure_gives_all_back_but_the_request(
    store: CountingStore,
) -> None:
    meter = meter_at(store)
    who = caller(Limits(requests_per_minute=10, tokens_per_day=10_000, cost_per_month=1.0))
    keys = [f"rpm:alice:{int(NOW // 60)}", "tokens:day:alice:2026-03-15", "cost:month:alice:2026-03"]
    ok = await meter.admit(who, "gpt-4o-mini@openai", chat(max_tokens=100))

    async def spent() -> list[float]:
        return [v - meter.ahead.held(k) for k, (v, _) in zip(keys, await store.inner.counters(keys), strict=True)]

    assert await spent() == [
        1,
        105,
        pytest.approx(cost_of("gpt-4o-mini", 5, 100, PRICING)),
    ]
    failed = await meter.admit(who, "gpt-4o-mini@openai", chat(max_tokens=100))
    ok.finish(200, (5, 6), 6)
    ok.finish(200, (5, 6), 6)  # a second finish is no second charge
    failed.finish(502, None, 0)
    await meter.flush()
    assert await spent() == [2, 11, pytest.approx(cost_of("gpt-4o-mini", 5, 6, PRICING))]
    (row,) = await store.inner.usage("2026-03-15", "alice")
    assert (row.requests, row.errors, row.prompt_tokens, row.completion_tokens) == (2, 1, 5, 6)


async def test_without_the_upstreams_counts_the_record_is_estimated(store: CountingStore, tmp_path: Path) -> None:
    meter = meter_at(store)
    ticket = await meter.admit(Caller(user_key="sk-own"), "my-model@local", chat())
    ticket.finish(200, None, 40)
    await meter.flush()
    with sqlite3.connect(tmp_path / "meter.db") as db:
        row = db.execute(
            "SELECT code, model, provider, prompt_tokens, completion_tokens, estimated FROM requests"
        ).fetchone()
    assert row == ("", "my-model", "local", 5, 40, 1)


async def test_expired_codes_and_models_outside_the_list_are_refused(store: CountingStore) -> None:
    meter = meter_at(store)
    with pytest.raises(HTTPError) as expired:
        await meter.admit(caller(expires=datetime(2026, 3, 15, tzinfo=UTC)), "gpt-4o@openai", chat())
    assert (expired.value.status, expired.value.code) == (401, "code_expired")
    limited = caller(Limits(requests_per_minute=5), models=("gpt-4o-mini", "claude-*@anthropic"))
    with pytest.raises(HTTPError) as refused:
        await meter.admit(limited, "gpt-4o@openai", chat("gpt-4o"))
    assert (refused.value.status, refused.value.code) == (403, "model_not_allowed")
    assert "gpt-4o" in refused.value.msg and '"alice"' in refused.value.msg
    await meter.admit(limited, "claude-sonnet-4-5@anthropic", chat())
    with pytest.raises(HTTPError):
        await meter.admit(limited, "claude-sonnet-4-5@openrouter", chat())
    assert store.calls == ["reserve"]  # refusals cost no store call


async def test_store_failures_are_logged_and_never_reach_a_request(
    store: CountingStore, caplog: pytest.LogCaptureFixture
) -> None:
    meter = meter_at(store)
    who = caller(Limits(tokens_per_day=10_000))
    ticket = await meter.admit(who, "gpt-4o-mini@openai", chat())
    store.failing = True
    ticket.finish(200, (5, 6), 6)
    await meter.flush()  # does not raise
    with pytest.raises(HTTPError) as unavailable:
        await meter.admit(who, "gpt-4o-mini@openai", chat())
    assert (unavailable.value.status, unavailable.value.code) == (503, "store_unavailable")
    assert "failed to settle" in caplog.text and "failed to record" in caplog.text
    assert "secret" not in caplog.text


async def test_finished_requests_are_written_in_one_batch_shortly_after(store: CountingStore) -> None:
    meter = meter_at(store)
    for _ in range(20):
        (await meter.admit(Caller(), "gpt-4o-mini@openai", chat())).finish(200, (5, 6), 6)
    assert store.calls == []
    await asyncio.sleep(0.3)
    assert store.calls == ["record_usages"]
    (row,) = await store.inner.usage("2026-03-15")
    assert row.requests == 20


# --- end to end: the server, the fake upstream, a policy file ----------------------


@pytest.mark.parametrize(("name", "limits", "reset"), LIMITS, ids=[name for name, _, _ in LIMITS])
def test_a_refused_request_never_reaches_the_upstream(
    serve: Serve, upstream: FakeUpstream, tmp_path: Path, name: str, limits: Limits, reset: datetime
) -> None:
    line = f"{name} = {getattr(limits, name)}"
    server = serve(OPENAI_API_KEY="sk-good", ACCESS_POLICY_FILE=write_policy(tmp_path, line))
    now = steady_now()
    freeze(server, now)
    with server.client(headers=auth()) as client:
        assert client.post(CHAT, json=chat(max_tokens=100)).status_code == 200
        r = client.post(CHAT, json=chat(max_tokens=100))
    assert r.status_code == 429
    body = r.json()
    assert list(body)[:4] == ["error", "code", "msg", "message"]
    assert body["code"] == "limit_exceeded" and body["limit"] == name
    assert body["limitValue"] == getattr(limits, name)
    assert body["resetAt"] > now and 0 < int(r.headers["retry-after"]) <= body["resetAt"] - now + 1
    assert len(upstream.seen) == 1


def test_a_failed_upstream_gives_the_budget_back(
    serve: Serve, upstream: FakeUpstream, tmp_path: Path, data_dir: Path
) -> None:
    policy = write_policy(tmp_path, "requests_per_minute = 10\ntokens_per_day = 110")
    server = serve(OPENAI_API_KEY="sk-good", ACCESS_POLICY_FILE=policy, DATA_DIR=str(data_dir))
    freeze(server, steady_now())
    with server.client(headers=auth()) as client:
        assert client.post(CHAT, json=chat("fail-500", max_tokens=100)).status_code == 500
        (failed,) = records(data_dir, 1)
        assert spent(server, data_dir) == {"rpm:alice": 1, "tokens:day": 0}
        # The 105 tokens came back: this one fits again.
        assert client.post(CHAT, json=chat(max_tokens=100)).status_code == 200
    assert (failed["status"], failed["prompt_tokens"], failed["completion_tokens"], failed["cost"]) == (500, 0, 0, 0)
    assert len(upstream.seen) == 2


def test_a_stream_is_recorded_once_with_the_usage_it_asked_for(
    serve: Serve, upstream: FakeUpstream, tmp_path: Path, data_dir: Path
) -> None:
    policy = write_policy(tmp_path, "tokens_per_day = 100000")
    server = serve(OPENAI_API_KEY="sk-good", ACCESS_POLICY_FILE=policy, DATA_DIR=str(data_dir))
    with server.client(headers=auth()) as client:
        r = client.post(CHAT, json=chat())
    assert r.status_code == 200
    # The browser did not ask; chatnext did, so the answer carries its counts.
    assert upstream.seen[-1].body["stream_options"] == {"include_usage": True}
    (record,) = records(data_dir, 1)
    expected = {"code": "alice", "model": "gpt-4o-mini", "provider": "openai", "status": 200}
    assert {k: record[k] for k in expected} == expected
    assert (record["prompt_tokens"], record["completion_tokens"], record["estimated"]) == (5, len(REPLY), 0)
    assert record["cost"] == pytest.approx(cost_of("gpt-4o-mini", 5, len(REPLY), PRICING))
    assert spent(server, data_dir) == {"tokens:day": 5 + len(REPLY)}


def test_a_whole_answer_is_recorded_with_its_usage(serve: Serve, upstream: FakeUpstream, data_dir: Path) -> None:
    server = serve(OPENAI_API_KEY="sk-good", DATA_DIR=str(data_dir))
    with server.client() as client:
        assert client.post(CHAT, json=chat(stream=False)).status_code == 200
    assert "stream_options" not in upstream.seen[-1].body
    (record,) = records(data_dir, 1)
    assert (record["code"], record["prompt_tokens"], record["completion_tokens"], record["estimated"]) == ("", 5, 6, 0)


TRANSLATED = {
    "ANTHROPIC_API_KEY": "ant-key",
    "GOOGLE_API_KEY": "goog-key",
    "DISABLE_MODEL_FETCH": "1",
}


@pytest.mark.parametrize("stream", [True, False], ids=["streamed", "whole"])
@pytest.mark.parametrize("model", ["claude-sonnet-4-5@anthropic", "gemini-2.5-flash@google"])
def test_translated_answers_are_recorded_with_the_providers_counts(
    serve: Serve, upstream: FakeUpstream, data_dir: Path, model: str, stream: bool
) -> None:
    env = {**TRANSLATED, "ANTHROPIC_URL": upstream.url, "GOOGLE_URL": upstream.url}
    server = serve(DATA_DIR=str(data_dir), **env)
    with server.client() as client:
        asks = {"stream_options": {"include_usage": True}} if stream else {}
        r = client.post(CHAT, json=chat(model, stream, **asks))
    assert r.status_code == 200
    if stream:
        usage = [json.loads(e[6:]) for e in r.text.split("\n\n") if e.startswith("data: {")][-1]["usage"]
    else:
        usage = r.json()["usage"]
    (record,) = records(data_dir, 1)
    assert record["provider"] == model.split("@")[1] and record["estimated"] == 0
    assert (record["prompt_tokens"], record["completion_tokens"]) == (
        usage["prompt_tokens"],
        usage["completion_tokens"],
    )
    assert record["completion_tokens"] > 0


def test_native_relays_are_metered_with_the_providers_counts(
    serve: Serve, upstream: FakeUpstream, tmp_path: Path, data_dir: Path
) -> None:
    env = {**TRANSLATED, "ANTHROPIC_URL": upstream.url, "GOOGLE_URL": upstream.url}
    policy = write_policy(tmp_path, "tokens_per_month = 100000")
    server = serve(DATA_DIR=str(data_dir), ACCESS_POLICY_FILE=policy, **env)
    messages = {"model": "claude-sonnet-4-5", "max_tokens": 64, "messages": [{"role": "user", "content": "hi there"}]}
    gemini = {"contents": [{"role": "user", "parts": [{"text": "hi"}]}]}
    with server.client(headers={"x-api-key": f"nk-{CODE}", "anthropic-version": "2023-06-01"}) as client:
        assert client.post("/api/anthropic/v1/messages", json=messages).status_code == 200
        assert client.post("/api/anthropic/v1/messages", json={**messages, "stream": True}).status_code == 200
    with server.client(headers={"x-goog-api-key": f"nk-{CODE}"}) as client:
        path = "/api/google/v1beta/models/gemini-2.5-flash"
        assert client.post(f"{path}:generateContent", json=gemini).status_code == 200
        assert client.post(f"{path}:streamGenerateContent?alt=sse", json=gemini).status_code == 200
    found = records(data_dir, 4)
    assert [(r["provider"], r["prompt_tokens"], r["completion_tokens"], r["estimated"]) for r in found] == [
        ("anthropic", 2, len(REPLY), 0),
        ("anthropic", 2, len(REPLY), 0),
        ("google", 5, len(REPLY), 0),
        ("google", 5, len(REPLY), 0),
    ]
    assert {r["code"] for r in found} == {"alice"}


def test_a_provider_that_may_not_know_stream_options_gets_estimates(
    serve: Serve, upstream: FakeUpstream, data_dir: Path
) -> None:
    server = serve(CUSTOM_PROVIDERS=f"local={upstream.url}/v1", DATA_DIR=str(data_dir))
    with server.client() as client:
        assert client.post(CHAT, json=chat("my-model@local")).status_code == 200
    assert "stream_options" not in upstream.seen[-1].body
    (record,) = records(data_dir, 1)
    assert (record["provider"], record["estimated"], record["prompt_tokens"]) == ("local", 1, 5)
    assert record["completion_tokens"] > 0


def test_a_browser_that_leaves_mid_stream_is_still_recorded(
    serve: Serve, upstream: FakeUpstream, tmp_path: Path, data_dir: Path
) -> None:
    upstream.replies["gpt-4o-mini"] = Reply("word " * 200, piece=5, delay=0.02)
    policy = write_policy(tmp_path, "tokens_per_day = 100000")
    server = serve(OPENAI_API_KEY="sk-good", ACCESS_POLICY_FILE=policy, DATA_DIR=str(data_dir))
    with server.client(headers=auth()) as client, client.stream("POST", CHAT, json=chat()) as r:
        pieces = r.iter_bytes()
        next(pieces)
        next(pieces)
    upstream.wait_closed()
    (record,) = records(data_dir, 1)
    assert (record["status"], record["estimated"], record["prompt_tokens"]) == (200, 1, 5)
    assert 0 < record["completion_tokens"] < 200
    assert spent(server, data_dir) == {"tokens:day": 5 + record["completion_tokens"]}


def test_codes_keep_to_their_models(serve: Serve, upstream: FakeUpstream, tmp_path: Path) -> None:
    policy = write_policy(tmp_path, 'models = ["gpt-4o-mini"]', "expires = 2020-01-01")
    server = serve(OPENAI_API_KEY="sk-good", ACCESS_POLICY_FILE=policy)
    with server.client(headers=auth()) as client:
        refused = client.post(CHAT, json=chat("gpt-4o"))
        assert client.post(CHAT, json=chat("gpt-4o-mini")).status_code == 200
    assert (refused.status_code, refused.json()["code"]) == (403, "model_not_allowed")
    assert "gpt-4o" in refused.json()["msg"] and "alice" in refused.json()["msg"]
    with server.client(headers=auth(OTHER_CODE)) as client:
        expired = client.post(CHAT, json=chat())
    assert (expired.status_code, expired.json()["code"]) == (401, "code_expired")
    assert len(upstream.seen) == 1


# --- the concurrency test --------------------------------------------------------


async def _burst(server: Server, count: int, model: str) -> list[int]:
    limits = httpx.Limits(max_connections=count, max_keepalive_connections=count)
    async with httpx.AsyncClient(base_url=server.url, timeout=30, limits=limits, headers=auth()) as client:
        # The first use of a code checks its scrypt hash; 200 at once would all check it.
        assert (await client.get("/api/usage")).status_code == 200
        replies = await asyncio.gather(*(client.post(CHAT, json=chat(model)) for _ in range(count)))
    return [r.status_code for r in replies]


@pytest.mark.parametrize(
    ("backend", "model"),
    [("sqlite", "gpt-4o-mini"), ("redis", "gpt-4o-mini"), ("sqlite", "fail-500")],
    ids=["sqlite", "redis", "sqlite-failing-upstream"],
)
async def test_200_parallel_requests_let_100_through_a_limit_of_100_a_minute(
    serve: Serve, upstream: FakeUpstream, tmp_path: Path, request: pytest.FixtureRequest, backend: str, model: str
) -> None:
    env = {"OPENAI_API_KEY": "sk-good", "ACCESS_POLICY_FILE": write_policy(tmp_path, "requests_per_minute = 100")}
    if backend == "redis":
        redis: RedisServer = request.getfixturevalue("redis_server")
        redis.flush()
        env["STORE_URL"] = redis.url
    server = serve(**env)
    freeze(server, steady_now())
    statuses = await _burst(server, 200, model)
    admitted = 200 if model != "fail-500" else 500
    assert statuses.count(admitted) == 100
    assert statuses.count(429) == 100
    assert len(upstream.seen) == 100


def test_day_and_month_periods_are_utc(serve: Serve, tmp_path: Path) -> None:
    # 23:59:59 UTC on the last day of a month: both reset one second later.
    server = serve(OPENAI_API_KEY="sk-good", ACCESS_POLICY_FILE=write_policy(tmp_path, "tokens_per_day = 100"))
    end = datetime(2026, 11, 30, 23, 59, 59, tzinfo=UTC)
    freeze(server, end.timestamp())
    with server.client(headers=auth()) as client:
        body = client.post(CHAT, json=chat()).json()
    assert body["resetAt"] == int((end + timedelta(seconds=1)).timestamp())
    assert "2026-12-01T00:00:00Z" in body["msg"]
