"""GET /metrics: Prometheus text, for scrapers holding METRICS_TOKEN."""

from __future__ import annotations

import hmac

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from chatnext import metrics
from chatnext.errors import error_response
from chatnext.services import Services


def _bearer(request: Request) -> bytes | None:
    scheme, _, credentials = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer":
        return None
    # Starlette decodes headers as latin-1; encoding back gives the bytes as
    # sent, so a token with non-ASCII characters compares as its UTF-8.
    return credentials.strip().encode("latin-1")


async def _endpoint(request: Request) -> Response:
    services: Services = request.app.state.services
    token = services.settings.metrics_token
    if not token:
        # The app's own not-found answer, byte for byte: a scanner cannot tell
        # a server with metrics turned off from one without the route.
        raise HTTPException(404)
    given = _bearer(request)
    if given is None or not hmac.compare_digest(given, token.encode()):
        return error_response(
            401,
            "metrics_unauthorized",
            "/metrics needs Authorization: Bearer <METRICS_TOKEN>",
            {"WWW-Authenticate": "Bearer", "Cache-Control": "no-store"},
        )
    return Response(metrics.render(), media_type=metrics.CONTENT_TYPE, headers={"Cache-Control": "no-store"})


def metrics_route() -> Route:
    # GET only, like the page's own top-level routes, so other methods get
    # the same 405 an unknown top-level path gets.
    return Route("/metrics", _endpoint, methods=["GET"])
