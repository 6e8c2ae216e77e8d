"""The floor chatnext's relay is measured against: a bare aiohttp SSE relay.

No access codes, no key pool, no error handling: bytes in, bytes out. It runs
on uvloop because uvicorn picks uvloop (when installed, as it is with
uvicorn[standard]) for chatnext; the comparison is then relay code against
relay code, not event loop against event loop.

Usage: python bench/bare_relay.py PORT UPSTREAM_BASE_URL
"""

from __future__ import annotations

import resource
import sys
from collections.abc import AsyncIterator

import aiohttp
import uvloop
from aiohttp import web

SESSION = web.AppKey("session", aiohttp.ClientSession)
UPSTREAM = web.AppKey("upstream", str)


async def relay(request: web.Request) -> web.StreamResponse:
    body = await request.read()
    headers = {"Content-Type": "application/json", "Authorization": request.headers.get("Authorization", "")}
    url = request.app[UPSTREAM] + "/v1/chat/completions"
    async with request.app[SESSION].post(url, data=body, headers=headers) as upstream:
        response = web.StreamResponse(status=upstream.status, headers={"Content-Type": upstream.content_type})
        await response.prepare(request)
        async for chunk in upstream.content.iter_any():
            await response.write(chunk)
        await response.write_eof()
    return response


async def client_session(app: web.Application) -> AsyncIterator[None]:
    # limit=0: the default cap of 100 connections would queue the 101st stream.
    app[SESSION] = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0))
    yield
    await app[SESSION].close()


def main() -> None:
    port, upstream = int(sys.argv[1]), sys.argv[2].rstrip("/")
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))  # 500 streams hold 1000 sockets
    app = web.Application()
    app[UPSTREAM] = upstream
    app.cleanup_ctx.append(client_session)
    app.router.add_post("/v1/chat/completions", relay)
    # backlog: aiohttp's default of 128 drops SYNs when 500 streams connect at once.
    web.run_app(
        app, host="127.0.0.1", port=port, backlog=2048, access_log=None, print=None, loop=uvloop.new_event_loop()
    )


if __name__ == "__main__":
    main()
