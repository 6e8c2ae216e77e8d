"""The one error shape every failure uses, with a real HTTP status.

`{"error": true, "code": "<stable id>", "msg": "...", "message": "..."}`:
both `msg` and `message` because NextChat's clients read one or the other.
The web UI translates by `code`; `msg` is English for scripts and logs.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from starlette.responses import Response
from starlette.types import Send


def error_body(code: str, msg: str) -> bytes:
    return json.dumps({"error": True, "code": code, "msg": msg, "message": msg}).encode()


def error_response(status: int, code: str, msg: str, headers: dict[str, str] | None = None) -> Response:
    return Response(error_body(code, msg), status_code=status, headers=headers, media_type="application/json")


async def send_error(send: Send, status: int, code: str, msg: str, headers: Iterable[tuple[bytes, bytes]] = ()) -> None:
    body = error_body(code, msg)
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                *headers,
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class HTTPError(Exception):
    """Raised by request logic; the handler turns it into the error shape."""

    def __init__(self, status: int, code: str, msg: str, headers: dict[str, str] | None = None):
        super().__init__(msg)
        self.status = status
        self.code = code
        self.msg = msg
        self.headers = headers or {}

    async def send(self, send: Send) -> None:
        await send_error(
            send,
            self.status,
            self.code,
            self.msg,
            [(k.lower().encode(), v.encode()) for k, v in self.headers.items()],
        )
