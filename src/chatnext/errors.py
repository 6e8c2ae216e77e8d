"""The one error shape every failure uses, with a real HTTP status.

`{"error": true, "code": "<stable id>", "msg": "...", "message": "..."}`:
both `msg` and `message` because NextChat's clients read one or the other.
The web UI translates by `code`; `msg` is English for scripts and logs.
Some errors add fields after those four (a refused budget names its limit,
value and reset time), so the page can say the same in the user's language.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from starlette.responses import Response
from starlette.types import Send


def error_body(code: str, msg: str, extra: dict[str, Any] | None = None) -> bytes:
    body = {"error": True, "code": code, "msg": msg, "message": msg}
    if extra:
        # The four fields keep their place and meaning whatever `extra` holds.
        body = {**body, **{k: v for k, v in extra.items() if k not in body}}
    return json.dumps(body).encode()


def error_response(
    status: int, code: str, msg: str, headers: dict[str, str] | None = None, extra: dict[str, Any] | None = None
) -> Response:
    return Response(error_body(code, msg, extra), status_code=status, headers=headers, media_type="application/json")


async def send_error(
    send: Send,
    status: int,
    code: str,
    msg: str,
    headers: Iterable[tuple[bytes, bytes]] = (),
    extra: dict[str, Any] | None = None,
) -> None:
    body = error_body(code, msg, extra)
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

    def __init__(
        self,
        status: int,
        code: str,
        msg: str,
        headers: dict[str, str] | None = None,
        extra: dict[str, Any] | None = None,
    ):
        super().__init__(msg)
        self.status = status
        self.code = code
        self.msg = msg
        self.headers = headers or {}
        self.extra = extra or {}

    async def send(self, send: Send) -> None:
        await send_error(
            send,
            self.status,
            self.code,
            self.msg,
            [(k.lower().encode(), v.encode()) for k, v in self.headers.items()],
            self.extra,
        )
