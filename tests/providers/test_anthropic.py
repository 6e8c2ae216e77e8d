"""The Anthropic adapter: unit tests, then the same translations against the fake's real bytes."""

from __future__ import annotations

import json
import re
import time
from typing import Any

import httpx
import pytest

from chatnext.providers import sse
from chatnext.providers.anthropic import (
    CONTINUE,
    DEFAULT_MAX_TOKENS,
    error_body_for,
    model_list,
    refusal,
    request_body,
    response_body,
)
from chatnext.providers.anthropic_stream import StreamTranslator, text_literal
from chatnext.providers.sse import EARLY_END
from tests.fake_anthropic import CREDIT_MESSAGE, MODELS
from tests.fake_upstream import REPLY, FakeUpstream, Reply

MODEL = "claude-sonnet-4-5"
PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="


def body_of(payload: dict[str, Any], model: str = MODEL) -> dict[str, Any]:
    result: dict[str, Any] = json.loads(request_body(payload, model))
    return result


def user(content: Any) -> dict[str, Any]:
    return {"role": "user", "content": content}


def text(value: str) -> dict[str, str]:
    return {"type": "text", "text": value}


# --- request_body ------------------------------------------------------------


def test_system_and_developer_messages_become_the_system_prompt() -> None:
    body = body_of(
        {
            "messages": [
                {"role": "system", "content": "You are terse."},
                user("hi"),
                {"role": "developer", "content": [text("Answer in French.")]},
            ]
        }
    )
    assert body["system"] == "You are terse.\n\nAnswer in French."
    assert body["messages"] == [{"role": "user", "content": [text("hi")]}]
    assert body["model"] == MODEL


def test_no_system_prompt_means_no_system_field() -> None:
    assert "system" not in body_of({"messages": [user("hi")]})


def test_consecutive_turns_of_one_role_are_merged() -> None:
    body = body_of(
        {
            "messages": [
                user("one"),
                user([text("two")]),
                {"role": "assistant", "content": "three"},
                {"role": "assistant", "content": "four"},
                user("five"),
            ]
        }
    )
    assert body["messages"] == [
        {"role": "user", "content": [text("one"), text("two")]},
        {"role": "assistant", "content": [text("three"), text("four")]},
        {"role": "user", "content": [text("five")]},
    ]


def test_a_conversation_opening_with_the_assistant_gets_a_user_turn_first() -> None:
    body = body_of(
        {"messages": [{"role": "system", "content": "s"}, {"role": "assistant", "content": "Hi!"}, user("yo")]}
    )
    assert body["messages"][0] == {"role": "user", "content": [text(CONTINUE)]}
    assert [m["role"] for m in body["messages"]] == ["user", "assistant", "user"]


def test_empty_assistant_messages_are_dropped_and_their_neighbours_merged() -> None:
    body = body_of(
        {
            "messages": [
                user("a"),
                {"role": "assistant", "content": ""},
                {"role": "assistant", "content": None, "tool_calls": [{"id": "t"}]},
                user("b"),
            ]
        }
    )
    assert body["messages"] == [{"role": "user", "content": [text("a"), text("b")]}]


def test_whitespace_only_text_is_dropped_and_a_final_prefill_is_right_trimmed() -> None:
    body = body_of({"messages": [user(["  ", text("q")]), {"role": "assistant", "content": "The answer is \n"}]})
    assert body["messages"] == [
        {"role": "user", "content": [text("q")]},
        {"role": "assistant", "content": [text("The answer is")]},
    ]


def test_image_parts_become_image_blocks() -> None:
    content = [
        text("what is this?"),
        {"type": "image_url", "image_url": {"url": f"data:image/png;base64,{PNG}"}},
        {"type": "image_url", "image_url": {"url": "https://example.com/cat.jpg", "detail": "high"}},
        {"type": "input_audio", "input_audio": {"data": "x", "format": "wav"}},
    ]
    assert body_of({"messages": [user(content)]})["messages"][0]["content"] == [
        text("what is this?"),
        {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": PNG}},
        {"type": "image", "source": {"type": "url", "url": "https://example.com/cat.jpg"}},
    ]


def test_a_percent_encoded_data_url_is_sent_as_base64() -> None:
    part = {"type": "image_url", "image_url": {"url": "data:image/svg+xml,%3Csvg%2F%3E"}}
    block = body_of({"messages": [user([part])]})["messages"][0]["content"][0]
    assert block["source"] == {"type": "base64", "media_type": "image/svg+xml", "data": "PHN2Zy8+"}


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({}, DEFAULT_MAX_TOKENS),
        ({"max_tokens": 100}, 100),
        ({"max_completion_tokens": 200}, 200),
        ({"max_tokens": 100, "max_completion_tokens": 200}, 200),
        ({"max_tokens": None}, DEFAULT_MAX_TOKENS),
        ({"max_tokens": 0}, DEFAULT_MAX_TOKENS),
    ],
)
def test_max_tokens(fields: dict[str, Any], expected: int) -> None:
    body = body_of({"messages": [user("hi")], **fields})
    assert body["max_tokens"] == expected
    assert "max_completion_tokens" not in body


