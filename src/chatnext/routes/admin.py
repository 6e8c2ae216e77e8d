"""/admin and /api/admin/*: usage, lockouts and keys in cool-down, for whoever holds ADMIN_CODE.

Closed (ADMIN_CODE empty), every one of these paths answers the app's own
404, byte for byte, like a path that does not exist.

POST /api/admin/auth {"code"} trades the admin code for an HttpOnly,
SameSite=Strict session cookie. A wrong code counts on the same per-address
throttle as access codes (five wrong ones lock the address), and each attempt
logs "got admin code" with the outcome, the address and a short keyed hash,
never the code. Scripts may send `Authorization: Bearer <ADMIN_CODE>` instead
of the cookie (checked, and throttled, the same way). Everything else is
read-only except POST /api/admin/unlock {"ip"}. Answers never hold access
codes, their hashes, or whole API keys, and are never cached.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import math
from collections import defaultdict
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from chatnext.asgi import read_body
from chatnext.auth import bearer_token, locked_error
from chatnext.errors import HTTPError, error_response
from chatnext.routes.session import end_session, secure_request, set_cookie
from chatnext.routes.web import index
from chatnext.services import Services, cookie_value, json_object
from chatnext.sessions import ADMIN_COOKIE, ADMIN_TTL

log = logging.getLogger("chatnext.admin")

NO_STORE = {"Cache-Control": "no-store"}
DEFAULT_DAYS = 30
MAX_DAYS = 366
FAILURES_SHOWN = 50
TOP_MODELS = 10
CURRENCY = "USD"


def _services(request: Request) -> Services:
    services: Services = request.app.state.services
    if not services.settings.admin_code:
        # The app's own not-found answer: a closed admin looks like no admin at all.
        raise HTTPException(404)
    return services


def _same(given: str, expected: str) -> bool:
    # Digests first: the comparison takes the same time whatever the lengths.
    return hmac.compare_digest(hashlib.sha256(given.encode()).digest(), hashlib.sha256(expected.encode()).digest())


def _session_id(services: Services) -> str:
    """What an admin session remembers: follows the code, so a new ADMIN_CODE ends old sessions."""
    return "admin:" + services.access.fingerprint("\0admin\0" + services.settings.admin_code)


async def _check_code(services: Services, code: str, ip: str) -> None:
    """Raises 401 for a wrong admin code, 429 while the address is locked."""
    throttle = services.access.throttle
    tag = services.access.fingerprint(code)
    wait = await throttle.retry_after(ip)
    if wait > 0:
        log.warning("got admin code: outcome=locked ip=%s hash=%s retry_after=%d", ip, tag, math.ceil(wait))
        raise locked_error(wait, "codes")
    if _same(code, services.settings.admin_code):
        await throttle.success(ip)
        log.info("got admin code: outcome=ok ip=%s", ip)
        return
    lockout = await throttle.failure(ip, tag)
    log.warning("got admin code: outcome=wrong ip=%s hash=%s", ip, tag)
    if lockout:
        log.warning("access locked: ip=%s for=%ds", ip, math.ceil(lockout))
        raise locked_error(lockout, "codes")
    raise HTTPError(401, "wrong_admin_code", "wrong admin code")


async def _require_admin(request: Request, services: Services) -> None:
    token = bearer_token(request.headers.get("authorization"))
    if token:
        await _check_code(services, token, services.client_ip(request.scope))
        return
    cookie = cookie_value(request.headers.get("cookie"), ADMIN_COOKIE)
    if cookie and await services.sessions.code_of(cookie, kind="admin") == _session_id(services):
        return
    raise HTTPError(401, "admin_unauthorized", "sign in with the admin code first")


# --- the endpoints ----------------------------------------------------------


async def login(request: Request, services: Services) -> Response:
    body = json_object(await read_body(request.scope, request.receive, 64 * 1024))
    code = body.get("code")
    if not isinstance(code, str) or not code.strip():
        raise HTTPError(400, "empty_admin_code", "empty admin code")
    await _check_code(services, code.strip(), services.client_ip(request.scope))
    response = JSONResponse({"ok": True})
    cookie = await services.sessions.open(_session_id(services), kind="admin", ttl=ADMIN_TTL)
    set_cookie(response, ADMIN_COOKIE, cookie, ADMIN_TTL, secure_request(request, services))
    return response


async def logout(request: Request, services: Services) -> Response:
    return await end_session(request, services, ADMIN_COOKIE)


def _days(request: Request) -> int:
    raw = request.query_params.get("days", str(DEFAULT_DAYS))
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_DAYS:
        raise HTTPError(400, "invalid_days", f"days must be a whole number from 1 to {MAX_DAYS}")
    return int(raw)


async def overview(request: Request, services: Services) -> Response:
    await _require_admin(request, services)
    count = _days(request)
    today = datetime.now(UTC).date()
    days = [(today - timedelta(days=n)).isoformat() for n in range(count - 1, -1, -1)]
    rows = await services.store.usage(days[0])

    per_day: dict[tuple[str, str], dict[str, Any]] = {}
    by_code: dict[str, dict[str, Any]] = defaultdict(lambda: {"requests": 0, "tokens": 0, "cost": 0.0})
    by_model: dict[tuple[str, str], dict[str, Any]] = defaultdict(lambda: {"requests": 0, "tokens": 0, "cost": 0.0})
    totals: dict[str, Any] = {
        "requests": 0,
        "errors": 0,
        "promptTokens": 0,
        "completionTokens": 0,
        "tokens": 0,
        "cost": 0.0,
    }
    for row in rows:
        if row.day > days[-1]:
            continue  # a clock ahead of ours: outside the window shown
        tokens = row.prompt_tokens + row.completion_tokens
        day = per_day.setdefault(
            (row.day, row.code),
            {
                "day": row.day,
                "code": row.code,
                "requests": 0,
                "errors": 0,
                "promptTokens": 0,
                "completionTokens": 0,
                "cost": 0.0,
            },
        )
        for target in (day, totals):
            target["requests"] += row.requests
            target["errors"] += row.errors
            target["promptTokens"] += row.prompt_tokens
            target["completionTokens"] += row.completion_tokens
            target["cost"] += row.cost
        totals["tokens"] += tokens
        for target in (by_code[row.code], by_model[(row.model, row.provider)]):
            target["requests"] += row.requests
            target["tokens"] += tokens
            target["cost"] += row.cost

    def cost_order(item: dict[str, Any]) -> tuple[float, int]:
        return (-item["cost"], -item["tokens"])

    usage = [_rounded(per_day[key]) for key in sorted(per_day)]
    codes = sorted(({"code": code, **_rounded(v)} for code, v in by_code.items()), key=cost_order)
    models = sorted(
        ({"model": model, "provider": provider, **_rounded(v)} for (model, provider), v in by_model.items()),
        key=cost_order,
    )

    throttle = services.access.throttle
    locked = await throttle.locked()
    lockouts = [
        {"ip": ip, "secondsLeft": math.ceil(left)}
        for ip, left in sorted(locked.items(), key=lambda item: (-item[1], item[0]))
        if left > 0
    ]
    failures = [
        {"ip": str(f.get("ip", "")), "at": f.get("at"), "hash": str(f.get("hash", ""))}
        for f in await throttle.recent_failures(FAILURES_SHOWN)
        if isinstance(f.get("at"), int | float)
    ]
    keys = [
        {"provider": pid, "key": masked, "secondsLeft": math.ceil(left), "reason": reason}
        for pid, provider in services.providers.items()
        for masked, left, reason in provider.target.keys.resting()
    ]
    return JSONResponse(
        {
            "days": days,
            "usage": usage,
            "byCode": codes,
            "topModels": models[:TOP_MODELS],
            "totals": _rounded(totals),
            "lockouts": lockouts,
            "failures": failures,
            "keys": keys,
            "currency": CURRENCY,
        }
    )


def _rounded(values: dict[str, Any]) -> dict[str, Any]:
    return {**values, "cost": round(values["cost"], 6)}


async def unlock(request: Request, services: Services) -> Response:
    await _require_admin(request, services)
    body = json_object(await read_body(request.scope, request.receive, 64 * 1024))
    ip = body.get("ip")
    if not isinstance(ip, str) or not ip.strip() or len(ip) > 200:
        raise HTTPError(400, "missing_ip", 'give the address to unlock as {"ip": "..."}')
    await services.access.throttle.unlock(ip.strip())
    log.warning("admin unlocked ip=%s (by ip=%s)", ip.strip(), services.client_ip(request.scope))
    return JSONResponse({"ok": True})


Handler = Callable[[Request, Services], Awaitable[Response]]
ENDPOINTS: dict[str, dict[str, Handler]] = {
    "auth": {"POST": login, "DELETE": logout},
    "overview": {"GET": overview},
    "unlock": {"POST": unlock},
}


async def api(request: Request) -> Response:
    services = _services(request)
    methods = ENDPOINTS.get(request.path_params["rest"])
    if methods is None:
        raise HTTPException(404)
    handler = methods.get(request.method)
    if handler is None:
        raise HTTPException(405, headers={"Allow": ", ".join(methods)})
    try:
        response = await handler(request, services)
    except HTTPError as exc:
        response = error_response(exc.status, exc.code, exc.msg, exc.headers)
    response.headers.update(NO_STORE)
    return response


async def page(request: Request) -> Response:
    _services(request)
    response = await index(request)
    response.headers.update(NO_STORE)
    return response


def routes() -> list[Route]:
    # Before the page's own `/{name}` route, which would refuse /admin.
    return [
        Route("/admin", page, methods=["GET", "HEAD"]),
        Route("/admin/", page, methods=["GET", "HEAD"]),
        # Every method: what answers 404 or 405 is decided inside, so a closed admin hides them all.
        Route("/api/admin/{rest:path}", api, methods=["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]),
    ]
