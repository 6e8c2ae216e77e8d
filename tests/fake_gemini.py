"""Placeholder: replaced by the gemini fake."""

from __future__ import annotations

from typing import Any

from aiohttp import web


def add_routes(app: web.Application, fake: Any) -> None:
    pass
