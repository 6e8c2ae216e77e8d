"""/api/version (is there a newer release?) and /api/balance (ENABLE_BALANCE_QUERY)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from chatnext.balance import query_balance
from chatnext.errors import HTTPError, error_response
from chatnext.services import Services
from chatnext.updates import UpdateChecker

_NO_STORE = {"Cache-Control": "no-store"}


class _About:
    def __init__(self) -> None:
        # One checker per app, made on the first /api/version: nothing is
        # fetched until someone opens the settings page.
        self._checker: UpdateChecker | None = None

    async def version(self, request: Request) -> Response:
        if self._checker is None:
            services: Services = request.app.state.services
            self._checker = UpdateChecker(services.settings, services.client)
        return JSONResponse(await self._checker.status(), headers=_NO_STORE)

    async def balance(self, request: Request) -> Response:
        services: Services = request.app.state.services
        try:
            if not services.settings.enable_balance_query:
                raise HTTPError(404, "balance_query_disabled", "the balance query is off (ENABLE_BALANCE_QUERY)")
            user_key = (await services.authorize(request.scope)).user_key
        except HTTPError as exc:
            return error_response(exc.status, exc.code, exc.msg, exc.headers)
        answer = await query_balance(services.relay, services.targets["openai"], user_key)
        return JSONResponse(answer, headers=_NO_STORE)


def routes() -> list[Route]:
    about = _About()
    return [
        Route("/api/version", about.version, methods=["GET"]),
        Route("/api/balance", about.balance, methods=["GET"]),
    ]
