"""The web page: index.html, hashed assets, the service worker and icons.

Hashed files under /assets are cached for a year; everything else is
revalidated on each visit, so a new release shows up on the next load.
"""

from __future__ import annotations

from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import Message, Receive, Scope, Send

from chatnext.errors import error_response

STATIC = Path(__file__).resolve().parent.parent / "static"
IMMUTABLE = b"public, max-age=31536000, immutable"
# Top-level files the page and the browser ask for by fixed name.
TOP_LEVEL = frozenset(
    {"sw.js", "manifest.webmanifest", "icon-192.png", "icon-512.png", "icon-maskable-512.png", "apple-touch-icon.png"}
)


class ImmutableAssets:
    """StaticFiles for content-hashed names, with a far-future cache header."""

    def __init__(self, directory: Path) -> None:
        self.files = StaticFiles(directory=directory, check_dir=False)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def send_cached(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] == 200:
                message["headers"] = [*message.get("headers", []), (b"cache-control", IMMUTABLE)]
            await send(message)

        await self.files(scope, receive, send_cached)


def _file(name: str) -> Response:
    path = STATIC / name
    if not path.is_file():
        return error_response(
            503, "web_ui_missing", "the web page is not built; run scripts/build-web or use the API routes"
        )
    headers = {"Cache-Control": "no-cache"}
    if name == "sw.js":
        headers["Service-Worker-Allowed"] = "/"
    return FileResponse(path, headers=headers)


async def index(request: Request) -> Response:
    return _file("index.html")


async def top_level(request: Request) -> Response:
    name = request.path_params["name"]
    if name not in TOP_LEVEL:
        return error_response(404, "not_found", "Not Found")
    return _file(name)


def routes() -> list[BaseRoute]:
    return [
        Route("/", index, methods=["GET", "HEAD"]),
        Mount("/assets", ImmutableAssets(STATIC / "assets")),
        Route("/{name:str}", top_level, methods=["GET", "HEAD"]),
    ]
