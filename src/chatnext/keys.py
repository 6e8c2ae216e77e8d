"""A pool of upstream API keys with cool-down.

A key the upstream refused (401), rate-limited (429) or found out of quota
rests for a while; requests take the other keys meanwhile. When every key
rests, the one that comes back first is used rather than failing outright.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator

# How long a key rests, by why it was refused.
COOL_DOWN = {
    "unauthorized": 3600.0,  # a revoked key stays revoked
    "quota": 3600.0,  # billing does not refill in seconds
    "rate_limited": 30.0,
}


class KeyPool:
    def __init__(self, keys: tuple[str, ...], clock: Callable[[], float] = time.monotonic) -> None:
        self.keys = keys
        self.clock = clock
        self._resting: dict[str, tuple[float, str]] = {}

    def __len__(self) -> int:
        return len(self.keys)

    def candidates(self) -> Iterator[str]:
        """Keys to try for one request, each at most once, best first."""
        now = self.clock()
        ready = [k for k in self.keys if self._resting.get(k, (0.0, ""))[0] <= now]
        random.shuffle(ready)
        resting = sorted((k for k in self.keys if k not in ready), key=lambda k: self._resting[k][0])
        yield from ready
        yield from resting

    def cool_down(self, key: str, reason: str, seconds: float | None = None) -> None:
        duration = COOL_DOWN[reason] if seconds is None else seconds
        self._resting[key] = (self.clock() + duration, reason)

    def resting(self) -> list[tuple[str, float, str]]:
        """(masked key, seconds left, reason) for the admin view and logs."""
        now = self.clock()
        return [(mask_key(k), until - now, why) for k, (until, why) in self._resting.items() if until > now]


def mask_key(key: str) -> str:
    return f"{key[:3]}…{key[-4:]}" if len(key) > 12 else "…"