@pytest.mark.parametrize(("given", "sent"), [(1.7, 1.0), (-0.5, 0.0), (0.3, 0.3), (0, 0), (1, 1)])
def test_temperature_is_clamped_to_anthropics_range(given: float, sent: float) -> None:
    assert body_of({"messages": [user("hi")], "temperature": given})["temperature"] == sent


def test_top_p_is_passed_unless_it_is_the_no_op_one() -> None:
    assert body_of({"messages": [user("hi")], "top_p": 0.9})["top_p"] == 0.9
    assert "top_p" not in body_of({"messages": [user("hi")], "top_p": 1, "temperature": 0.5})


@pytest.mark.parametrize(
    ("stop", "sequences"),
    [("END", ["END"]), (["a", "b"], ["a", "b"]), (["", " ", "x"], ["x"]), (None, None), ([], None)],
)
def test_stop_becomes_stop_sequences(stop: Any, sequences: list[str] | None) -> None:
    body = body_of({"messages": [user("hi")], "stop": stop})
    assert body.get("stop_sequences") == sequences
    assert "stop" not in body


def test_stream_passes_and_openai_only_fields_are_dropped() -> None:
    body = body_of(
        {
            "model": "browser-name",
            "messages": [user("hi")],
            "stream": True,
            "stream_options": {"include_usage": True},
            "presence_penalty": 0.5,
            "frequency_penalty": 0.5,
            "n": 1,
            "logprobs": False,
            "user": "u1",
        }
    )
    assert body == {"model": MODEL, "max_tokens": DEFAULT_MAX_TOKENS, "messages": [user([text("hi")])], "stream": True}
    assert "stream" not in body_of({"messages": [user("hi")]})


# --- response_body -----------------------------------------------------------

MESSAGE = {
    "id": "msg_01XFDUDYJgAACzvnptvVoYEL",
    "type": "message",
    "role": "assistant",
    "model": "claude-sonnet-4-5-20250929",
    "content": [
        {"type": "thinking", "thinking": "Let me think. ", "signature": "sig"},
        {"type": "thinking", "thinking": "Done.", "signature": "sig"},
        {"type": "text", "text": "Hello, "},
        {"type": "tool_use", "id": "toolu_1", "name": "f", "input": {}},
        {"type": "text", "text": "世界"},
    ],
    "stop_reason": "end_turn",
    "stop_sequence": None,
    "usage": {"input_tokens": 20, "cache_creation_input_tokens": 5, "cache_read_input_tokens": 7, "output_tokens": 9},
}


def test_response_body_is_an_openai_completion() -> None:
    before = int(time.time())
    completion = json.loads(response_body(json.dumps(MESSAGE).encode(), "my-claude"))
    assert completion["id"] == MESSAGE["id"]
    assert completion["object"] == "chat.completion"
    assert completion["model"] == "my-claude"
    assert before <= completion["created"] <= time.time()
    assert completion["choices"] == [
        {
            "index": 0,
            "message": {"role": "assistant", "content": "Hello, 世界", "reasoning_content": "Let me think. Done."},
            "finish_reason": "stop",
        }
    ]
    assert completion["usage"] == {"prompt_tokens": 32, "completion_tokens": 9, "total_tokens": 41}


def test_response_body_without_thinking_has_no_reasoning_content() -> None:
    message = {**MESSAGE, "content": [text("plain")]}
    reply = json.loads(response_body(json.dumps(message).encode(), MODEL))["choices"][0]["message"]
    assert reply == {"role": "assistant", "content": "plain"}


@pytest.mark.parametrize(
    ("stop_reason", "finish"),
    [
        ("end_turn", "stop"),
        ("stop_sequence", "stop"),
        ("max_tokens", "length"),
        ("tool_use", "tool_calls"),
        ("refusal", "content_filter"),
        ("something_new", "stop"),
        (None, "stop"),
    ],
)
def test_response_body_maps_the_stop_reason(stop_reason: str | None, finish: str) -> None:
    body = json.dumps({**MESSAGE, "stop_reason": stop_reason}).encode()
    assert json.loads(response_body(body, MODEL))["choices"][0]["finish_reason"] == finish


