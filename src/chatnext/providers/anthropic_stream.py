"""Anthropic's streamed answer, event by event, as OpenAI chunks.

The hot part of a translated stream: most events are text deltas, and those
take a fast path (see text_literal) that neither parses nor re-encodes JSON.
"""

from __future__ import annotations

import json
import re
from typing import Any

from chatnext.providers.anthropic import error_code, finish_reason, prompt_tokens, provider_error
from chatnext.providers.sse import DONE, EARLY_END, ChunkWriter, SSEParser, error_event

# Text deltas are nearly every event of an answer. In Anthropic's compact
# form their text is a JSON string literal that can go out as it came,
# without a parse and a re-encode; anything else takes the general path.
_TEXT_HEAD = b'{"type":"content_block_delta","index":'
_TEXT_DELTA = b',"delta":{"type":"text_delta","text":'
_JSON_STRING = re.compile(rb'"(?:[^"\\\x00-\x1f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))+"')


def text_literal(raw: bytes) -> bytes | None:
    """The text of a compact, non-empty text_delta event as a JSON literal, else None."""
    if not (raw.startswith(_TEXT_HEAD) and raw.endswith(b"}}")):
        return None
    at = raw.find(_TEXT_DELTA, len(_TEXT_HEAD))
    if at < 0 or not raw[len(_TEXT_HEAD) : at].isdigit():
        return None
    literal = raw[at + len(_TEXT_DELTA) : -2]
    return literal if _JSON_STRING.fullmatch(literal) else None


class StreamTranslator:
    """One streamed Anthropic answer as OpenAI chat.completion.chunk events."""

    def __init__(self, model: str, include_usage: bool) -> None:
        self._model = model
        self._include_usage = include_usage
        self._parser = SSEParser()
        self._writer = ChunkWriter(model)
        self._finish = "stop"
        self._prompt_tokens = 0
        self._completion_tokens = 0
        self._counted = False  # message_delta brought the final counts
        self._outcome: str | None = None  # "" once the answer is complete, else the failure

    def feed(self, data: bytes) -> bytes:
        if self._outcome is not None:
            return b""
        out = []
        for name, raw in self._parser.feed(data):
            literal = text_literal(raw)
            out.append(self._writer.content_literal(literal) if literal else self._event(name, raw))
            if self._outcome is not None:
                break
        return b"".join(out)

    @property
    def usage(self) -> tuple[int, int] | None:
        """(prompt, completion) tokens as Anthropic counted them; None before its final count."""
        return (self._prompt_tokens, self._completion_tokens) if self._counted else None

    def end(self) -> tuple[bytes, str]:
        if self._outcome is None:
            # The upstream closed without message_stop: the answer is cut short.
            return error_event(EARLY_END), EARLY_END
        return b"", self._outcome

    def _event(self, name: str, raw: bytes) -> bytes:
        try:
            event = json.loads(raw)
        except ValueError:
            return b""
        if not isinstance(event, dict):
            return b""
        # Anthropic may add event types; the ones not known here carry no text.
        match event.get("type") or name:
            case "content_block_delta":
                return self._delta(event.get("delta"))
            case "message_start":
                return self._start(event.get("message"))
            case "message_delta":
                return self._stop_reason(event)
            case "message_stop":
                return self._complete()
            case "error":
                return self._fail(event)
        return b""

    def _delta(self, delta: Any) -> bytes:
        if not isinstance(delta, dict):
            return b""
        kind = delta.get("type")
        if kind == "text_delta" and isinstance(text := delta.get("text"), str) and text:
            return self._writer.delta(content=text)
        if kind == "thinking_delta" and isinstance(thought := delta.get("thinking"), str) and thought:
            return self._writer.delta(reasoning=thought)
        return b""

    def _start(self, message: Any) -> bytes:
        message = message if isinstance(message, dict) else {}
        if isinstance(message.get("id"), str) and message["id"]:
            self._writer = ChunkWriter(self._model, message["id"])
        self._note_usage(message.get("usage"))
        return self._writer.delta(role="assistant", content="")

    def _stop_reason(self, event: dict[str, Any]) -> bytes:
        delta = event.get("delta")
        if isinstance(delta, dict) and delta.get("stop_reason"):
            self._finish = finish_reason(delta["stop_reason"])
        self._note_usage(event.get("usage"))
        self._counted = self._counted or isinstance(event.get("usage"), dict)
        return b""

    def _note_usage(self, usage: Any) -> None:
        # Counts are cumulative: the latest report wins.
        if not isinstance(usage, dict):
            return
        prompt = prompt_tokens(usage)
        if prompt is not None:
            self._prompt_tokens = prompt
        if isinstance(usage.get("output_tokens"), int):
            self._completion_tokens = usage["output_tokens"]

    def _complete(self) -> bytes:
        self._outcome = ""
        out = self._writer.finish(self._finish)
        if self._include_usage:
            out += self._writer.usage(self._prompt_tokens, self._completion_tokens)
        return out + DONE

    def _fail(self, event: dict[str, Any]) -> bytes:
        etype, message = provider_error(event)
        self._outcome = f"Anthropic: {message or etype or 'the stream reported an error'}"
        return error_event(self._outcome, error_code(etype, message))
