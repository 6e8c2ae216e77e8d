"""providers/sse.py: the event parser and the chunk writer."""

from __future__ import annotations

import json

import pytest

from chatnext.providers.sse import ChunkWriter, SSEParser

STREAM = (
    b'event: message_start\r\ndata: {"a": 1}\r\n\r\n'
    b": a comment\r\n\r\n"
    b"data: line one\r\ndata: line two\r\n\r\n"
    b"event: ping\ndata:{}\n\n" + 'data: "你好"\n\n'.encode()
)
EXPECTED = [("message_start", b'{"a": 1}'), ("", b"line one\nline two"), ("ping", b"{}"), ("", '"你好"'.encode())]


@pytest.mark.parametrize("step", [1, 2, 3, 7, len(STREAM)])
def test_events_come_out_whole_however_the_bytes_are_split(step: int) -> None:
    parser = SSEParser()
    events = []
    for i in range(0, len(STREAM), step):
        events += parser.feed(STREAM[i : i + step])
    assert events == EXPECTED
    assert not parser.pending


def test_an_unfinished_event_is_pending() -> None:
    parser = SSEParser()
    assert parser.feed(b'data: {"half":') == []
    assert parser.pending


def parse(event: bytes) -> dict[str, object]:
    assert event.startswith(b"data: ") and event.endswith(b"\n\n")
    parsed: dict[str, object] = json.loads(event[6:])
    return parsed


@pytest.mark.parametrize("text", ["plain", 'quote " and \\ backslash', "newline\nand tab\t", "中文 and emoji 🙂", ""])
def test_fast_text_deltas_equal_the_general_form(text: str) -> None:
    writer = ChunkWriter("m", "id-1", created=7)
    for kind in ("content", "reasoning_content"):
        fast = writer.delta(content=text) if kind == "content" else writer.delta(reasoning=text)
        event = parse(fast)
        assert event == {
            "id": "id-1",
            "object": "chat.completion.chunk",
            "created": 7,
            "model": "m",
            "choices": [{"index": 0, "delta": {kind: text}, "finish_reason": None}],
        }


def test_role_finish_and_usage_chunks() -> None:
    writer = ChunkWriter("m", "id-1", created=7)
    assert parse(writer.delta(role="assistant", content=""))["choices"] == [
        {"index": 0, "delta": {"role": "assistant", "content": ""}, "finish_reason": None}
    ]
    assert parse(writer.finish("length"))["choices"] == [{"index": 0, "delta": {}, "finish_reason": "length"}]
    usage = parse(writer.usage(3, 4))
    assert usage["choices"] == [] and usage["usage"] == {"prompt_tokens": 3, "completion_tokens": 4, "total_tokens": 7}
