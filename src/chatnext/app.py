"""create_app(settings): routes, lifespan, error handlers."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from chatnext.config import Settings
from chatnext.cors import CORS
from chatnext.errors import error_response
from chatnext.pricing import pricing_route
from chatnext.routes.about import routes as about_routes
from chatnext.routes.admin import routes as admin_routes
from chatnext.routes.azure import AzureRoute
from chatnext.routes.meta import health, public_config
from chatnext.routes.metrics import metrics_route
from chatnext.routes.native import AnthropicRoute, GoogleRoute
from chatnext.routes.openai import OpenAIRoute
from chatnext.routes.session import routes as session_routes
from chatnext.routes.usage import usage_route
from chatnext.routes.web import routes as web_routes
from chatnext.security import SecurityHeaders, security_headers
from chatnext.services import Services

log = logging.getLogger("chatnext")

_STATUS_CODES = {404: "not_found", 405: "method_not_allowed"}


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    return error_response(exc.status_code, _STATUS_CODES.get(exc.status_code, "http_error"), exc.detail)


async def _server_error(request: Request, exc: Exception) -> Response:
    log.exception("unhandled error on %s", request.url.path)
    return error_response(500, "internal_error", "the server failed on this request; see its log")


def create_app(settings: Settings) -> Starlette:
    services = Services.build(settings)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        for target in services.targets.values():
            services.client.session(target.proxy)  # connection pools exist before the first chat
        try:
            yield
        finally:
            await services.catalog.close()
            await services.client.close()
            await services.meter.close()  # what finished last is written before the store goes
            await services.store.close()

    app = Starlette(
        routes=[
            Route("/api/health", health, methods=["GET"]),
            Route("/api/config", public_config, methods=["GET", "POST"]),
            pricing_route(services.pricing),
            *about_routes(),
            *session_routes(),
            *admin_routes(),
            metrics_route(),
            usage_route(),
            Route("/api/openai/{path:path}", OpenAIRoute(services)),
            Route("/api/azure/deployments/{deployment}/{path:path}", AzureRoute(services)),
            Route("/api/anthropic/{path:path}", AnthropicRoute(services)),
            Route("/api/google/{path:path}", GoogleRoute(services)),
            *web_routes(),
        ],
        # Outermost first: CORS refusals and preflights get the security headers too.
        middleware=[
            Middleware(SecurityHeaders, headers=security_headers(settings)),
            Middleware(CORS, origins=settings.cors_origins),
        ],
        exception_handlers={HTTPException: _http_error, Exception: _server_error},
        lifespan=lifespan,
    )
    app.state.services = services
    return app
