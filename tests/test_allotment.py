"""allotment.py: budget reserved ahead, so most requests need no store call, and no limit is passed."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from chatnext.allotment import AHEAD, Allotments
from chatnext.store import Counter, Store
from chatnext.store.redis import RedisStore
from chatnext.store.sqlite import SQLiteStore
from tests.conftest import RedisServer

KEY = "tokens:day:alice:2026-03-15"
UNTIL = 2_000_000_000.0  # the period's end, far off


class Calls(SQLiteStore):
    """The real store, counting reservations and able to fail them."""

    reserves = 0
    failing = False

    async def reserve(self, counters: list[Counter]) -> int | None:
        self.reserves += 1
        if self.failing:
            raise ConnectionError("store down")
        return await super().reserve(counters)


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Calls]:
    backend = Calls(tmp_path / "s.db")
    yield backend
    await backend.close()


def tokens(amount: float, limit: float = 10_000) -> list[Counter]:
    return [Counter(KEY, amount, limit, 3600)]


async def in_store(store: SQLiteStore, key: str = KEY) -> float:
    return (await store.counters([key]))[0][0]


async def test_one_instance_admits_from_its_share_and_stops_exactly_at_the_limit(store: Calls) -> None:
    ahead = Allotments(store)
    admitted = 0
    while await ahead.reserve(tokens(60), [UNTIL]) is None:
        admitted += 1
    # 166 x 60 = 9,960: the 167th would pass 10,000, as without shares ahead.
    assert admitted == 166
    # A share is 1% of the limit (100 tokens): one store call covers more than one request.
    assert store.reserves < admitted * 0.75
    assert await in_store(store) <= 10_000
    await ahead.release(0)
    assert await in_store(store) == 166 * 60


@pytest.mark.parametrize("backend", ["sqlite", "redis"])
async def test_instances_sharing_a_store_never_pass_a_limit_together(
    tmp_path: Path, request: pytest.FixtureRequest, backend: str
) -> None:
    # Redis answers over a socket, so requests of one instance interleave
    # while they wait on it; SQLite is mostly written at once.
    stores: list[Store]
    if backend == "redis":
        server: RedisServer = request.getfixturevalue("redis_server")
        server.flush()
        stores = [RedisStore(server.url), RedisStore(server.url)]
    else:
        stores = [SQLiteStore(tmp_path / "s.db"), SQLiteStore(tmp_path / "s.db")]
    try:
        instances = [Allotments(s) for s in stores]

        async def ask(ahead: Allotments) -> bool:
            return await ahead.reserve(tokens(60), [UNTIL]) is None

        results = await asyncio.gather(*(ask(instances[i % 2]) for i in range(400)))
        used = 60 * sum(results)
        assert used <= 10_000
        # What each still holds ahead may stand idle near the limit, never more.
        assert used >= 10_000 - 2 * 10_000 * AHEAD - 60
        assert (await stores[0].counters([KEY]))[0][0] == used + sum(a.held(KEY) for a in instances)
    finally:
        for s in stores:
            await s.close()


async def test_small_limits_take_no_share_and_go_to_the_store_each_time(store: Calls) -> None:
    ahead = Allotments(store)
    for _ in range(3):
        assert await ahead.reserve([Counter("rpm:alice:1", 1, 60, 60)], [UNTIL]) is None
    assert store.reserves == 3 and ahead.held("rpm:alice:1") == 0
    assert await in_store(store, "rpm:alice:1") == 3


async def test_a_refusal_or_a_failing_store_keeps_what_was_held(store: Calls) -> None:
    ahead = Allotments(store)
    assert await ahead.reserve(tokens(60), [UNTIL]) is None
    assert ahead.held(KEY) == 100
    store.failing = True
    with pytest.raises(ConnectionError):
        await ahead.reserve(tokens(150), [UNTIL])  # needs 50 more than held
    assert ahead.held(KEY) == 100
    store.failing = False
    # Refused: 60 used + 9,950 would pass 10,000; the 100 held are still there after.
    assert await ahead.reserve(tokens(9_950), [UNTIL]) == 0
    assert ahead.held(KEY) == 100
    assert await ahead.reserve(tokens(100), [UNTIL]) is None
    assert ahead.held(KEY) == 0
    # The held share counts toward the limit: 60 + 100 + 9,840 is exactly all of it.
    assert await ahead.reserve(tokens(9_840), [UNTIL]) is None
    assert await in_store(store) == 10_000


async def test_shares_of_ended_periods_are_dropped_and_never_given_back(store: Calls) -> None:
    ahead = Allotments(store)
    assert await ahead.reserve(tokens(60), [1000.0]) is None
    assert await ahead.reserve([Counter("tokens:day:alice:next", 60, 10_000, 3600)], [2000.0]) is None
    ahead.forget(1500.0)
    assert ahead.held(KEY) == 0 and ahead.held("tokens:day:alice:next") == 100
    await ahead.release(1500.0)
    assert await in_store(store) == 160  # the ended day keeps its count
    assert await in_store(store, "tokens:day:alice:next") == 60
