"""Lock out a client address that keeps sending wrong access codes.

After `max_failures` wrong codes within `window` seconds the address is
locked for `lockout` seconds; each further lockout of the same address
doubles, up to `max_lockout`. While locked, even the right code is refused:
otherwise a brute force would learn the moment it guessed right.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class _Record:
    failures: deque[float] = field(default_factory=deque)
    locked_until: float = 0.0
    lockouts: int = 0


class Throttle:
    def __init__(
        self,
        *,
        max_failures: int = 5,
        window: float = 600.0,
        lockout: float = 600.0,
        max_lockout: float = 86_400.0,
        clock: Callable[[], float] = time.monotonic,
        max_tracked: int = 100_000,
    ) -> None:
        self.max_failures = max_failures
        self.window = window
        self.lockout = lockout
        self.max_lockout = max_lockout
        self.clock = clock
        self.max_tracked = max_tracked
        self._records: dict[str, _Record] = {}

    def retry_after(self, ip: str) -> float:
        """Seconds until `ip` may try again; 0 when it is not locked."""
        record = self._records.get(ip)
        if record is None:
            return 0.0
        return max(0.0, record.locked_until - self.clock())

    def failure(self, ip: str) -> float:
        """Count a wrong code; returns the lockout it started (0 if none)."""
        now = self.clock()
        record = self._records.get(ip)
        if record is None:
            self._forget_stale(now)
            record = self._records[ip] = _Record()
        elif record.lockouts and now - record.locked_until > self.max_lockout:
            # A day of good behaviour since the last lockout: start over.
            record.lockouts = 0
        failures = record.failures
        while failures and now - failures[0] > self.window:
            failures.popleft()
        failures.append(now)
        if len(failures) < self.max_failures:
            return 0.0
        failures.clear()
        duration: float = min(self.lockout * 2.0**record.lockouts, self.max_lockout)
        record.lockouts += 1
        record.locked_until = now + duration
        return duration

    def success(self, ip: str) -> None:
        record = self._records.get(ip)
        if record is not None:
            record.failures.clear()

    def locked(self) -> dict[str, float]:
        """Currently locked addresses and the seconds left."""
        now = self.clock()
        return {ip: r.locked_until - now for ip, r in self._records.items() if r.locked_until > now}

    def _forget_stale(self, now: float) -> None:
        if len(self._records) < self.max_tracked:
            return
        horizon = max(self.window, self.max_lockout)
        for ip in [
            ip
            for ip, r in self._records.items()
            if r.locked_until < now - horizon and (not r.failures or now - r.failures[-1] > self.window)
        ]:
            del self._records[ip]