def test_response_body_refuses_what_is_not_a_message() -> None:
    with pytest.raises(ValueError):
        response_body(b"<html>", MODEL)
    with pytest.raises(ValueError):
        response_body(b"[1]", MODEL)


# --- StreamTranslator --------------------------------------------------------


def event(name: str, data: dict[str, Any]) -> bytes:
    return f"event: {name}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n".encode()


def text_delta(value: str, index: int = 0) -> bytes:
    delta = {"type": "text_delta", "text": value}
    return event("content_block_delta", {"type": "content_block_delta", "index": index, "delta": delta})


def message_delta(stop_reason: str = "end_turn", output_tokens: int = 15) -> bytes:
    delta = {"stop_reason": stop_reason, "stop_sequence": None}
    return event("message_delta", {"type": "message_delta", "delta": delta, "usage": {"output_tokens": output_tokens}})


MESSAGE_START = (
    b"event: message_start\n"
    b'data: {"type":"message_start","message":{"id":"msg_01XFDUDYJgAACzvnptvVoYEL","type":"message",'
    b'"role":"assistant","content":[],"model":"claude-sonnet-4-5-20250929","stop_reason":null,"stop_sequence":null,'
    b'"usage":{"input_tokens":25,"cache_creation_input_tokens":3,"cache_read_input_tokens":2,"output_tokens":1}}}\n\n'
)
TEXT_START = b'event: content_block_start\ndata: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}\n\n'
PING = b'event: ping\ndata: {"type": "ping"}\n\n'
BLOCK_STOP = b'event: content_block_stop\ndata: {"type":"content_block_stop","index":0}\n\n'
MESSAGE_STOP = b'event: message_stop\ndata: {"type":"message_stop"}\n\n'
HEAD = MESSAGE_START + TEXT_START + PING
STREAM = HEAD + text_delta("Héllo") + text_delta(", 世界 👋") + BLOCK_STOP + message_delta() + MESSAGE_STOP
THINKING_STREAM = (
    MESSAGE_START
    + b'event: content_block_start\ndata: {"type":"content_block_start","index":0,"content_block":{"type":"thinking","thinking":""}}\n\n'
    + b'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"Hmm, "}}\n\n'
    + b'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"2+2=4."}}\n\n'
    + b'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"signature_delta","signature":"EqQBCgIYAh"}}\n\n'
    + BLOCK_STOP
    + b'event: content_block_start\ndata: {"type":"content_block_start","index":1,"content_block":{"type":"text","text":""}}\n\n'
    + text_delta("4", index=1)
    + b'event: content_block_stop\ndata: {"type":"content_block_stop","index":1}\n\n'
    + message_delta()
    + MESSAGE_STOP
)
OVERLOADED = b'event: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}\n\n'


def translate(data: bytes, include_usage: bool = False, step: int = 0, model: str = "my-claude") -> tuple[bytes, str]:
    """All the translator's output for `data`, fed in pieces of `step` bytes (0: at once)."""
    translator = StreamTranslator(model, include_usage)
    size = step or len(data) or 1
    out = b"".join(translator.feed(data[i : i + size]) for i in range(0, len(data), size))
    last, failure = translator.end()
    return out + last, failure


def events_of(out: bytes) -> list[Any]:
    """The data of every event, [DONE] as the string."""
    assert out == b"" or out.endswith(b"\n\n")
    datas = []
    for block in out.split(b"\n\n")[:-1]:
        assert block.startswith(b"data: ")
        data = block[len(b"data: ") :]
        datas.append("[DONE]" if data == b"[DONE]" else json.loads(data))
    return datas


def deltas(out: bytes) -> list[dict[str, Any]]:
    return [e["choices"][0]["delta"] for e in events_of(out) if e != "[DONE]" and e.get("choices")]


def content(out: bytes, key: str = "content") -> str:
    return "".join(d.get(key) or "" for d in deltas(out))


def finish_reasons(out: bytes) -> list[str]:
    return [e["choices"][0]["finish_reason"] for e in events_of(out) if e != "[DONE]" and e.get("choices")][-1:]


def test_stream_translates_to_openai_chunks() -> None:
    out, failure = translate(STREAM)
    assert failure == ""
    chunks = events_of(out)
    assert chunks[-1] == "[DONE]"
    assert [c["choices"] for c in chunks[:-1]] == [
        [{"index": 0, "delta": {"role": "assistant", "content": ""}, "finish_reason": None}],
        [{"index": 0, "delta": {"content": "Héllo"}, "finish_reason": None}],
        [{"index": 0, "delta": {"content": ", 世界 👋"}, "finish_reason": None}],
        [{"index": 0, "delta": {}, "finish_reason": "stop"}],
    ]
    for chunk in chunks[:-1]:
        assert chunk["id"] == "msg_01XFDUDYJgAACzvnptvVoYEL"
        assert chunk["object"] == "chat.completion.chunk"
        assert chunk["model"] == "my-claude"


