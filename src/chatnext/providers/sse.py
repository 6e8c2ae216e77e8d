"""Server-sent events both ways: parse an upstream's events, write OpenAI's.

The translating adapters (Anthropic, Gemini) read their provider's event
stream with SSEParser and answer the browser with ChunkWriter, so the
browser only ever sees OpenAI chat.completion.chunk events.
"""

from __future__ import annotations

import json
import time
from typing import Any, Protocol

DONE = b"data: [DONE]\n\n"


class SSEParser:
    """Incremental parser: bytes in (split anywhere), whole events out."""

    def __init__(self) -> None:
        self._buffer = b""

    def feed(self, data: bytes) -> list[tuple[str, str]]:
        """(event name, data) for every event completed by `data`."""
        self._buffer += data
        if b"\r" in self._buffer:
            self._buffer = self._buffer.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
        events = []
        while (end := self._buffer.find(b"\n\n")) >= 0:
            block, self._buffer = self._buffer[:end], self._buffer[end + 2 :]
            event, lines = "", []
            for line in block.decode("utf-8", "replace").split("\n"):
                field, _, value = line.partition(":")
                value = value[1:] if value.startswith(" ") else value
                if field == "event":
                    event = value
                elif field == "data":
                    lines.append(value)
            if lines:
                events.append((event, "\n".join(lines)))
        return events

    @property
    def pending(self) -> bool:
        """Bytes of an unfinished event are waiting (the stream was cut)."""
        return bool(self._buffer.strip())


class ChunkWriter:
    """OpenAI chat.completion.chunk events for one answer."""

    def __init__(self, model: str, chunk_id: str = "", created: int | None = None) -> None:
        self.model = model
        self.id = chunk_id or f"chatcmpl-{int(time.time() * 1000):x}"
        self.created = int(time.time()) if created is None else created

    def _event(self, choices: list[dict[str, Any]], **extra: Any) -> bytes:
        event = {
            "id": self.id,
            "object": "chat.completion.chunk",
            "created": self.created,
            "model": self.model,
            "choices": choices,
            **extra,
        }
        return b"data: " + json.dumps(event, ensure_ascii=False, separators=(",", ":")).encode() + b"\n\n"

    def delta(self, content: str | None = None, reasoning: str | None = None, role: str | None = None) -> bytes:
        delta: dict[str, str] = {}
        if role is not None:
            delta["role"] = role
        if content is not None:
            delta["content"] = content
        if reasoning is not None:
            delta["reasoning_content"] = reasoning
        return self._event([{"index": 0, "delta": delta, "finish_reason": None}])

    def finish(self, reason: str) -> bytes:
        return self._event([{"index": 0, "delta": {}, "finish_reason": reason}])

    def usage(self, prompt_tokens: int, completion_tokens: int) -> bytes:
        usage = {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
        }
        return self._event([], usage=usage)


def error_event(message: str, code: str = "upstream_stream_broken", etype: str = "upstream_error") -> bytes:
    """The event that ends a broken stream; the browser shows `message`."""
    payload = {"error": {"message": message, "type": etype, "code": code}}
    return b"data: " + json.dumps(payload, ensure_ascii=False).encode() + b"\n\n"


class StreamTranslator(Protocol):
    """One streamed answer from a provider's wire format into OpenAI's."""

    def feed(self, data: bytes) -> bytes:
        """Upstream bytes in (split anywhere); OpenAI SSE bytes out (maybe b"")."""

    def end(self) -> tuple[bytes, str]:
        """After the upstream closed: the last OpenAI bytes and a failure.

        The failure is "" when the upstream finished the answer properly; the
        bytes then end with `data: [DONE]`. Otherwise it says what went
        wrong, and the bytes (if any) carry no [DONE].
        """
