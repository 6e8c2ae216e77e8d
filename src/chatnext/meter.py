"""Usage metering and per-code budgets.

Every chat request is admitted before the upstream hears of it and finished
once its answer is over: complete, failed, or abandoned by the browser.

For a policy code with limits, admit() reserves one request on this
minute's counter and an estimate of the tokens and cost on this day's and
this month's counters, one counter per limit the code has, atomically: from
the share of each limit this process already reserved in the store ahead
of its requests when that covers it (allotment.py), else in one store call.
A reservation that would pass a limit refuses the request (429) before any
upstream is called, so parallel requests cannot overshoot a budget between
them. Callers without limits (a plain CODE, an own key, an open
server) reserve nothing: their requests never wait on the store.

finish() puts the estimate right: each token and cost counter gets the
actual figure minus the reserved one, and a failed request gives back
everything but its place in the per-minute count. It also makes one
UsageRecord per request, with the upstream's token counts, or estimates
marked `estimated` when it sent none. Nobody waits for that: finished
requests are written in batches by a background task at most FLUSH_SECONDS
later, their counter corrections summed per key, which costs two store
writes per batch where writing each request alone would cost two per request.

The estimates (for reservations, and for answers that came without token
counts) are in estimate.py.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from datetime import UTC, datetime
from typing import Any, NamedTuple

from chatnext import metrics
from chatnext.allotment import Allotments
from chatnext.auth import Caller
from chatnext.errors import HTTPError
from chatnext.estimate import estimate_prompt, expected_completion
from chatnext.models import split_provider
from chatnext.policy import Limits
from chatnext.pricing import Pricing, price_of
from chatnext.store import Counter, Store, UsageRecord

log = logging.getLogger("chatnext.meter")

# How long a finished request may wait to be written with others.
FLUSH_SECONDS = 0.1
# Day and month counters are keyed by their period; outliving it by a margin
# lets a request that started just before midnight settle on its own day.
DAY_TTL = 86_400 + 3_600
MONTH_TTL = 32 * 86_400
_PRICE_CACHE = 4096
_NO_LIMITS = Limits()


def _number(value: float) -> str:
    """200000 as "200000" and 1.5 as "1.5", never in exponent notation."""
    if value == int(value):
        return str(int(value))
    return f"{value:.6f}".rstrip("0").rstrip(".")


def _iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def next_day(now: float) -> float:
    """Epoch seconds of the next UTC midnight."""
    return (math.floor(now / 86_400) + 1) * 86_400.0


def next_month(now: float) -> float:
    """Epoch seconds of the first instant of the next UTC month."""
    today = datetime.fromtimestamp(now, UTC)
    year, month = (today.year + 1, 1) if today.month == 12 else (today.year, today.month + 1)
    return datetime(year, month, 1, tzinfo=UTC).timestamp()


class _Slot(NamedTuple):
    """One limited counter of a code in the current minute, and what to tell a refused caller."""

    key: str
    limit: float
    ttl: float
    name: str  # the policy's: tokens_per_day, ...
    reset: float  # epoch seconds
    kind: str  # "requests", "tokens" or "cost"


def _slots(label: str, limits: Limits, now: float) -> tuple[_Slot, ...]:
    minute = math.floor(now / 60)
    day = time.strftime("%Y-%m-%d", time.gmtime(now))
    month = day[:7]
    tomorrow, next_first = next_day(now), next_month(now)
    wanted = (
        (limits.requests_per_minute, f"rpm:{label}:{minute}", 60, "requests_per_minute", (minute + 1) * 60.0),
        (limits.tokens_per_day, f"tokens:day:{label}:{day}", DAY_TTL, "tokens_per_day", tomorrow),
        (limits.tokens_per_month, f"tokens:month:{label}:{month}", MONTH_TTL, "tokens_per_month", next_first),
        (limits.cost_per_day, f"cost:day:{label}:{day}", DAY_TTL, "cost_per_day", tomorrow),
        (limits.cost_per_month, f"cost:month:{label}:{month}", MONTH_TTL, "cost_per_month", next_first),
    )
    return tuple(
        _Slot(key, limit, ttl, name, reset, name.split("_")[0]) for limit, key, ttl, name, reset in wanted if limit
    )


_UNITS = {
    "requests_per_minute": "requests per minute",
    "tokens_per_day": "tokens per day",
    "tokens_per_month": "tokens per month",
    "cost_per_day": "{currency} per day",
    "cost_per_month": "{currency} per month",
}


class Ticket:
    """One admitted request; finish() it exactly once when its answer is over."""

    __slots__ = ("_done", "_meter", "_prompt", "_reserved", "_started", "at", "label", "model", "payload", "provider")

    def __init__(
        self,
        meter: Meter,
        label: str,
        model: str,
        provider: str,
        payload: dict[str, Any],
        reserved: tuple[tuple[str, Counter], ...] = (),  # (kind, counter) of each amount to settle
        prompt: int | None = None,
    ) -> None:
        self._meter = meter
        self.label = label
        self.model = model
        self.provider = provider
        self.payload = payload
        self._reserved = reserved
        self._prompt = prompt
        # A request belongs to the day and month it was admitted in, like its reservation.
        self.at = meter.clock()
        self._started = time.monotonic()
        self._done = False

    def finish(self, status: int, usage: tuple[int, int] | None, estimated_completion: int) -> None:
        """The answer is over: `status` as the client got it (>= 400: nothing to charge).

        `usage` is (prompt, completion) as the upstream counted, None when it
        did not; `estimated_completion` stands in for its completion then.
        Never blocks and never raises; a second call does nothing, so a
        request is never charged twice.
        """
        if self._done:
            return
        self._done = True
        self._meter._queue(_Finished(self, status, usage, estimated_completion, time.monotonic() - self._started))

    def prompt_estimate(self) -> int:
        if self._prompt is None:
            self._prompt = estimate_prompt(self.payload)
        return self._prompt


class _Finished(NamedTuple):
    ticket: Ticket
    status: int
    usage: tuple[int, int] | None
    estimated_completion: int
    duration: float


class Meter:
    def __init__(self, store: Store, pricing: Pricing) -> None:
        self.store = store
        self.pricing = pricing
        self.currency = str(pricing.get("currency") or "USD")
        # What time it is for periods and resets; tests move it.
        self.clock = time.time
        self._prices: dict[str, dict[str, float] | None] = {}
        # Each code's counters this minute: keys, limits and resets change at most once a minute.
        self._slots: dict[tuple[str, Limits], tuple[_Slot, ...]] = {}
        self._slots_minute = 0
        # Budget reserved ahead of requests, so that most need no store call (allotment.py).
        self.ahead = Allotments(store)
        self._pending: list[_Finished] = []
        self._timer: asyncio.TimerHandle | None = None
        # The running writers, held so they are not garbage-collected mid-write.
        self._tasks: set[asyncio.Task[None]] = set()

    # --- prices --------------------------------------------------------------

    def cost(self, model: str, prompt_tokens: int, completion_tokens: int) -> float:
        """Estimated cost in the pricing table's currency; 0 for a model it does not price."""
        if model in self._prices:
            price = self._prices[model]
        else:
            if len(self._prices) >= _PRICE_CACHE:  # model names come from users
                self._prices.clear()
            price = self._prices[model] = price_of(model, self.pricing)
        if price is None:
            return 0.0
        return (prompt_tokens * price["input"] + completion_tokens * price["output"]) / 1_000_000

    # --- admission -----------------------------------------------------------

    async def admit(self, caller: Caller, model_id: str, payload: dict[str, Any]) -> Ticket:
        """Let a chat request for `model_id` ("name@provider") go on, or raise HTTPError.

        403 model_not_allowed, 401 code_expired, 429 limit_exceeded (with
        Retry-After and the limit in the body), 503 when the store cannot
        answer for a code with limits.
        """
        model, provider = split_provider(model_id)
        entry = caller.entry
        if entry is None:
            return Ticket(self, caller.code, model, provider, payload)
        now = self.clock()
        if entry.expired(datetime.fromtimestamp(now, UTC)):
            raise HTTPError(401, "code_expired", "this access code has expired; ask for a new one")
        if not entry.allows_model(model_id):
            raise HTTPError(
                403,
                "model_not_allowed",
                f'you are not allowed to use {model} model with the access code "{entry.label}"',
            )
        limits = entry.limits
        if limits == _NO_LIMITS:
            return Ticket(self, caller.code, model, provider, payload)
        prompt = estimate_prompt(payload)
        completion = expected_completion(payload)
        amounts = {"requests": 1.0, "tokens": prompt + completion, "cost": self.cost(model, prompt, completion)}
        slots = self._slots_of(entry.label, limits, now)
        counters = [Counter(s.key, amounts[s.kind], s.limit, s.ttl) for s in slots]
        try:
            refused = await self.ahead.reserve(counters, [s.reset for s in slots])
        except Exception as exc:
            log.error("usage store failed to reserve for %s: %s", entry.label, type(exc).__name__)
            raise HTTPError(
                503, "store_unavailable", "the server cannot check this code's limits right now; try again shortly"
            ) from None
        if refused is not None:
            raise self._refusal(entry.label, slots[refused], counters[refused].amount, now)
        # The per-minute request stays counted whatever happens: only amounts are settled.
        settled = tuple((s.kind, c) for s, c in zip(slots, counters, strict=True) if s.kind != "requests")
        return Ticket(self, caller.code, model, provider, payload, settled, prompt)

    def _slots_of(self, label: str, limits: Limits, now: float) -> tuple[_Slot, ...]:
        minute = math.floor(now / 60)
        if minute != self._slots_minute:
            self._slots.clear()
            self._slots_minute = minute
            self.ahead.forget(now)
        found = self._slots.get((label, limits))
        if found is None:
            found = self._slots[(label, limits)] = _slots(label, limits, now)
        return found

    def _refusal(self, label: str, refused: _Slot, amount: float, now: float) -> HTTPError:
        metrics.limit_refused(refused.name)
        limit = refused.limit
        value: float = limit if refused.kind == "cost" else int(limit)
        unit = _UNITS[refused.name].format(currency=self.currency)
        msg = (
            f'the access code "{label}" has reached its limit of {_number(value)} {unit} ({refused.name}); '
            f"it resets at {_iso(refused.reset)}"
        )
        if amount > limit:
            # Waiting will not help this one: say so rather than only when to retry.
            need = f"{_number(amount)} {self.currency}" if refused.kind == "cost" else f"about {int(amount)} tokens"
            msg += f"; this request alone needs {need}, more than the whole limit"
        wait = max(1, math.ceil(refused.reset - now))
        return HTTPError(
            429,
            "limit_exceeded",
            msg,
            {"Retry-After": str(wait)},
            {"limit": refused.name, "limitValue": value, "resetAt": int(refused.reset), "currency": self.currency},
        )

    # --- settling and recording ----------------------------------------------

    def _queue(self, finished: _Finished) -> None:
        self._pending.append(finished)
        if self._timer is None:
            try:
                loop = asyncio.get_running_loop()
            except RuntimeError:
                return  # no loop to write from: flush() or close() will
            self._timer = loop.call_later(FLUSH_SECONDS, self._start_writer)

    def _start_writer(self) -> None:
        self._timer = None
        task = asyncio.ensure_future(self._write_pending())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def flush(self) -> None:
        """Write every finished request now, and wait for the writes under way."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        running = list(self._tasks)
        await self._write_pending()
        if running:
            await asyncio.wait(running)

    async def close(self) -> None:
        await self.flush()
        try:
            await self.ahead.release(self.clock())
        except Exception as exc:
            log.error("usage store failed to take back budget reserved ahead: %s", type(exc).__name__)

    async def _write_pending(self) -> None:
        batch, self._pending = self._pending, []
        if not batch:
            return
        records: list[UsageRecord] = []
        corrections: dict[str, list[float]] = {}  # key -> [amount, ttl]
        for done in batch:
            try:
                record = self._record(done)
            except Exception:
                log.exception("could not meter a finished request to %s", done.ticket.provider)
                continue
            records.append(record)
            for kind, counter in done.ticket._reserved:
                actual = record.cost if kind == "cost" else record.prompt_tokens + record.completion_tokens
                correction = actual - counter.amount
                if correction:
                    corrections.setdefault(counter.key, [0.0, counter.ttl])[0] += correction
            metrics.request_finished(
                record.provider,
                record.model,
                record.status,
                record.prompt_tokens,
                record.completion_tokens,
                record.cost,
                record.duration,
            )
        # A failure costs the budget a stale estimate or the log some lines;
        # it must never reach a request, which is long answered anyway.
        if corrections:
            try:
                await self.store.reserve(
                    [Counter(key, amount, None, ttl) for key, (amount, ttl) in corrections.items()]
                )
            except Exception as exc:
                log.error("usage store failed to settle %d counters: %s", len(corrections), type(exc).__name__)
        try:
            await self.store.record_usages(records)
        except Exception as exc:
            log.error("usage store failed to record %d requests: %s", len(records), type(exc).__name__)

    def _record(self, done: _Finished) -> UsageRecord:
        ticket = done.ticket
        estimated = False
        if done.status >= 400:
            # Nothing was answered, so nothing is charged.
            prompt = completion = 0
        elif done.usage is not None:
            prompt, completion = done.usage
        else:
            prompt, completion, estimated = ticket.prompt_estimate(), done.estimated_completion, True
        prompt, completion = max(0, int(prompt)), max(0, int(completion))
        return UsageRecord(
            at=ticket.at,
            code=ticket.label,
            model=ticket.model,
            provider=ticket.provider,
            prompt_tokens=prompt,
            completion_tokens=completion,
            cost=self.cost(ticket.model, prompt, completion),
            status=done.status,
            duration=done.duration,
            estimated=estimated,
        )