def without_created(out: bytes) -> bytes:
    return re.sub(rb'"created":\d+', b'"created":0', out)


@pytest.mark.parametrize("stream", [STREAM, THINKING_STREAM, HEAD + text_delta("a") + OVERLOADED])
def test_stream_fed_byte_by_byte_gives_the_same_bytes_as_fed_whole(stream: bytes) -> None:
    whole, whole_failure = translate(stream, include_usage=True)
    one_by_one, failure = translate(stream, include_usage=True, step=1)
    assert without_created(one_by_one) == without_created(whole)
    assert failure == whole_failure
    assert len(events_of(whole)) >= 3


def test_stream_with_crlf_line_ends_is_understood() -> None:
    out, failure = translate(STREAM.replace(b"\n", b"\r\n"), step=7)
    assert (content(out), failure) == ("Héllo, 世界 👋", "")


def test_thinking_becomes_reasoning_content_and_the_signature_is_dropped() -> None:
    out, failure = translate(THINKING_STREAM)
    assert failure == ""
    assert deltas(out)[1:4] == [{"reasoning_content": "Hmm, "}, {"reasoning_content": "2+2=4."}, {"content": "4"}]
    assert content(out, "reasoning_content") == "Hmm, 2+2=4."
    assert content(out) == "4"
    assert b"EqQBCgIYAh" not in out


def test_usage_chunk_only_when_asked_for() -> None:
    with_usage = events_of(translate(STREAM, include_usage=True)[0])
    assert with_usage[-1] == "[DONE]"
    assert with_usage[-2]["choices"] == []
    assert with_usage[-2]["usage"] == {"prompt_tokens": 30, "completion_tokens": 15, "total_tokens": 45}
    assert with_usage[-3]["choices"][0]["finish_reason"] == "stop"
    without = events_of(translate(STREAM, include_usage=False)[0])
    assert not [e for e in without if e != "[DONE]" and "usage" in e]
    assert len(with_usage) == len(without) + 1


def test_usage_reported_in_message_delta_wins() -> None:
    delta = {"stop_reason": "end_turn", "stop_sequence": None}
    usage = {"input_tokens": 40, "cache_read_input_tokens": 10, "output_tokens": 3}
    late = event("message_delta", {"type": "message_delta", "delta": delta, "usage": usage})
    chunks = events_of(translate(HEAD + text_delta("x") + late + MESSAGE_STOP, include_usage=True)[0])
    assert chunks[-2]["usage"] == {"prompt_tokens": 50, "completion_tokens": 3, "total_tokens": 53}


@pytest.mark.parametrize(
    ("stop_reason", "finish"),
    [
        ("end_turn", "stop"),
        ("stop_sequence", "stop"),
        ("max_tokens", "length"),
        ("tool_use", "tool_calls"),
        ("refusal", "content_filter"),
    ],
)
def test_stream_maps_the_stop_reason(stop_reason: str, finish: str) -> None:
    out, _ = translate(HEAD + text_delta("x") + message_delta(stop_reason) + MESSAGE_STOP)
    assert finish_reasons(out) == [finish]


def test_the_translator_tells_the_meter_the_final_counts_asked_for_or_not() -> None:
    translator = StreamTranslator(MODEL, include_usage=False)
    translator.feed(HEAD + text_delta("x"))
    assert translator.usage is None  # message_start's output count is not the answer's
    translator.feed(message_delta() + MESSAGE_STOP)
    assert translator.usage == (30, 15)


def test_error_mid_stream_ends_with_an_error_event_and_no_done() -> None:
    translator = StreamTranslator(MODEL, include_usage=True)
    out = translator.feed(HEAD + text_delta("par") + text_delta("tial") + OVERLOADED)
    chunks = events_of(out)
    assert "[DONE]" not in chunks
    assert chunks[-1] == {
        "error": {"message": "Anthropic: Overloaded", "type": "upstream_error", "code": "upstream_overloaded"}
    }
    assert out.endswith(sse.error_event("Anthropic: Overloaded", "upstream_overloaded"))
    assert content(out[: out.rindex(b"data: {")]) == "partial"
    # Whatever follows the error is not the answer.
    assert translator.feed(text_delta("more") + message_delta() + MESSAGE_STOP) == b""
    assert translator.end() == (b"", "Anthropic: Overloaded")


