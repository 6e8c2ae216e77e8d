"""The upstream balance (ENABLE_BALANCE_QUERY), as OpenAI-style billing reads it.

OpenAI stopped accepting API keys on /dashboard/billing/* in 2023; relays
such as one-api still answer them. So a refusal is an expected answer, not
a failure: it comes back as {"supported": false, "reason", "detail"} with
HTTP 200 and the page explains it, where NextChat showed an error.
"""

from __future__ import annotations

import asyncio
import html
import json
import re
from datetime import date, timedelta
from typing import Any

from chatnext.errors import HTTPError
from chatnext.relay import Relay, Reply, UpstreamRequest
from chatnext.upstream import Target

SUBSCRIPTION = "dashboard/billing/subscription"
USAGE = "dashboard/billing/usage"
# The relay waits up to UPSTREAM_TIMEOUT (600 s by default) for a chat; a
# settings page should not wait that long for two small JSON objects.
BALANCE_TIMEOUT = 15.0
DETAIL_CHARS = 300

_STATUS_REASONS = {401: "unauthorized", 403: "forbidden", 404: "not_found"}
_NETWORK_CODES = {"upstream_unreachable", "upstream_timeout", "upstream_disconnected"}
_KEY = re.compile(r"\b(sk|nk)-[A-Za-z0-9_\-*]{4,}")


class Unsupported(Exception):
    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(reason)
        self.reason = reason
        self.detail = detail


def usage_window(today: date) -> tuple[str, str]:
    """This month so far; OpenAI's end_date is exclusive, hence tomorrow."""
    return today.replace(day=1).isoformat(), (today + timedelta(days=1)).isoformat()


async def query_balance(
    relay: Relay, target: Target, user_key: str | None, today: date | None = None
) -> dict[str, Any]:
    """The answer of GET /api/balance; never raises for anything the upstream does."""
    start, end = usage_window(today or date.today())
    try:
        async with asyncio.timeout(BALANCE_TIMEOUT):
            subscription = await _get(relay, UpstreamRequest(target, "GET", SUBSCRIPTION, user_key=user_key))
            limit = _number(subscription, "hard_limit_usd")
            usage = await _get(
                relay,
                UpstreamRequest(target, "GET", USAGE, query={"start_date": start, "end_date": end}, user_key=user_key),
            )
            used = _number(usage, "total_usage") / 100  # cents
    except Unsupported as exc:
        return _unsupported(exc.reason, exc.detail)
    except TimeoutError:
        return _unsupported("upstream_unreachable", f"the upstream did not answer within {BALANCE_TIMEOUT:g} seconds")
    except HTTPError as exc:
        reason = "upstream_unreachable" if exc.code in _NETWORK_CODES else exc.code
        return _unsupported(reason, exc.msg)
    # Rounded before subtracting, so the three numbers on the page add up.
    limit, used = round(limit, 2), round(used, 2)
    return {"supported": True, "limit": limit, "used": used, "remaining": round(limit - used, 2), "currency": "USD"}


def _unsupported(reason: str, detail: str) -> dict[str, Any]:
    return {"supported": False, "reason": reason, "detail": _short(detail)}


def _short(text: str) -> str:
    return text if len(text) <= DETAIL_CHARS else text[: DETAIL_CHARS - 1] + "…"


async def _get(relay: Relay, req: UpstreamRequest) -> dict[str, Any]:
    reply = await relay.fetch(req)
    if reply.status >= 400:
        reason = _STATUS_REASONS.get(reply.status, "upstream_error")
        raise Unsupported(reason, f"HTTP {reply.status}: {upstream_words(reply)}")
    try:
        payload = json.loads(reply.body)
    except (ValueError, UnicodeDecodeError):
        raise Unsupported("not_json", upstream_words(reply)) from None
    if not isinstance(payload, dict):
        raise Unsupported("not_json", upstream_words(reply))
    return payload


def _number(payload: dict[str, Any], name: str) -> float:
    value = payload.get(name)
    if isinstance(value, bool) or not isinstance(value, int | float) or value != value:
        raise Unsupported("missing_fields", f"the upstream's answer has no number {name}")
    return float(value)


def upstream_words(reply: Reply) -> str:
    """What the upstream said, readable: its error message, a page's title, or the text."""
    text = reply.body.decode("utf-8", "replace")
    try:
        payload = json.loads(text)
    except ValueError:
        payload = None
    words = ""
    if isinstance(payload, dict):
        error = payload.get("error")
        for candidate in (error.get("message") if isinstance(error, dict) else error, payload.get("message")):
            if isinstance(candidate, str) and candidate.strip():
                words = candidate
                break
    if not words and "<" in text:
        title = re.search(r"<title[^>]*>(.*?)</title>", text, re.IGNORECASE | re.DOTALL)
        words = html.unescape(title[1] if title else re.sub(r"<[^>]+>", " ", text))
    words = " ".join((words or text).split())
    # An upstream quotes the key it refused; even masked, the server's key is not the user's business.
    return _KEY.sub(lambda m: f"{m[1]}-…", words)
