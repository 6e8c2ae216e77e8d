"""What the store keeps, and the one small protocol both backends speak.

Throttles, sessions, rate limits and budgets need expiring keys and
counters that several requests (and several instances, with Redis) update
atomically; usage needs an append-only record and daily totals. Nothing
here knows about HTTP or access codes.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import NamedTuple, Protocol


class UsageRecord(NamedTuple):
    """One relayed request, written once when it ends; stored as its fields, in order."""

    at: float  # epoch seconds
    code: str  # the access code's label; "" for a user's own key
    model: str
    provider: str
    prompt_tokens: int
    completion_tokens: int
    cost: float  # estimated USD
    status: int
    duration: float  # seconds
    estimated: bool = False  # tokens counted here because the upstream sent none


@dataclass(frozen=True)
class UsageRow:
    """Totals of one code, model and provider on one UTC day."""

    day: str  # YYYY-MM-DD
    code: str
    model: str
    provider: str
    requests: int
    errors: int
    prompt_tokens: int
    completion_tokens: int
    cost: float


@dataclass(frozen=True)
class Counter:
    """A counter to add to, if it stays within `limit` (None: no limit)."""

    key: str
    amount: float
    limit: float | None
    ttl: float  # seconds from the counter's creation until it starts again at 0


def day_of(at: float) -> str:
    return time.strftime("%Y-%m-%d", time.gmtime(at))


class Store(Protocol):
    async def get(self, key: str) -> tuple[str, float] | None:
        """The value and the seconds it has left (inf: no expiry); None when absent."""

    async def set(self, key: str, value: str, ttl: float | None = None) -> None: ...

    async def delete(self, *keys: str) -> None: ...

    async def incr(self, key: str, amount: float = 1.0, ttl: float | None = None) -> float:
        """Add to a counter, created at 0 with `ttl` when absent; the new value."""

    async def reserve(self, counters: list[Counter]) -> int | None:
        """Add every amount if no counter would pass its limit, atomically.

        Returns None when added, else the index of the first counter that
        would have passed its limit (and nothing was added).
        """

    async def counters(self, keys: list[str]) -> list[tuple[float, float]]:
        """(value, seconds left) of each counter; (0, 0) when absent."""

    async def scan(self, prefix: str) -> list[tuple[str, str, float]]:
        """(key, value, seconds left) of every live key starting with `prefix`."""

    async def push(self, key: str, value: str, keep: int) -> None:
        """Put `value` first in a list that keeps the newest `keep` items."""

    async def recent(self, key: str, count: int) -> list[str]:
        """The newest `count` items of a list, newest first."""

    async def record_usage(self, record: UsageRecord) -> None: ...

    async def record_usages(self, records: list[UsageRecord]) -> None:
        """Several records in one write (the meter's batches)."""

    async def usage(self, since_day: str, code: str | None = None) -> list[UsageRow]:
        """Daily totals from `since_day` (inclusive), of one code or all."""

    async def close(self) -> None: ...