def test_stream_cut_before_message_stop_is_an_early_end() -> None:
    for cut in (HEAD + text_delta("half"), HEAD + text_delta("half") + message_delta(), STREAM[:-5]):
        out, failure = translate(cut, include_usage=True)
        assert failure == EARLY_END
        assert b"[DONE]" not in out
        assert not finish_reasons(out) or finish_reasons(out) == [None]
        assert events_of(out)[-1] == {
            "error": {"message": EARLY_END, "type": "upstream_error", "code": "upstream_stream_broken"}
        }
    out, failure = translate(b"")
    assert failure == EARLY_END and events_of(out)[-1]["error"]["message"] == EARLY_END


def test_unknown_events_and_bad_data_are_ignored() -> None:
    odd = (
        b'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"citations_delta"}}\n\n'
        + b'event: brand_new\ndata: {"type":"brand_new"}\n\n'
        + b"event: content_block_delta\ndata: not json\n\n"
    )
    out, failure = translate(HEAD + odd + text_delta("ok") + message_delta() + MESSAGE_STOP)
    assert (content(out), failure) == ("ok", "")


# --- errors, refusals, model list ----------------------------------------------


def anthropic_error(etype: str, message: str) -> bytes:
    return json.dumps({"type": "error", "error": {"type": etype, "message": message}, "request_id": "req_1"}).encode()


@pytest.mark.parametrize(
    ("status", "etype", "message", "code"),
    [
        (401, "authentication_error", "invalid x-api-key", "invalid_api_key"),
        (403, "permission_error", "Your API key does not have permission", "permission_denied"),
        (404, "not_found_error", "model: claude-9", "model_not_found"),
        (429, "rate_limit_error", "Number of request tokens has exceeded your rate limit", "rate_limit_exceeded"),
        (529, "overloaded_error", "Overloaded", "upstream_overloaded"),
        (413, "request_too_large", "Request exceeds the maximum allowed number of bytes", "body_too_large"),
        (400, "invalid_request_error", CREDIT_MESSAGE, "insufficient_quota"),
        (402, "billing_error", "There is an issue with your billing", "insufficient_quota"),
        (400, "invalid_request_error", "max_tokens: Field required", "invalid_request"),
        (500, "api_error", "Internal server error", "upstream_error"),
        (500, "brand_new_error", "Something", "upstream_error"),
    ],
)
def test_error_body_for_maps_anthropic_errors(status: int, etype: str, message: str, code: str) -> None:
    body = json.loads(error_body_for(status, anthropic_error(etype, message)))
    assert body == {"error": True, "code": code, "msg": f"Anthropic: {message}", "message": f"Anthropic: {message}"}


@pytest.mark.parametrize(
    ("status", "body", "code", "msg"),
    [
        (502, b"<html><body>Bad gateway</body></html>", "upstream_error", "Anthropic: HTTP 502"),
        (503, b"upstream connect error", "upstream_error", "Anthropic: HTTP 503: upstream connect error"),
        (401, b"", "invalid_api_key", "Anthropic: HTTP 401"),
        (529, b"\xff\xfe", "upstream_overloaded", "Anthropic: HTTP 529: \ufffd\ufffd"),
    ],
)
def test_error_body_for_a_reply_that_is_not_anthropics_json(status: int, body: bytes, code: str, msg: str) -> None:
    reply = json.loads(error_body_for(status, body))
    assert (reply["code"], reply["msg"]) == (code, msg)


@pytest.mark.parametrize(
    ("status", "body", "reason"),
    [
        (401, anthropic_error("authentication_error", "invalid x-api-key"), "unauthorized"),
        (401, b"", "unauthorized"),
        (403, anthropic_error("permission_error", "no access"), "unauthorized"),
        (403, b"<html>Forbidden by a proxy</html>", None),
        (400, anthropic_error("invalid_request_error", CREDIT_MESSAGE), "quota"),
        (402, anthropic_error("billing_error", "billing problem"), "quota"),
        (429, anthropic_error("rate_limit_error", "slow down"), "rate_limited"),
        (400, anthropic_error("invalid_request_error", "messages: Field required"), None),
        (529, anthropic_error("overloaded_error", "Overloaded"), None),
        (500, anthropic_error("api_error", "Internal server error"), None),
        (200, b"credit balance", None),
    ],
)
def test_refusal_says_when_another_key_might_do_better(status: int, body: bytes, reason: str | None) -> None:
    assert refusal(status, body) == reason


