"""Small pieces of raw ASGI the relay routes share.

The relay routes are plain ASGI apps rather than Starlette endpoints: they
must watch for the browser leaving while they wait on the upstream, and
Starlette's request/response cycle only notices that while it streams.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any

from starlette.types import Receive, Scope

from chatnext.errors import HTTPError


def header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope["headers"]:
        if key == name:
            text: str = value.decode("latin-1")
            return text
    return None


class ClientGone(Exception):
    """The browser disconnected before its request body arrived."""


def _too_large(limit: int) -> HTTPError:
    return HTTPError(413, "body_too_large", f"the request body is larger than {limit} bytes")


async def read_body(scope: Scope, receive: Receive, limit: int) -> bytes:
    declared = header(scope, b"content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise _too_large(limit)
    parts: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise ClientGone
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise _too_large(limit)
        parts.append(chunk)
        if not message.get("more_body", False):
            return b"".join(parts)


async def until_disconnect(work: Coroutine[Any, Any, object], receive: Receive) -> None:
    """Run `work`, cancelling it the moment the client disconnects.

    Call only once the request body has been read: from then on the only
    message `receive` can bring is the disconnect.
    """
    task = asyncio.ensure_future(work)

    async def watch() -> None:
        while (await receive())["type"] != "http.disconnect":
            pass

    watcher = asyncio.ensure_future(watch())
    try:
        await asyncio.wait((task, watcher), return_when=asyncio.FIRST_COMPLETED)
    finally:
        watcher.cancel()
        if not task.done():
            task.cancel()
        # Re-raises the work's own exception, if any; a cancelled task means
        # the client left, which is nobody's error.
        try:
            await task
        except asyncio.CancelledError:
            current = asyncio.current_task()
            if current is not None and current.cancelling():
                raise
