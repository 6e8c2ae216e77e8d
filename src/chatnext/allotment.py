"""Budget reserved ahead: a small share of each limit held by this process.

A code with limits must reserve before each request goes upstream, and a
store call per request is the whole cost of a budget (a thread hop or a
Redis round trip, several times what the rest of the meter costs). So when
a counter is far from its limit, one reservation also takes AHEAD of the
limit (1%) for this process, and the next requests are admitted from that
share in memory, without the store.

The share is counted in the store like any reservation, so every instance
together still never passes a limit: the store's counter is what was used,
plus what is in flight, plus what instances hold ahead. The price is that
near a limit another instance may be refused while this one still holds up
to 1% of it; one instance alone is refused exactly when its counters would
pass the limit, because it spends its own share before asking the store.
Shares go back to the store on shutdown; a crash loses at most 1% of each
limit until the period turns. A share too small to cover a request (a few
requests per minute, a tiny cost limit) is never taken: such counters go to
the store on every request, as they must.
"""

from __future__ import annotations

from collections.abc import Sequence

from chatnext.store import Counter, Store

AHEAD = 0.01


class Allotments:
    def __init__(self, store: Store) -> None:
        self.store = store
        # Per counter key: what is reserved in the store but not yet given to a request.
        self._held: dict[str, float] = {}
        self._ttl: dict[str, float] = {}
        self._until: dict[str, float] = {}  # when the counter's period ends, epoch seconds

    def held(self, key: str) -> float:
        return self._held.get(key, 0.0)

    async def reserve(self, counters: list[Counter], until: Sequence[float]) -> int | None:
        """Like Store.reserve: None when admitted, else the index of the counter that refused.

        `until`: when each counter's period ends (its share is dropped then).
        """
        held = self._held
        # Most requests: everything from what is held, no store call.
        if self._covers(counters):
            return None
        # Take what is held now, before waiting on the store, so that a request
        # admitted meanwhile cannot spend it too.
        taken = [min(held.get(c.key, 0.0), c.amount) for c in counters]
        for c, part in zip(counters, taken, strict=True):
            if part:
                held[c.key] -= part
        short = [
            (i, Counter(c.key, c.amount - part, c.limit, c.ttl))
            for i, (c, part) in enumerate(zip(counters, taken, strict=True))
            if c.amount > part
        ]
        try:
            ahead = [_ahead(c) for _, c in short]
            refused = await self._ask(short, ahead)
            if refused is not None and any(ahead):
                ahead = [0.0] * len(short)  # near the limit: only what this request needs
                refused = await self._ask(short, ahead)
        except BaseException:
            self._give_back(counters, taken)
            raise
        if refused is not None:
            self._give_back(counters, taken)
            # Shares another request of this process took meanwhile may cover it.
            return None if self._covers(counters) else short[refused][0]
        for (i, c), extra in zip(short, ahead, strict=True):
            if extra:
                held[c.key] = held.get(c.key, 0.0) + extra
                self._ttl[c.key] = c.ttl
                self._until[c.key] = until[i]
        return None

    def _covers(self, counters: list[Counter]) -> bool:
        """Admit from the shares held, if they cover every counter (amounts of 0 need none)."""
        held = self._held
        if not all(held.get(c.key, 0.0) >= c.amount for c in counters):
            return False
        for c in counters:
            if c.amount:
                held[c.key] -= c.amount
        return True

    async def _ask(self, short: list[tuple[int, Counter]], ahead: list[float]) -> int | None:
        return await self.store.reserve(
            [Counter(c.key, c.amount + extra, c.limit, c.ttl) for (_, c), extra in zip(short, ahead, strict=True)]
        )

    def _give_back(self, counters: list[Counter], taken: list[float]) -> None:
        for c, part in zip(counters, taken, strict=True):
            if part and c.key in self._until:  # not if its period ended meanwhile
                self._held[c.key] += part

    def forget(self, now: float) -> None:
        """Drop the shares of periods that are over: their counters are no longer asked for."""
        for key in [k for k, end in self._until.items() if end <= now]:
            self._held.pop(key, None)
            self._ttl.pop(key, None)
            del self._until[key]

    async def release(self, now: float) -> None:
        """Give every share of a current period back to the store (on shutdown)."""
        self.forget(now)
        back = [Counter(key, -amount, None, self._ttl[key]) for key, amount in self._held.items() if amount > 0]
        self._held.clear()
        self._ttl.clear()
        self._until.clear()
        if back:
            await self.store.reserve(back)


def _ahead(c: Counter) -> float:
    """How much more than asked to take: a share of the limit, if it covers at least this request again."""
    if c.limit is None:
        return 0.0
    share = c.limit * AHEAD
    return share if share >= c.amount else 0.0