def test_model_list() -> None:
    body = {
        "data": [
            {"type": "model", "id": "claude-sonnet-4-5-20250929", "display_name": "Claude Sonnet 4.5"},
            {"type": "model", "id": "claude-x"},
            {"type": "model", "display_name": "no id"},
            "junk",
        ],
        "has_more": False,
    }
    assert model_list(json.dumps(body).encode()) == [
        ("claude-sonnet-4-5-20250929", "Claude Sonnet 4.5"),
        ("claude-x", "claude-x"),
    ]


@pytest.mark.parametrize("body", [b"", b"<html>", b"[]", b'{"data": {}}', b'{"error": {}}'])
def test_model_list_of_a_malformed_reply_is_empty(body: bytes) -> None:
    assert model_list(body) == []


# --- against the fake, over HTTP -----------------------------------------------

HEADERS = {"x-api-key": "sk-ant-good", "anthropic-version": "2023-06-01"}
WORDS = "Hello from the fake upstream."


def post(
    upstream: FakeUpstream, payload: dict[str, Any], model: str = MODEL, headers: dict[str, str] | None = None
) -> httpx.Response:
    return httpx.post(
        f"{upstream.url}/v1/messages", content=request_body(payload, model), headers=headers or HEADERS, timeout=10
    )


def stream(
    upstream: FakeUpstream, payload: dict[str, Any], model: str = MODEL, include_usage: bool = False
) -> tuple[bytes, bytes, str]:
    """(the fake's bytes, the translator's output, the failure)."""
    translator = StreamTranslator(model, include_usage)
    raw, out = b"", b""
    body = request_body({**payload, "stream": True}, model)
    with httpx.stream("POST", f"{upstream.url}/v1/messages", content=body, headers=HEADERS, timeout=10) as r:
        assert r.status_code == 200, r.read()
        assert r.headers["content-type"].startswith("text/event-stream")
        try:
            for piece in r.iter_raw():
                raw += piece
                out += translator.feed(piece)
        except httpx.RemoteProtocolError:
            pass  # the fake cut the connection
    last, failure = translator.end()
    return raw, out + last, failure


def chat(*messages: Any, **extra: Any) -> dict[str, Any]:
    return {"messages": [user(m) if isinstance(m, str | list) else m for m in messages] or [user("hi")], **extra}


def test_fake_stream_translates_to_the_scripted_text(upstream: FakeUpstream) -> None:
    raw, out, failure = stream(upstream, chat("say hello please"), include_usage=True)
    assert failure == ""
    assert raw.startswith(b"event: message_start\ndata: {")
    assert b"event: ping\n" in raw
    assert content(out) == WORDS
    assert [d.get("content") for d in deltas(out)] == ["", *REPLY, None]  # role chunk, one per piece, finish
    chunks = events_of(out)
    assert chunks[-1] == "[DONE]"
    assert chunks[-2]["usage"] == {"prompt_tokens": 3, "completion_tokens": 6, "total_tokens": 9}
    assert chunks[0]["id"].startswith("msg_")
    seen = upstream.seen[-1]
    assert seen.finished
    assert seen.path == "/v1/messages"
    assert seen.body == json.loads(request_body({**chat("say hello please"), "stream": True}, MODEL))


def test_fake_stream_of_thinking_and_unicode_survives_any_split(upstream: FakeUpstream) -> None:
    upstream.replies[MODEL] = Reply("Grüße, 世界! 👋🏽 Ça va?", piece=3, reasoning="Je réfléchis… 🤔 d'abord")
    raw, out, failure = stream(upstream, chat())
    assert failure == ""
    assert content(out) == "Grüße, 世界! 👋🏽 Ça va?"
    assert content(out, "reasoning_content") == "Je réfléchis… 🤔 d'abord"
    assert b'"signature_delta"' in raw
    assert b"EqQB" not in out
    assert without_created(translate(raw, step=1, model=MODEL)[0]) == without_created(out)
    assert finish_reasons(out) == ["stop"]


def test_fake_non_stream_answer_translates(upstream: FakeUpstream) -> None:
    upstream.replies[MODEL] = Reply("Forty-two.", reasoning="Deep thought")
    r = post(upstream, chat({"role": "system", "content": "Be brief."}, "What is the answer?", max_tokens=50))
    assert r.status_code == 200
    completion = json.loads(response_body(r.content, MODEL))
    assert completion["choices"][0]["message"] == {
        "role": "assistant",
        "content": "Forty-two.",
        "reasoning_content": "Deep thought",
    }
    assert completion["choices"][0]["finish_reason"] == "stop"
    assert completion["usage"] == {"prompt_tokens": 6, "completion_tokens": 2, "total_tokens": 8}
    assert upstream.seen[-1].body["system"] == "Be brief."


