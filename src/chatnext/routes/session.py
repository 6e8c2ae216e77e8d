"""/api/auth: the page trades its access code for an HttpOnly session cookie.

POST {"code": "..."} checks the code exactly as a bearer `nk-` code is
checked (same throttle, same log line) and sets the cookie; DELETE ends the
session; GET says whether this browser has one. The cookie is HttpOnly and
SameSite=Strict, so neither page scripts nor other sites can use it.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from chatnext.asgi import read_body
from chatnext.errors import HTTPError, error_response
from chatnext.services import Services, cookie_value, json_object
from chatnext.sessions import COOKIE, TTL


def secure_request(request: Request, services: Services) -> bool:
    # Behind a TLS-terminating proxy the socket is plain http; trust its word only when it is trusted.
    if request.url.scheme == "https":
        return True
    peer = request.client.host if request.client else ""
    forwarded = request.headers.get("x-forwarded-proto", "")
    return forwarded == "https" and services.client_ip(request.scope) != peer


def set_cookie(response: Response, name: str, value: str, max_age: float, secure: bool) -> None:
    response.set_cookie(name, value, max_age=int(max_age), path="/", httponly=True, samesite="strict", secure=secure)


async def login(request: Request) -> Response:
    services: Services = request.app.state.services
    try:
        body = json_object(await read_body(request.scope, request.receive, 64 * 1024))
        code = body.get("code")
        if not isinstance(code, str) or not code.strip():
            raise HTTPError(400, "empty_access_code", "empty access code")
        if not services.access.need_code:
            return JSONResponse({"ok": True, "needCode": False})
        caller = await services.access.check_code(code.strip().removeprefix("nk-"), services.client_ip(request.scope))
    except HTTPError as exc:
        return error_response(exc.status, exc.code, exc.msg, exc.headers)
    response = JSONResponse({"ok": True, "needCode": True, "label": caller.code})
    cookie = await services.sessions.open(caller.code_id)
    set_cookie(response, COOKIE, cookie, TTL, secure_request(request, services))
    response.headers["Cache-Control"] = "no-store"
    return response


async def end_session(request: Request, services: Services, name: str) -> Response:
    cookie = cookie_value(request.headers.get("cookie"), name)
    if cookie:
        await services.sessions.close(cookie)
    response = JSONResponse({"ok": True})
    response.delete_cookie(name, path="/", httponly=True, samesite="strict")
    return response


async def logout(request: Request) -> Response:
    return await end_session(request, request.app.state.services, COOKIE)


async def status(request: Request) -> Response:
    services: Services = request.app.state.services
    cookie = cookie_value(request.headers.get("cookie"), COOKIE)
    code_id = await services.sessions.code_of(cookie) if cookie else None
    caller = services.access.caller_for(code_id) if code_id else None
    body = {
        "needCode": services.access.need_code,
        "session": caller is not None,
        "label": caller.code if caller else "",
    }
    return JSONResponse(body, headers={"Cache-Control": "no-store"})


def routes() -> list[Route]:
    return [
        Route("/api/auth", login, methods=["POST"]),
        Route("/api/auth", logout, methods=["DELETE"]),
        Route("/api/auth", status, methods=["GET"]),
    ]
