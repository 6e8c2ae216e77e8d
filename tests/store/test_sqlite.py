"""What only the SQLite store promises: its file may be shared, and the server never waits on it."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

from chatnext.store import Counter
from chatnext.store.sqlite import SQLiteStore


async def test_a_reservation_waits_for_a_writer_elsewhere_without_stopping_the_server(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "s.db")
    other = sqlite3.connect(tmp_path / "s.db", isolation_level=None)  # another chatnext on the same file
    try:
        other.execute("BEGIN IMMEDIATE")
        other.execute("INSERT INTO kv (key, num) VALUES ('budget', 40)")
        ticks = 0

        async def tick() -> None:
            nonlocal ticks
            while True:
                await asyncio.sleep(0.01)
                ticks += 1

        ticker = asyncio.create_task(tick())
        reservation = asyncio.create_task(store.reserve([Counter("budget", 10, 50, 60)]))
        await asyncio.sleep(0.3)
        # Still waiting for the lock, and the event loop kept serving meanwhile.
        assert not reservation.done()
        assert ticks >= 10
        other.execute("COMMIT")
        assert await reservation is None
        ticker.cancel()
        # It counted on top of what the other writer had committed: 40 + 10 is the whole budget.
        assert await store.reserve([Counter("budget", 1, 50, 60)]) == 0
        assert (await store.counters(["budget"]))[0][0] == 50
    finally:
        other.close()
        await store.close()


async def test_reservations_and_the_writer_thread_interleave_without_losing_counts(tmp_path: Path) -> None:
    # Usage records go through the store's thread while reservations are made
    # on the loop: whichever holds the file's lock, the other waits its turn.
    store = SQLiteStore(tmp_path / "s.db")
    try:
        writes = [store.incr("failures", 1, 60) for _ in range(100)]
        reserves = [store.reserve([Counter("budget", 1, 150, 60)]) for _ in range(200)]
        results = await asyncio.gather(*writes, *reserves)
        assert sum(r is None for r in results[100:]) == 150
        assert [v for v, _ in await store.counters(["failures", "budget"])] == [100, 150]
    finally:
        await store.close()