def test_fake_max_tokens_ends_the_answer_with_length(upstream: FakeUpstream) -> None:
    _, out, failure = stream(upstream, chat(max_tokens=2))
    assert (content(out), failure) == ("Hello from", "")
    assert finish_reasons(out) == ["length"]
    r = post(upstream, chat(max_completion_tokens=3))
    assert json.loads(response_body(r.content, MODEL))["choices"][0]["finish_reason"] == "length"


def test_fake_accepts_a_messy_openai_conversation_once_translated(upstream: FakeUpstream) -> None:
    payload = chat(
        {"role": "system", "content": "sys"},
        {"role": "assistant", "content": "Hi, how can I help?"},
        {"role": "assistant", "content": ""},
        "first",
        [text("second"), {"type": "image_url", "image_url": {"url": f"data:image/png;base64,{PNG}"}}],
        {"role": "developer", "content": "dev"},
        {"role": "assistant", "content": "Sure: "},
        temperature=1.6,
        top_p=1,
        presence_penalty=0.2,
        frequency_penalty=0.1,
        stop="\n\nHuman:",
        stream_options={"include_usage": True},
        n=1,
    )
    r = post(upstream, payload)
    assert r.status_code == 200, r.text
    sent = upstream.seen[-1].body
    assert sent["system"] == "sys\n\ndev"
    assert sent["temperature"] == 1.0
    assert [m["role"] for m in sent["messages"]] == ["user", "assistant", "user", "assistant"]
    assert sent["messages"][2]["content"][2] == {
        "type": "image",
        "source": {"type": "base64", "media_type": "image/png", "data": PNG},
    }
    assert sent["messages"][3]["content"] == [text("Sure:")]


def test_fake_refuses_the_openai_request_untranslated(upstream: FakeUpstream) -> None:
    raw = {"model": MODEL, "max_tokens": 10, "messages": [user("hi")], "presence_penalty": 0}
    r = httpx.post(f"{upstream.url}/v1/messages", json=raw, headers=HEADERS)
    assert r.status_code == 400
    reply = json.loads(error_body_for(r.status_code, r.content))
    assert reply["code"] == "invalid_request"
    assert reply["msg"] == "Anthropic: presence_penalty: Extra inputs are not permitted"


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ({"model": MODEL, "messages": [user("hi")]}, "max_tokens: Field required"),
        ({"model": MODEL, "max_tokens": 9, "messages": [{"role": "assistant", "content": "x"}]}, "first message"),
        ({"model": MODEL, "max_tokens": 9, "messages": [user("a"), user("b")]}, "roles must alternate"),
        ({"model": MODEL, "max_tokens": 9, "messages": [user("a")], "temperature": 1.5}, "temperature"),
        ({"model": MODEL, "max_tokens": 9, "messages": [user(" ")]}, "non-whitespace"),
        ({"model": MODEL, "max_tokens": 9, "messages": [user([{"type": "image_url", "image_url": {}}])]}, "tag"),
    ],
)
def test_fake_refuses_what_anthropic_refuses(upstream: FakeUpstream, body: dict[str, Any], problem: str) -> None:
    r = httpx.post(f"{upstream.url}/v1/messages", json=body, headers=HEADERS)
    assert r.status_code == 400
    assert r.json()["type"] == "error"
    assert r.json()["error"]["type"] == "invalid_request_error"
    assert problem in r.json()["error"]["message"]


@pytest.mark.parametrize(
    ("headers", "model", "status", "code", "reason"),
    [
        ({"anthropic-version": "2023-06-01"}, MODEL, 401, "invalid_api_key", "unauthorized"),
        ({**HEADERS, "x-api-key": "sk-401-bad"}, MODEL, 401, "invalid_api_key", "unauthorized"),
        ({"x-api-key": "sk-ant-good"}, MODEL, 400, "invalid_request", None),
        ({**HEADERS, "x-api-key": "sk-quota-1"}, MODEL, 400, "insufficient_quota", "quota"),
        ({**HEADERS, "x-api-key": "sk-ratelimit-1"}, MODEL, 429, "rate_limit_exceeded", "rate_limited"),
        (HEADERS, "fail-500", 500, "upstream_error", None),
        (HEADERS, "overloaded", 529, "upstream_overloaded", None),
    ],
)
def test_fake_faults_map_to_codes_and_refusals(
    upstream: FakeUpstream, headers: dict[str, str], model: str, status: int, code: str, reason: str | None
) -> None:
    r = post(upstream, chat(), model=model, headers=headers)
    assert r.status_code == status
    assert refusal(r.status_code, r.content) == reason
    reply = json.loads(error_body_for(r.status_code, r.content))
    assert reply["code"] == code
    assert reply["msg"] == "Anthropic: " + r.json()["error"]["message"]
    if reason == "rate_limited":
        assert r.headers["retry-after"] == "7"


