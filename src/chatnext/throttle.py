"""Lock out a client address that keeps sending wrong codes.

After `max_failures` wrong codes within `window` seconds the address is
locked for `lockout` seconds; each further lockout of the same address
within a day doubles, up to `max_lockout`. While locked, even the right
code is refused: otherwise a brute force would learn the moment it guessed
right. State lives in the store, so instances sharing Redis share lockouts.
"""

from __future__ import annotations

import json
import time

from chatnext import metrics
from chatnext.store import Store

RECENT_FAILURES = 500  # kept for the admin page
CLEAR_FOR = 1.0  # seconds an address found unlocked is not asked about again


class Throttle:
    def __init__(
        self,
        store: Store,
        *,
        max_failures: int = 5,
        window: float = 600.0,
        lockout: float = 600.0,
        max_lockout: float = 86_400.0,
    ) -> None:
        self.store = store
        self.max_failures = max_failures
        self.window = window
        self.lockout = lockout
        self.max_lockout = max_lockout
        # Addresses this process saw fail: only those need their count reset on success.
        self._failed: set[str] = set()
        self._clear: dict[str, float] = {}  # address -> until when it is known not to be locked

    async def retry_after(self, ip: str) -> float:
        """Seconds until `ip` may try again; 0 when it is not locked."""
        now = time.monotonic()
        if self._clear.get(ip, 0.0) > now:
            return 0.0
        found = await self.store.get(f"lock:{ip}")
        if found is None:
            # Every request with a code asks this; a second's memory of "not
            # locked" saves a store round trip each time. Locks placed here
            # clear it at once; one placed by another instance shows within
            # CLEAR_FOR seconds.
            if len(self._clear) > 100_000:
                self._clear.clear()
            self._clear[ip] = now + CLEAR_FOR
            return 0.0
        return max(found[1], 0.0)

    async def failure(self, ip: str, tag: str) -> float:
        """Count a wrong code; returns the lockout it started (0 if none)."""
        if len(self._failed) > 100_000:
            self._failed.clear()
        self._failed.add(ip)
        self._clear.pop(ip, None)
        entry = json.dumps({"ip": ip, "at": time.time(), "hash": tag})
        await self.store.push("failures", entry, RECENT_FAILURES)
        count = await self.store.incr(f"fail:{ip}", 1, ttl=self.window)
        # Exactly the Nth failure locks, so two instances counting at once lock once.
        if count != self.max_failures:
            return 0.0
        # Only the instance that counted the Nth failure gets here, so this
        # read-then-write of the strike count does not race.
        found = await self.store.get(f"strikes:{ip}")
        strikes = int(found[0]) + 1 if found and found[0].isdigit() else 1
        duration: float = min(self.lockout * 2.0 ** (strikes - 1), self.max_lockout)
        # A day of good behaviour after this lockout ends, and doubling starts over.
        await self.store.set(f"strikes:{ip}", str(strikes), ttl=duration + self.max_lockout)
        await self.store.set(f"lock:{ip}", str(int(duration)), ttl=duration)
        await self.store.delete(f"fail:{ip}")
        metrics.lockout()
        return duration

    async def success(self, ip: str) -> None:
        if ip in self._failed:
            self._failed.discard(ip)
            await self.store.delete(f"fail:{ip}")

    async def locked(self) -> dict[str, float]:
        """Currently locked addresses and the seconds left."""
        return {key.removeprefix("lock:"): left for key, _, left in await self.store.scan("lock:")}

    async def unlock(self, ip: str) -> None:
        await self.store.delete(f"lock:{ip}", f"fail:{ip}", f"strikes:{ip}")

    async def recent_failures(self, count: int = 100) -> list[dict[str, object]]:
        found = []
        for raw in await self.store.recent("failures", count):
            try:
                found.append(json.loads(raw))
            except ValueError:
                continue
        return found
