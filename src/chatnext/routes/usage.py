"""GET /api/usage: what the caller's access code has used today and this month, and its limits.

It takes the same credentials as the relay (an `nk-` code, the session
cookie, an own key, or none on an open server) and answers for the label
the caller is metered under. Requests made with own keys, and every request
to an open server, share the label "" and so share their totals. Days and
months are UTC; costs are in the pricing table's currency.
"""

from __future__ import annotations

import logging
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from chatnext.errors import HTTPError, error_response
from chatnext.meter import next_day, next_month
from chatnext.services import Services
from chatnext.store import UsageRow, day_of

log = logging.getLogger("chatnext.usage")

NO_STORE = {"Cache-Control": "no-store"}


def _totals(rows: list[UsageRow]) -> dict[str, Any]:
    prompt = sum(r.prompt_tokens for r in rows)
    completion = sum(r.completion_tokens for r in rows)
    return {
        "requests": sum(r.requests for r in rows),
        "promptTokens": prompt,
        "completionTokens": completion,
        "tokens": prompt + completion,
        "cost": round(sum(r.cost for r in rows), 10),  # without the noise of adding floats
    }


async def usage(request: Request) -> Response:
    services: Services = request.app.state.services
    try:
        caller = await services.authorize(request.scope)
    except HTTPError as exc:
        return error_response(exc.status, exc.code, exc.msg, exc.headers, exc.extra)
    meter = services.meter
    # Requests this instance finished a moment ago are counted, not left in the write batch.
    await meter.flush()
    now = meter.clock()
    today = day_of(now)
    try:
        rows = await services.store.usage(today[:8] + "01", caller.code)
    except Exception as exc:
        log.error("usage store failed to answer /api/usage: %s", type(exc).__name__)
        return error_response(503, "store_unavailable", "the usage store is not answering; try again shortly")
    entry = caller.entry
    limits = entry.limits if entry is not None else None
    body = {
        "label": caller.code,
        "today": _totals([r for r in rows if r.day == today]),
        "month": _totals(rows),
        "limits": {
            "requestsPerMinute": limits.requests_per_minute if limits else None,
            "tokensPerDay": limits.tokens_per_day if limits else None,
            "tokensPerMonth": limits.tokens_per_month if limits else None,
            "costPerDay": limits.cost_per_day if limits else None,
            "costPerMonth": limits.cost_per_month if limits else None,
        },
        "resets": {"day": int(next_day(now)), "month": int(next_month(now))},
        "currency": meter.currency,
        "expires": entry.expires.strftime("%Y-%m-%dT%H:%M:%SZ") if entry and entry.expires else None,
    }
    return JSONResponse(body, headers=NO_STORE)


def usage_route() -> Route:
    return Route("/api/usage", usage, methods=["GET"])