def test_fake_credit_balance_message_is_anthropics(upstream: FakeUpstream) -> None:
    r = post(upstream, chat(), headers={**HEADERS, "x-api-key": "sk-quota-1"})
    assert r.json()["error"] == {"type": "invalid_request_error", "message": CREDIT_MESSAGE}


def test_fake_dropping_mid_stream_is_an_early_end(upstream: FakeUpstream) -> None:
    _, out, failure = stream(upstream, chat(), model="drop-mid-stream")
    assert failure == EARLY_END
    assert content(out) == "".join(REPLY[:2])
    assert b"[DONE]" not in out
    assert not upstream.seen[-1].finished


def test_fake_error_mid_stream_becomes_an_error_event(upstream: FakeUpstream) -> None:
    raw, out, failure = stream(upstream, chat(), model="error-mid-stream")
    assert b"event: error\n" in raw
    assert failure == "Anthropic: Overloaded"
    assert content(out) == "".join(REPLY[:2])
    assert events_of(out)[-1]["error"]["code"] == "upstream_overloaded"
    assert b"[DONE]" not in out


def test_fake_slow_first_byte(upstream: FakeUpstream) -> None:
    upstream.slow_seconds = 0.3
    started = time.monotonic()
    _, out, failure = stream(upstream, chat(), model="slow-first-byte")
    assert time.monotonic() - started >= 0.3
    assert (content(out), failure) == (WORDS, "")


def test_fake_notices_the_client_hanging_up(upstream: FakeUpstream) -> None:
    upstream.replies[MODEL] = Reply("x" * 100, piece=1, delay=0.02)
    body = request_body({**chat(), "stream": True}, MODEL)
    with httpx.stream("POST", f"{upstream.url}/v1/messages", content=body, headers=HEADERS, timeout=10) as r:
        next(r.iter_raw())
    seen = upstream.wait_closed()
    assert seen.client_closed
    assert not seen.finished


def test_fake_model_list(upstream: FakeUpstream) -> None:
    r = httpx.get(f"{upstream.url}/v1/models", headers=HEADERS)
    assert r.status_code == 200
    assert model_list(r.content) == MODELS
    refused = httpx.get(f"{upstream.url}/v1/models", headers={**HEADERS, "x-api-key": "sk-401"})
    assert refused.status_code == 401
    assert refusal(refused.status_code, refused.content) == "unauthorized"
    # OpenAI's clients still get OpenAI's list from the same path.
    openai = httpx.get(f"{upstream.url}/v1/models", headers={"Authorization": "Bearer sk-good"})
    assert "gpt-4o" in [m["id"] for m in openai.json()["data"]]


@pytest.mark.parametrize(
    "text",
    ["plain", 'quote " and }} braces', "back\\slash \\u00e9 \n newline", "中文 🙂", "\u2028 line separator"],
)
def test_the_text_fast_path_says_what_the_general_path_says(text: str) -> None:
    compact = json.dumps(
        {"type": "content_block_delta", "index": 3, "delta": {"type": "text_delta", "text": text}},
        separators=(",", ":"),
        ensure_ascii=False,
    ).encode()
    spaced = json.dumps(
        {"type": "content_block_delta", "index": 3, "delta": {"type": "text_delta", "text": text}}
    ).encode()
    assert text_literal(compact) is not None and text_literal(spaced) is None
    fast, slow = StreamTranslator("m", False), StreamTranslator("m", False)
    for translator in (fast, slow):
        translator.feed(HEAD)
    fast_out = fast.feed(b"event: content_block_delta\ndata: " + compact + b"\n\n")
    slow_out = slow.feed(b"event: content_block_delta\ndata: " + spaced + b"\n\n")
    assert json.loads(fast_out[6:]) == json.loads(slow_out[6:])
    assert json.loads(fast_out[6:])["choices"][0]["delta"] == {"content": text}


@pytest.mark.parametrize(
    "raw",
    [
        b'{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"a","extra":"b"}}',
        b'{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":""}}',
        b'{"type":"content_block_delta","index":x,"delta":{"type":"text_delta","text":"a"}}',
        b'{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"bad \\q escape"}}',
        b'{"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"a"}}',
    ],
)
def test_anything_unusual_takes_the_general_path(raw: bytes) -> None:
    assert text_literal(raw) is None
