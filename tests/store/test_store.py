"""Both store backends, one suite: what throttles, sessions and budgets rely on."""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from chatnext.store import Counter, Store, UsageRecord, day_of
from chatnext.store.redis import RedisStore
from chatnext.store.sqlite import SQLiteStore
from tests.conftest import RedisServer


@pytest.fixture(params=["sqlite", "redis"])
async def store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Store]:
    backend: Store
    if request.param == "sqlite":
        backend = SQLiteStore(tmp_path / "store.db")
    else:
        server: RedisServer = request.getfixturevalue("redis_server")
        server.flush()
        backend = RedisStore(server.url)
    yield backend
    await backend.close()


async def test_values_expire(store: Store) -> None:
    await store.set("session:a", "alice", ttl=0.3)
    await store.set("forever", "x")
    value = await store.get("session:a")
    assert value is not None and value[0] == "alice" and 0 < value[1] <= 0.3
    assert await store.get("forever") == ("x", math.inf)
    await asyncio.sleep(0.4)
    assert await store.get("session:a") is None
    await store.delete("forever")
    assert await store.get("forever") is None


async def test_counters_start_at_zero_and_keep_their_first_expiry(store: Store) -> None:
    assert await store.incr("fail:1.2.3.4", ttl=0.4) == 1
    assert await store.incr("fail:1.2.3.4", ttl=100) == 2
    assert await store.incr("fail:1.2.3.4", 0.5) == 2.5
    (value, left), absent = await store.counters(["fail:1.2.3.4", "nothing"])
    assert value == 2.5 and 0 < left <= 0.4 and absent == (0.0, 0.0)
    await asyncio.sleep(0.5)
    assert await store.incr("fail:1.2.3.4", ttl=10) == 1


async def test_reserve_adds_all_or_nothing(store: Store) -> None:
    day = Counter("tokens:day", 60, 100, 60)
    month = Counter("tokens:month", 60, 1000, 60)
    assert await store.reserve([day, month]) is None
    assert await store.reserve([month, day]) == 1  # the day would pass 100
    assert [v for v, _ in await store.counters(["tokens:day", "tokens:month"])] == [60, 60]
    assert await store.reserve([Counter("tokens:day", -20, None, 60), Counter("requests", 1, None, 60)]) is None
    assert (await store.counters(["tokens:day"]))[0][0] == 40


async def test_concurrent_reservations_never_pass_the_limit(store: Store) -> None:
    results = await asyncio.gather(*(store.reserve([Counter("rpm", 1, 100, 60)]) for _ in range(200)))
    assert sum(r is None for r in results) == 100
    assert (await store.counters(["rpm"]))[0][0] == 100


async def test_scan_lists_live_keys_by_prefix(store: Store) -> None:
    await store.set("lock:10.0.0.1", "600", ttl=60)
    await store.set("lock:10.0.0.2", "1200", ttl=0.2)
    await store.set("lockers", "no")
    await store.incr("lock:10.0.0.3", 2, ttl=60)
    await asyncio.sleep(0.3)
    found = await store.scan("lock:")
    assert [(k, v) for k, v, _ in found] == [("lock:10.0.0.1", "600"), ("lock:10.0.0.3", "2")]
    assert all(0 < left <= 60 for _, _, left in found)


async def test_lists_keep_the_newest(store: Store) -> None:
    for n in range(7):
        await store.push("failures", f"attempt {n}", keep=5)
    assert await store.recent("failures", 3) == ["attempt 6", "attempt 5", "attempt 4"]
    assert len(await store.recent("failures", 50)) == 5


async def test_usage_totals_per_day_code_and_model(store: Store) -> None:
    now = time.time()
    yesterday = now - 86400
    records = [
        UsageRecord(now, "alice", "gpt-4o", "openai", 10, 20, 0.5, 200, 1.0),
        UsageRecord(now, "alice", "gpt-4o", "openai", 1, 2, 0.25, 500, 2.0),
        UsageRecord(now, "bob", "claude-x", "anthropic", 5, 5, 0.125, 200, 1.0, estimated=True),
        UsageRecord(yesterday, "alice", "gpt-4o", "openai", 100, 100, 1.0, 200, 1.0),
    ]
    for record in records:
        await store.record_usage(record)
    today = day_of(now)
    rows = await store.usage(today)
    alice = next(r for r in rows if r.code == "alice")
    assert (alice.requests, alice.errors, alice.prompt_tokens, alice.completion_tokens) == (2, 1, 11, 22)
    assert alice.cost == pytest.approx(0.75) and alice.day == today
    assert {r.code for r in rows} == {"alice", "bob"}
    both_days = await store.usage(day_of(yesterday), code="alice")
    assert [(r.day, r.requests) for r in both_days] == [(day_of(yesterday), 1), (today, 2)]


async def test_a_batch_of_records_counts_like_the_records_one_by_one(store: Store) -> None:
    now = time.time()
    batch = [UsageRecord(now, "carol", "gpt-4o", "openai", n, 2 * n, 0.5, 200 if n else 502, 1.0) for n in range(5)]
    await store.record_usages(batch)
    await store.record_usages([])
    (row,) = await store.usage(day_of(now), code="carol")
    assert (row.requests, row.errors, row.prompt_tokens, row.completion_tokens) == (5, 1, 10, 20)
    assert row.cost == pytest.approx(2.5)


async def test_two_handles_on_one_store_share_state(
    store: Store, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    # Two processes (or instances) open the same file or server.
    other: Store = (
        SQLiteStore(tmp_path / "store.db")
        if isinstance(store, SQLiteStore)
        else RedisStore(request.getfixturevalue("redis_server").url)
    )
    try:
        results = await asyncio.gather(*(s.reserve([Counter("budget", 1, 50, 60)]) for s in [store, other] * 50))
        assert sum(r is None for r in results) == 50
        assert (await other.counters(["budget"]))[0][0] == 50
    finally:
        await other.close()
