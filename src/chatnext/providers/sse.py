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
EARLY_END = "the upstream ended the answer early"


class SSEParser:
    """Incremental parser: bytes in (split anywhere), whole events out.

    The data stays bytes (json.loads takes them): decoding each event to
    text first cost as much as the JSON parse on the translated hot path.
    """

    def __init__(self) -> None:
        self._buffer = b""

    def feed(self, data: bytes) -> list[tuple[str, bytes]]:
        """(event name, data) for every event completed by `data`."""
        buffer = self._buffer + data if self._buffer else data
        held = b""
        if b"\r" in buffer:
            # A CR at the very end may be half of a CRLF still to come.
            if buffer.endswith(b"\r"):
                buffer, held = buffer[:-1], b"\r"
            buffer = buffer.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
        events = []
        start = 0
        while (end := buffer.find(b"\n\n", start)) >= 0:
            event, lines = "", []
            for line in buffer[start:end].split(b"\n"):
                if line.startswith(b"data:"):
                    lines.append(line[6:] if line[5:6] == b" " else line[5:])
                elif line.startswith(b"event:"):
                    event = (line[7:] if line[6:7] == b" " else line[6:]).decode("utf-8", "replace")
            if lines:
                events.append((event, lines[0] if len(lines) == 1 else b"\n".join(lines)))
            start = end + 2
        self._buffer = buffer[start:] + held
        return events

    @property
    def pending(self) -> bool:
        """Bytes of an unfinished event are waiting (the stream was cut)."""
        return bool(self._buffer.strip())


class ChunkWriter:
    """OpenAI chat.completion.chunk events for one answer.

    Text deltas are the bulk of every stream, so their event is two fixed
    byte strings around the JSON-encoded text rather than a whole dict
    serialised per token.
    """

    def __init__(self, model: str, chunk_id: str = "", created: int | None = None) -> None:
        self.model = model
        self.id = chunk_id or f"chatcmpl-{int(time.time() * 1000):x}"
        self.created = int(time.time()) if created is None else created
        head = self._event([{"index": 0, "delta": {"content": ""}, "finish_reason": None}])
        self._content_head, self._content_tail = head.split(b'"content":""', 1)
        self._content_head += b'"content":'
        head = self._event([{"index": 0, "delta": {"reasoning_content": ""}, "finish_reason": None}])
        self._reasoning_head, self._reasoning_tail = head.split(b'"reasoning_content":""', 1)
        self._reasoning_head += b'"reasoning_content":'

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
        if role is None and reasoning is None and content is not None:
            return self._content_head + _json_text(content) + self._content_tail
        if role is None and content is None and reasoning is not None:
            return self._reasoning_head + _json_text(reasoning) + self._reasoning_tail
        delta: dict[str, str] = {}
        if role is not None:
            delta["role"] = role
        if content is not None:
            delta["content"] = content
        if reasoning is not None:
            delta["reasoning_content"] = reasoning
        return self._event([{"index": 0, "delta": delta, "finish_reason": None}])

    def content_literal(self, literal: bytes) -> bytes:
        """A text delta whose text is already a JSON string literal (checked by the caller)."""
        return self._content_head + literal + self._content_tail

    def finish(self, reason: str) -> bytes:
        return self._event([{"index": 0, "delta": {}, "finish_reason": reason}])

    def usage(self, prompt_tokens: int, completion_tokens: int) -> bytes:
        usage = {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
        }
        return self._event([], usage=usage)


def _json_text(text: str) -> bytes:
    return json.dumps(text, ensure_ascii=False).encode()


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
        wrong, the bytes carry no [DONE], and the browser has been (or is by
        these bytes) told with an error event: an error the upstream sent
        mid-stream was already passed on by feed(), so end() returns b"";
        a stream that just stopped gets error_event(failure) here.
        """

    @property
    def usage(self) -> tuple[int, int] | None:
        """(prompt, completion) tokens the provider reported so far; None when it sent none."""
