"""throttle.py: per-address lockout after repeated wrong codes, kept in the store."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from chatnext.store.sqlite import SQLiteStore
from chatnext.throttle import Throttle


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
async def throttle(tmp_path: Path, clock: Clock) -> AsyncIterator[Throttle]:
    store = SQLiteStore(tmp_path / "t.db", clock=clock)
    yield Throttle(store, max_lockout=3000)
    await store.close()


async def fail(t: Throttle, ip: str, times: int) -> list[float]:
    return [await t.failure(ip, "abcd1234") for _ in range(times)]


async def test_five_failures_within_the_window_lock(throttle: Throttle, clock: Clock) -> None:
    assert await fail(throttle, "a", 4) == [0, 0, 0, 0]
    assert await throttle.retry_after("a") == 0
    assert await fail(throttle, "a", 1) == [600]
    assert await throttle.retry_after("a") == 600
    assert await throttle.retry_after("b") == 0
    clock.now += 601
    assert await throttle.retry_after("a") == 0


async def test_failures_spread_beyond_the_window_do_not_lock(throttle: Throttle, clock: Clock) -> None:
    for _ in range(10):
        assert await fail(throttle, "a", 1) == [0]
        clock.now += 250  # at most three failures fall in one window


async def test_success_clears_the_count(throttle: Throttle) -> None:
    await fail(throttle, "a", 4)
    await throttle.success("a")
    assert await fail(throttle, "a", 4) == [0, 0, 0, 0]


async def test_repeat_lockouts_double_up_to_the_cap_then_reset_after_a_quiet_day(
    throttle: Throttle, clock: Clock
) -> None:
    durations = []
    for _ in range(4):
        durations += (await fail(throttle, "a", 5))[-1:]
        clock.now += durations[-1] + 1
    assert durations == [600, 1200, 2400, 3000]
    clock.now += 3001
    assert (await fail(throttle, "a", 5))[-1] == 600


async def test_admin_sees_lockouts_and_failures_and_can_unlock(throttle: Throttle) -> None:
    await fail(throttle, "10.0.0.1", 5)
    await fail(throttle, "10.0.0.2", 2)
    assert list(await throttle.locked()) == ["10.0.0.1"]
    recent = await throttle.recent_failures(3)
    assert [f["ip"] for f in recent] == ["10.0.0.2", "10.0.0.2", "10.0.0.1"]
    assert all(f["hash"] == "abcd1234" for f in recent)
    await throttle.unlock("10.0.0.1")
    assert await throttle.locked() == {}
    assert await throttle.retry_after("10.0.0.1") == 0
    assert await fail(throttle, "10.0.0.1", 1) == [0]  # the count started over too
