"""The web page: index.html, hashed assets, the service worker and icons.

Hashed files under /assets are cached by browsers for a year; everything
else is revalidated on each visit, so a new release shows on the next load.
Text files go out gzipped when the browser accepts it (compressed once, then
kept in memory: they never change while the server runs), so the first
screen costs its gzip size even without a compressing proxy in front.
"""

from __future__ import annotations

import gzip
import mimetypes
from functools import lru_cache
from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import BaseRoute, Route

from chatnext.errors import error_response

STATIC = Path(__file__).resolve().parent.parent / "static"
IMMUTABLE = "public, max-age=31536000, immutable"
# Top-level files the page and the browser ask for by fixed name.
TOP_LEVEL = frozenset(
    {
        "sw.js",
        "shell.json",
        "manifest.webmanifest",
        "icon-192.png",
        "icon-512.png",
        "icon-maskable-512.png",
        "apple-touch-icon.png",
    }
)
COMPRESSIBLE = frozenset({".js", ".css", ".html", ".json", ".svg", ".webmanifest", ".txt"})
mimetypes.add_type("application/manifest+json", ".webmanifest")
mimetypes.add_type("text/javascript", ".js")


@lru_cache(maxsize=512)
def _gzipped(path: Path, mtime: float) -> bytes:
    return gzip.compress(path.read_bytes(), compresslevel=9, mtime=0)


def _serve(request: Request, path: Path, cache_control: str) -> Response:
    if not path.is_file():
        if path.name == "index.html":
            return error_response(
                503, "web_ui_missing", "the web page is not built; run scripts/build-web or use the API routes"
            )
        return error_response(404, "not_found", "Not Found")
    headers = {"Cache-Control": cache_control}
    if path.name == "sw.js":
        headers["Service-Worker-Allowed"] = "/"
    if path.suffix in COMPRESSIBLE:
        headers["Vary"] = "Accept-Encoding"
        if "gzip" in request.headers.get("accept-encoding", ""):
            media_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            body = _gzipped(path, path.stat().st_mtime)
            return Response(body, media_type=media_type, headers={**headers, "Content-Encoding": "gzip"})
    return FileResponse(path, headers=headers)


async def index(request: Request) -> Response:
    return _serve(request, STATIC / "index.html", "no-cache")


async def asset(request: Request) -> Response:
    assets = STATIC / "assets"
    path = (assets / request.path_params["name"]).resolve()
    if path.parent != assets.resolve():
        return error_response(404, "not_found", "Not Found")
    return _serve(request, path, IMMUTABLE)


async def top_level(request: Request) -> Response:
    name = request.path_params["name"]
    if name not in TOP_LEVEL:
        return error_response(404, "not_found", "Not Found")
    return _serve(request, STATIC / name, "no-cache")


def routes() -> list[BaseRoute]:
    return [
        Route("/", index, methods=["GET", "HEAD"]),
        Route("/assets/{name:path}", asset, methods=["GET", "HEAD"]),
        Route("/{name:str}", top_level, methods=["GET", "HEAD"]),
    ]
