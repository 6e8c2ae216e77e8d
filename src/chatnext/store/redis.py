"""The shared store: Redis, for several chatnext instances behind one address.

Every read-modify-write is one Lua script, so instances racing for the last
unit of a budget or the fifth wrong code see one answer. Keys live under
one prefix; usage totals are one hash per UTC day.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import redis.asyncio as aioredis

from chatnext.store.base import Counter, UsageRecord, UsageRow, day_of

PREFIX = "chatnext:"
USAGE_DAYS_KEPT = 400
REQUESTS_KEPT = 10_000
_FIELDS = ("requests", "errors", "prompt_tokens", "completion_tokens", "cost")

# KEYS[1]; ARGV: amount, ttl in ms ("" for none)
_INCR = """
local v = redis.call('INCRBYFLOAT', KEYS[1], ARGV[1])
if ARGV[2] ~= '' and redis.call('PTTL', KEYS[1]) < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return v
"""

# KEYS: counters; ARGV: amount, limit ("" for none), ttl ms, per key in turn
_RESERVE = """
for i = 1, #KEYS do
  local limit = ARGV[(i - 1) * 3 + 2]
  if limit ~= '' then
    local v = tonumber(redis.call('GET', KEYS[i]) or '0')
    if v + tonumber(ARGV[(i - 1) * 3 + 1]) > tonumber(limit) then return i end
  end
end
for i = 1, #KEYS do
  redis.call('INCRBYFLOAT', KEYS[i], ARGV[(i - 1) * 3 + 1])
  if redis.call('PTTL', KEYS[i]) < 0 then redis.call('PEXPIRE', KEYS[i], ARGV[(i - 1) * 3 + 3]) end
end
return 0
"""


def _left(pttl: int) -> float:
    return math.inf if pttl == -1 else max(pttl, 0) / 1000


class RedisStore:
    def __init__(self, url: str, clock: Callable[[], float] = time.time) -> None:
        # Waiting for a free connection beats failing the 101st request of a burst.
        pool = aioredis.BlockingConnectionPool.from_url(url, max_connections=64, timeout=10, decode_responses=True)
        self.client: aioredis.Redis = aioredis.Redis(connection_pool=pool)
        self.clock = clock
        self._incr = self.client.register_script(_INCR)
        self._reserve = self.client.register_script(_RESERVE)

    async def get(self, key: str) -> tuple[str, float] | None:
        async with self.client.pipeline(transaction=False) as pipe:
            pipe.get(PREFIX + key)
            pipe.pttl(PREFIX + key)
            value, pttl = await pipe.execute()
        return None if value is None else (value, _left(pttl))

    async def set(self, key: str, value: str, ttl: float | None = None) -> None:
        await self.client.set(PREFIX + key, value, px=None if ttl is None else max(1, int(ttl * 1000)))

    async def delete(self, *keys: str) -> None:
        if keys:
            await self.client.delete(*(PREFIX + k for k in keys))

    async def incr(self, key: str, amount: float = 1.0, ttl: float | None = None) -> float:
        ms = "" if ttl is None else str(max(1, int(ttl * 1000)))
        return float(await self._incr(keys=[PREFIX + key], args=[repr(float(amount)), ms]))

    async def reserve(self, counters: list[Counter]) -> int | None:
        args: list[str] = []
        for c in counters:
            args += [repr(float(c.amount)), "" if c.limit is None else repr(float(c.limit)), str(int(c.ttl * 1000))]
        failed = int(await self._reserve(keys=[PREFIX + c.key for c in counters], args=args))
        return None if failed == 0 else failed - 1

    async def counters(self, keys: list[str]) -> list[tuple[float, float]]:
        async with self.client.pipeline(transaction=False) as pipe:
            for key in keys:
                pipe.get(PREFIX + key)
                pipe.pttl(PREFIX + key)
            replies = await pipe.execute()
        found = []
        for value, pttl in zip(replies[::2], replies[1::2], strict=True):
            found.append((0.0, 0.0) if value is None else (float(value), _left(pttl)))
        return found

    async def scan(self, prefix: str) -> list[tuple[str, str, float]]:
        keys = sorted([k async for k in self.client.scan_iter(match=_glob_escape(PREFIX + prefix) + "*", count=500)])
        if not keys:
            return []
        async with self.client.pipeline(transaction=False) as pipe:
            for key in keys:
                pipe.get(key)
                pipe.pttl(key)
            replies = await pipe.execute()
        return [
            (key[len(PREFIX) :], value, _left(pttl))
            for key, value, pttl in zip(keys, replies[::2], replies[1::2], strict=True)
            if value is not None
        ]

    async def push(self, key: str, value: str, keep: int) -> None:
        async with self.client.pipeline(transaction=True) as pipe:
            pipe.lpush(PREFIX + key, value)
            pipe.ltrim(PREFIX + key, 0, keep - 1)
            await pipe.execute()

    async def recent(self, key: str, count: int) -> list[str]:
        items = await self.client.lrange(PREFIX + key, 0, count - 1)
        return [str(item) for item in items]

    async def record_usage(self, record: UsageRecord) -> None:
        await self.record_usages([record])

    async def record_usages(self, records: list[UsageRecord]) -> None:
        if not records:
            return
        async with self.client.pipeline(transaction=True) as pipe:
            for r in records:
                day_key = f"{PREFIX}usage:{day_of(r.at)}"
                group = "\t".join((r.code, r.model, r.provider))
                event = json.dumps(r)
                pipe.hincrby(day_key, f"{group}\trequests", 1)
                pipe.hincrby(day_key, f"{group}\terrors", int(r.status >= 400))
                pipe.hincrby(day_key, f"{group}\tprompt_tokens", r.prompt_tokens)
                pipe.hincrby(day_key, f"{group}\tcompletion_tokens", r.completion_tokens)
                pipe.hincrbyfloat(day_key, f"{group}\tcost", r.cost)
                pipe.expire(day_key, USAGE_DAYS_KEPT * 86400)
                pipe.lpush(f"{PREFIX}requests", event)
            pipe.ltrim(f"{PREFIX}requests", 0, REQUESTS_KEPT - 1)
            await pipe.execute()

    async def usage(self, since_day: str, code: str | None = None) -> list[UsageRow]:
        days = _days_between(since_day, day_of(self.clock()))
        async with self.client.pipeline(transaction=False) as pipe:
            for day in days:
                pipe.hgetall(f"{PREFIX}usage:{day}")
            tables: list[dict[str, str]] = await pipe.execute()
        rows = []
        for day, table in zip(days, tables, strict=True):
            groups: dict[tuple[str, str, str], dict[str, Any]] = {}
            for field, value in table.items():
                code_, model, provider, metric = field.split("\t")
                if code is None or code_ == code:
                    groups.setdefault((code_, model, provider), {})[metric] = value
            for (code_, model, provider), m in sorted(groups.items()):
                requests, errors, prompt, completion = (int(m.get(f, 0)) for f in _FIELDS[:4])
                cost = float(m.get("cost", 0.0))
                rows.append(UsageRow(day, code_, model, provider, requests, errors, prompt, completion, cost))
        return rows

    async def close(self) -> None:
        await self.client.aclose(close_connection_pool=True)


def _glob_escape(text: str) -> str:
    return "".join("\\" + ch if ch in "*?[]\\" else ch for ch in text)


def _days_between(first: str, last: str) -> list[str]:
    start, end = date.fromisoformat(first), date.fromisoformat(last)
    count = min(max((end - start).days + 1, 0), 800)
    return [(start + timedelta(days=n)).isoformat() for n in range(count)]
