"""The model catalogue: built-in models, live model lists, CUSTOM_MODELS.

Each configured upstream's own model list is read (lazily, when the page
asks for the configuration, then at most every REFRESH seconds in the
background) and merged with the built-in defaults before CUSTOM_MODELS
edits them, so a new model appears without editing CUSTOM_MODELS while
`-all,+x` still means exactly x. A list that fails to load keeps what was
known before; nothing here can fail a request.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import re
import time
from collections.abc import Callable

from chatnext.config import Settings
from chatnext.errors import HTTPError
from chatnext.models import ModelTable
from chatnext.providers import anthropic, google
from chatnext.providers.registry import Provider
from chatnext.providers.table import ANTHROPIC_PROTOCOL, GOOGLE_PROTOCOL, OPENAI_PROTOCOL
from chatnext.relay import Relay, UpstreamRequest

log = logging.getLogger("chatnext.catalog")

REFRESH = 900.0  # seconds between live list reads
FIRST_WAIT = 3.0  # the first page load waits this long for the lists at most
FETCH_TIMEOUT = 10.0

# Entries of an OpenAI-style /models list that are not chat models.
_NOT_CHAT = re.compile(
    r"embed|rerank|tts|whisper|davinci|babbage|moderation|realtime|transcribe|audio|gpt-image|dall-e|sora"
    r"|computer-use|speech|asr|^text-|bge-|stable-diffusion|flux|kolors",
    re.IGNORECASE,
)


def openai_model_list(body: bytes) -> list[tuple[str, str]]:
    try:
        data = json.loads(body)["data"]
        return [(str(m["id"]), str(m["id"])) for m in data if isinstance(m, dict) and m.get("id")]
    except (ValueError, KeyError, TypeError):
        return []


_PARSERS: dict[str, Callable[[bytes], list[tuple[str, str]]]] = {
    OPENAI_PROTOCOL: openai_model_list,
    ANTHROPIC_PROTOCOL: anthropic.model_list,
    GOOGLE_PROTOCOL: google.model_list,
}


class ModelCatalog:
    def __init__(self, settings: Settings, providers: dict[str, Provider], relay: Relay) -> None:
        self.settings = settings
        self.providers = providers
        self.relay = relay
        self.live: dict[str, list[str]] = {}
        self.refreshed_at = 0.0
        self._task: asyncio.Task[None] | None = None
        self.table = self._build()

    def _build(self) -> ModelTable:
        defaults: list[tuple[str, str]] = []
        for provider in self.providers.values():
            if not provider.configured:
                continue
            names = list(provider.spec.models)
            names += [n for n in self.live.get(provider.id, ()) if n not in provider.spec.models]
            defaults += [(name, provider.id) for name in names]
        return ModelTable(
            self.settings.custom_models,
            disable_gpt4=self.settings.disable_gpt4,
            defaults=defaults,
            providers=tuple(self.providers),
        )

    def _fetchable(self) -> list[Provider]:
        if self.settings.disable_model_fetch:
            return []
        return [
            p
            for p in self.providers.values()
            if p.configured
            and p.spec.models_path
            and p.protocol in _PARSERS
            # Without a server key only a custom upstream (Ollama) may answer.
            and (len(p.target.keys) > 0 or p.spec.custom)
        ]

    async def _fetch(self, provider: Provider) -> None:
        # Gemini pages its list, 50 a page by default.
        query = {"pageSize": "1000"} if provider.protocol == GOOGLE_PROTOCOL else None
        req = UpstreamRequest(provider.target, "GET", provider.spec.models_path, query=query)
        try:
            async with asyncio.timeout(FETCH_TIMEOUT):
                reply = await self.relay.fetch(req)
        except (HTTPError, TimeoutError) as exc:
            log.info("model list of %s unavailable: %s", provider.id, getattr(exc, "code", "timeout"))
            return
        if reply.status != 200:
            log.info("model list of %s unavailable: HTTP %d", provider.id, reply.status)
            return
        names = [name for name, _ in _PARSERS[provider.protocol](reply.body) if not _NOT_CHAT.search(name)]
        if names:
            self.live[provider.id] = names

    async def refresh(self) -> None:
        await asyncio.gather(*(self._fetch(p) for p in self._fetchable()))
        self.refreshed_at = time.monotonic()
        self.table = self._build()

    async def current(self) -> ModelTable:
        """The table now; starts a refresh when the lists are stale."""
        if not self._fetchable():
            return self.table
        first = self.refreshed_at == 0.0
        if (first or time.monotonic() - self.refreshed_at > REFRESH) and (self._task is None or self._task.done()):
            self._task = asyncio.create_task(self.refresh())
        if first and self._task is not None:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(asyncio.shield(self._task), FIRST_WAIT)
        return self.table

    async def close(self) -> None:
        if self._task is not None and not self._task.done():
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
