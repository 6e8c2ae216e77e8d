"""What the meter costs per request, by path, against a real SQLite store.

`relay.py --metering` measures the meter inside the server, where a policy
code far from its limits is admitted from the budget reserved ahead
(allotment.py). This measures each path on its own, in one process, CPU
time per operation (the store's writer thread included):

- reserve, loop: Store.reserve of five counters, written on the event loop
- reserve, thread: the same through the store's writer thread (what happens
  while another writer holds the file)
- record: one usage record of a batch of 100
- meter, own key: admit + finish + the batched write, nothing to reserve
- meter, code, ahead: a code with five limits far above use (from its share)
- meter, code, store: the same code with shares turned off, so every
  request reserves in the store, as a code near its limits or with limits
  too small for a share does

    python bench/store.py [--requests 3000]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import uvloop

from chatnext import allotment
from chatnext.auth import Caller
from chatnext.meter import Meter
from chatnext.policy import CodeEntry, Limits
from chatnext.pricing import packaged_pricing
from chatnext.store import Counter, UsageRecord
from chatnext.store.sqlite import SQLiteStore

PAYLOAD = {
    "model": "gpt-4o-mini",
    "stream": True,
    "stream_options": {"include_usage": True},
    "messages": [{"role": "user", "content": "Tell me about relays."}],
}
FAR = Limits(10**8, 10**12, 10**12, 10.0**9, 10.0**9)


async def per_op(n: int, op: Callable[[int], Awaitable[object]]) -> float:
    """CPU microseconds per call of `op`, after a warm-up."""
    for i in range(min(200, n)):
        await op(i)
    start = time.process_time()
    for i in range(n):
        await op(i)
    return (time.process_time() - start) / n * 1e6


async def run(n: int, directory: Path) -> list[tuple[str, float]]:
    store = SQLiteStore(directory / "bench.db")
    counters = [
        Counter("rpm:bench:1", 1, 1e12, 60),
        Counter("tokens:day:bench:d", 530, 1e12, 90_000),
        Counter("tokens:month:bench:m", 530, 1e12, 3e6),
        Counter("cost:day:bench:d", 0.0001, 1e9, 90_000),
        Counter("cost:month:bench:m", 0.0001, 1e9, 3e6),
    ]
    results = [("reserve, loop", await per_op(n, lambda i: store.reserve(counters)))]
    loop_connection, store._now = store._now, None  # only the thread is left
    results.append(("reserve, thread", await per_op(n, lambda i: store.reserve(counters))))
    store._now = loop_connection
    now = time.time()
    batch = [UsageRecord(now, "bench", "gpt-4o-mini", "openai", 12, 48, 0.0001, 200, 0.01) for _ in range(100)]
    results.append(
        ("record (batch of 100)", await per_op(max(1, n // 100), lambda i: store.record_usages(batch)) / 100)
    )

    code = Caller("bench", CodeEntry("bench", "unused", limits=FAR))
    rows = [("meter, own key", Caller(), allotment.AHEAD), ("meter, code, ahead", code, allotment.AHEAD)]
    rows.append(("meter, code, store", code, 0.0))
    for name, caller, ahead in rows:
        allotment.AHEAD = ahead
        meter = Meter(store, packaged_pricing())  # each row starts with no share held

        async def request(i: int, caller: Caller = caller, meter: Meter = meter) -> None:
            ticket = await meter.admit(caller, "gpt-4o-mini@openai", PAYLOAD)
            ticket.finish(200, (12, 48), 48)
            if i % 100 == 99:  # about what a 0.1 s batch holds at 1,000 requests a second
                await meter.flush()

        results.append((name, await per_op(n, request)))
        await meter.close()
    await store.close()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=3000, help="operations per row (default 3000)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        results = uvloop.run(run(args.requests, Path(directory)))
    print(f"{'path':<24} {'CPU us':>8}")
    for name, micros in results:
        print(f"{name:<24} {micros:>8.1f}")


if __name__ == "__main__":
    main()
