"""Gemini's alt=sse stream, event by event, as OpenAI chunks."""

from __future__ import annotations

import json
from typing import Any

from chatnext.providers.google import candidate_of, describe_error, finish_reason, texts_of, usage_counts
from chatnext.providers.sse import DONE, EARLY_END, ChunkWriter, SSEParser, error_event


class StreamTranslator:
    """Gemini's alt=sse stream as OpenAI chat.completion.chunk events.

    Gemini sends no [DONE]: an answer is whole once a candidate carried a
    finishReason (or the prompt was blocked) and the upstream closed.
    """

    def __init__(self, model: str, include_usage: bool) -> None:
        self._writer = ChunkWriter(model)
        self._parser = SSEParser()
        self._include_usage = include_usage
        self._started = False
        self._finish: str | None = None
        self._usage: dict[str, Any] | None = None
        self._failure = ""

    def feed(self, data: bytes) -> bytes:
        if self._failure:
            return b""  # the browser was told; what follows an error is not an answer
        out = []
        for _, raw in self._parser.feed(data):
            if self._failure:
                break
            try:
                event = json.loads(raw)
            except ValueError:
                continue
            if isinstance(event, dict):
                out.append(self._event(event))
        return b"".join(out)

    def _event(self, event: dict[str, Any]) -> bytes:
        error = event.get("error")
        if error is not None:
            code, message = describe_error(0, error)
            self._failure = message
            return error_event(message, code)
        candidate = candidate_of(event)
        finish = finish_reason(event, candidate)
        if finish is not None:
            self._finish = finish
        usage = event.get("usageMetadata")
        if isinstance(usage, dict):
            self._usage = usage
        out = []
        # Consecutive parts of one kind go out as one chunk.
        kind, pending = False, ""
        for thought, text in texts_of(candidate):
            if pending and thought != kind:
                out.append(self._delta(kind, pending))
                pending = ""
            kind, pending = thought, pending + text
        if pending:
            out.append(self._delta(kind, pending))
        return b"".join(out)

    def _delta(self, thought: bool, text: str) -> bytes:
        role = None if self._started else "assistant"
        self._started = True
        if thought:
            return self._writer.delta(reasoning=text, role=role)
        return self._writer.delta(content=text, role=role)

    @property
    def usage(self) -> tuple[int, int] | None:
        """(prompt, completion) tokens from the latest usageMetadata: Gemini's counts are running totals."""
        return None if self._usage is None else usage_counts(self._usage)

    def end(self) -> tuple[bytes, str]:
        # An upstream may close without the blank line after its last event.
        tail = self.feed(b"\n\n") if self._parser.pending and not self._failure else b""
        if self._failure:
            return tail, self._failure
        if self._finish is None:
            # Nothing told the browser yet; the relay sends these bytes as they are.
            return tail + error_event(EARLY_END), EARLY_END
        out = [tail]
        if not self._started:
            out.append(self._writer.delta(content="", role="assistant"))
        out.append(self._writer.finish(self._finish))
        if self._include_usage and self._usage is not None:
            out.append(self._writer.usage(*usage_counts(self._usage)))
        out.append(DONE)
        return b"".join(out), ""
