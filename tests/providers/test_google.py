"""The Gemini adapter: requests out, answers and errors back, and the fake it is tested against."""

from __future__ import annotations

import json
import time
from typing import Any

import httpx
import pytest

from chatnext.errors import HTTPError
from chatnext.providers import google, google_stream
from chatnext.providers.sse import DONE, EARLY_END, error_event
from tests.fake_gemini import INTERNAL, KEY_INVALID, OVERLOADED, PROMPT_TOKENS, QUOTA, inline_images
from tests.fake_upstream import REPLY, FakeUpstream, Reply

PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="


def chat(*messages: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"model": "gemini-2.0-flash", "messages": list(messages), **extra}


def user(content: Any) -> dict[str, Any]:
    return {"role": "user", "content": content}


def body_of(payload: dict[str, Any], model: str = "gemini-2.0-flash") -> dict[str, Any]:
    result: dict[str, Any] = json.loads(google.request_body(payload, model))
    return result


def gemini_event(
    *parts: tuple[bool, str], finish: str | None = None, usage: dict[str, int] | None = None, **extra: Any
) -> bytes:
    """One event as Gemini writes it; parts are (is a thought, text)."""
    event: dict[str, Any] = dict(extra)
    if parts or finish:
        candidate: dict[str, Any] = {
            "content": {"parts": [{"text": t, "thought": True} if th else {"text": t} for th, t in parts]},
        }
        if finish:
            candidate["finishReason"] = finish
        event["candidates"] = [candidate]
    if usage is not None:
        event["usageMetadata"] = usage
    return b"data: " + json.dumps(event, ensure_ascii=False).encode() + b"\r\n\r\n"


def openai_events(data: bytes) -> list[Any]:
    """The JSON of every OpenAI SSE event, "[DONE]" as the string."""
    out: list[Any] = []
    for block in data.decode().split("\n\n"):
        if block:
            assert block.startswith("data: "), block
            payload = block[len("data: ") :]
            out.append(payload if payload == "[DONE]" else json.loads(payload))
    return out


def deltas(data: bytes, field: str) -> str:
    return "".join(
        choice["delta"].get(field) or ""
        for event in openai_events(data)
        if isinstance(event, dict)
        for choice in event.get("choices", [])
    )


def finish_reasons(data: bytes) -> list[str]:
    return [
        choice["finish_reason"]
        for event in openai_events(data)
        if isinstance(event, dict)
        for choice in event.get("choices", [])
        if choice["finish_reason"]
    ]


def usages(data: bytes) -> list[dict[str, int]]:
    return [e["usage"] for e in openai_events(data) if isinstance(e, dict) and "usage" in e]


def translate(stream: bytes, include_usage: bool = False, step: int = 0) -> tuple[bytes, str]:
    """All OpenAI bytes for a Gemini stream fed whole (step 0) or `step` bytes at a time."""
    translator = google_stream.StreamTranslator("gemini-2.5-flash", include_usage)
    step = step or len(stream) or 1
    out = b"".join(translator.feed(stream[i : i + step]) for i in range(0, len(stream), step))
    tail, failure = translator.end()
    return out + tail, failure


USAGE = {"promptTokenCount": 7, "candidatesTokenCount": 3, "thoughtsTokenCount": 4, "totalTokenCount": 14}
ANSWER = (
    gemini_event((True, "Let me think… "), usage={"promptTokenCount": 7, "totalTokenCount": 7})
    + gemini_event((True, "about 世界."), (False, "Héllo, "))
    + gemini_event((False, "wörld 👋"), usage={"promptTokenCount": 7, "candidatesTokenCount": 2})
    + gemini_event((False, "!"), finish="STOP", usage=USAGE)
)


# --- request_path ------------------------------------------------------------


def test_request_path_streams_with_alt_sse() -> None:
    assert google.request_path("gemini-2.5-pro", True) == (
        "v1beta/models/gemini-2.5-pro:streamGenerateContent",
        {"alt": "sse"},
    )
    assert google.request_path("gemini-2.5-pro", False) == ("v1beta/models/gemini-2.5-pro:generateContent", {})


def test_request_path_takes_the_name_as_google_lists_it() -> None:
    assert (
        google.request_path("models/gemini-1.5-flash-8b", False)[0]
        == "v1beta/models/gemini-1.5-flash-8b:generateContent"
    )


@pytest.mark.parametrize(
    "model", ["", "..", ".", "a/b", "../../v1/files", "x?key=1", "x#y", "m:generateContent", "a%2Fb", "a b", "é"]
)
def test_request_path_refuses_names_that_would_change_the_url(model: str) -> None:
    with pytest.raises(HTTPError) as caught:
        google.request_path(model, True)
    assert caught.value.status == 400
    assert caught.value.code == "invalid_model"


# --- request_body ------------------------------------------------------------


def test_system_and_developer_messages_become_the_system_instruction() -> None:
    body = body_of(
        chat(
            {"role": "system", "content": "Be brief."},
            {"role": "developer", "content": [{"type": "text", "text": "Answer in French."}]},
            user("hi"),
        )
    )
    assert body["systemInstruction"] == {"parts": [{"text": "Be brief."}, {"text": "Answer in French."}]}
    assert body["contents"] == [{"role": "user", "parts": [{"text": "hi"}]}]


def test_roles_map_and_alternate() -> None:
    body = body_of(
        chat(
            user("one"),
            user([{"type": "text", "text": "two"}]),
            {"role": "assistant", "content": "three"},
            {"role": "assistant", "content": ""},
            {"role": "user", "content": []},
            {"role": "assistant", "content": "four"},
            {"role": "tool", "content": "ignored", "tool_call_id": "x"},
            user("five"),
        )
    )
    assert "systemInstruction" not in body
    assert body["contents"] == [
        {"role": "user", "parts": [{"text": "one"}, {"text": "two"}]},
        {"role": "model", "parts": [{"text": "three"}, {"text": "four"}]},
        {"role": "user", "parts": [{"text": "five"}]},
    ]


def test_empty_messages_are_dropped_before_merging() -> None:
    body = body_of(chat(user("a"), {"role": "assistant", "content": None}, user("b")))
    assert body["contents"] == [{"role": "user", "parts": [{"text": "a"}, {"text": "b"}]}]


def test_images_go_inline_or_by_uri() -> None:
    content = [
        {"type": "text", "text": "what is this?"},
        {"type": "image_url", "image_url": {"url": f"data:image/png;base64,{PNG}"}},
        {"type": "image_url", "image_url": {"url": "https://example.com/cat.webp?size=large", "detail": "high"}},
        {"type": "image_url", "image_url": {"url": "http://example.com/photo"}},
        {"type": "image_url", "image_url": "data:image/jpeg;base64,/9j/AA=="},
        {"type": "image_url", "image_url": {"url": "ftp://example.com/x.png"}},
        {"type": "input_audio", "input_audio": {"data": "AAAA", "format": "wav"}},
    ]
    assert body_of(chat(user(content)))["contents"][0]["parts"] == [
        {"text": "what is this?"},
        {"inlineData": {"mimeType": "image/png", "data": PNG}},
        {"fileData": {"mimeType": "image/webp", "fileUri": "https://example.com/cat.webp?size=large"}},
        {"fileData": {"mimeType": "image/jpeg", "fileUri": "http://example.com/photo"}},
        {"inlineData": {"mimeType": "image/jpeg", "data": "/9j/AA=="}},
    ]


def test_a_percent_encoded_data_url_is_sent_as_base64() -> None:
    parts = body_of(chat(user([{"type": "image_url", "image_url": {"url": "data:image/svg+xml,%3Csvg%2F%3E"}}])))
    assert parts["contents"][0]["parts"] == [{"inlineData": {"mimeType": "image/svg+xml", "data": "PHN2Zy8+"}}]


def test_generation_config_and_nothing_openai_only() -> None:
    body = body_of(
        chat(
            user("hi"),
            stream=True,
            stream_options={"include_usage": True},
            temperature=0.3,
            top_p=0.9,
            max_tokens=100,
            stop="END",
            presence_penalty=0,
            frequency_penalty=0,
            n=1,
            user="someone",
            logit_bias={"1": 2},
        )
    )
    assert set(body) == {"contents", "generationConfig"}
    assert body["generationConfig"] == {
        "temperature": 0.3,
        "topP": 0.9,
        "maxOutputTokens": 100,
        "stopSequences": ["END"],
    }


def test_generation_config_limits() -> None:
    config = body_of(
        chat(user("hi"), temperature=3, top_p=-1, max_tokens=100, max_completion_tokens=50, stop=["a", "", 3, "b"])
    )["generationConfig"]
    assert config == {"temperature": 2, "topP": 0, "maxOutputTokens": 50, "stopSequences": ["a", "b"]}
    assert "generationConfig" not in body_of(chat(user("hi"), temperature=None, max_tokens=0, top_p=True, stop=[]))
    assert body_of(chat(user("hi"), stop=list("abcdefg")))["generationConfig"]["stopSequences"] == list("abcde")


@pytest.mark.parametrize(
    ("model", "thinks"),
    [
        ("gemini-2.5-pro", True),
        ("gemini-2.5-flash-lite", True),
        ("models/gemini-2.5-flash", True),
        ("gemini-2.0-flash", False),
        ("gemini-1.5-pro", False),
        ("gemma-3-27b-it", False),
        ("gemini-2.5-flash-image-preview", False),
        ("gemini-2.5-flash-preview-tts", False),
    ],
)
def test_thinking_models_are_asked_for_their_thoughts(model: str, thinks: bool) -> None:
    config = body_of(chat(user("hi"), temperature=1), model)["generationConfig"]
    assert config.get("thinkingConfig") == ({"includeThoughts": True} if thinks else None)


def test_request_body_survives_junk() -> None:
    assert body_of({"messages": "nope"}) == {"contents": []}
    assert body_of(
        {"messages": [None, 3, {"role": "user", "content": {"x": 1}}, user([None, 5, {"type": "text"}])]}
    ) == {"contents": []}


# --- response_body -----------------------------------------------------------


def test_response_body_joins_text_and_thoughts() -> None:
    reply = {
        "candidates": [
            {
                "content": {
                    "parts": [
                        {"text": "Thinking. ", "thought": True},
                        {"text": "More. "},
                        {"text": "Hello "},
                        {"functionCall": {"name": "x", "args": {}}},
                        {"text": "world", "thought": False},
                    ],
                    "role": "model",
                },
                "finishReason": "STOP",
                "index": 0,
            }
        ],
        "usageMetadata": USAGE,
        "modelVersion": "gemini-2.5-flash-001",
        "responseId": "abc123",
    }
    answer = json.loads(google.response_body(json.dumps(reply).encode(), "gemini-2.5-flash"))
    assert answer["id"] == "chatcmpl-abc123"
    assert answer["object"] == "chat.completion"
    assert answer["model"] == "gemini-2.5-flash"
    assert abs(answer["created"] - time.time()) < 5
    assert answer["choices"] == [
        {
            "index": 0,
            "message": {"role": "assistant", "content": "More. Hello world", "reasoning_content": "Thinking. "},
            "finish_reason": "stop",
        }
    ]
    assert answer["usage"] == {"prompt_tokens": 7, "completion_tokens": 7, "total_tokens": 14}


@pytest.mark.parametrize(
    ("reason", "expected"),
    [
        ("STOP", "stop"),
        ("MAX_TOKENS", "length"),
        ("SAFETY", "content_filter"),
        ("RECITATION", "content_filter"),
        ("BLOCKLIST", "content_filter"),
        ("PROHIBITED_CONTENT", "content_filter"),
        ("SPII", "content_filter"),
        ("OTHER", "stop"),
        ("MALFORMED_FUNCTION_CALL", "stop"),
    ],
)
def test_finish_reasons(reason: str, expected: str) -> None:
    reply = {"candidates": [{"content": {"parts": [{"text": "x"}]}, "finishReason": reason}]}
    answer = json.loads(google.response_body(json.dumps(reply).encode(), "m"))
    assert answer["choices"][0]["finish_reason"] == expected
    stream, failure = translate(gemini_event((False, "x"), finish=reason))
    assert failure == ""
    assert finish_reasons(stream) == [expected]


def test_a_blocked_prompt_answers_empty_and_filtered() -> None:
    reply = {
        "promptFeedback": {"blockReason": "SAFETY", "safetyRatings": []},
        "usageMetadata": {"promptTokenCount": 9, "totalTokenCount": 9},
    }
    answer = json.loads(google.response_body(json.dumps(reply).encode(), "m"))
    assert answer["choices"][0]["message"] == {"role": "assistant", "content": ""}
    assert answer["choices"][0]["finish_reason"] == "content_filter"
    assert answer["usage"] == {"prompt_tokens": 9, "completion_tokens": 0, "total_tokens": 9}
    assert answer["id"].startswith("chatcmpl-")


@pytest.mark.parametrize("body", [b"", b"<html>", b"[]", b"null", b'"text"'])
def test_response_body_refuses_what_is_not_an_answer(body: bytes) -> None:
    with pytest.raises(HTTPError) as caught:
        google.response_body(body, "m")
    assert (caught.value.status, caught.value.code) == (502, "upstream_bad_reply")


# --- StreamTranslator --------------------------------------------------------


@pytest.fixture
def frozen_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    # Chunk ids come from the clock; identical output needs one clock.
    monkeypatch.setattr(time, "time", lambda: 1_800_000_000.0)


@pytest.mark.usefixtures("frozen_clock")
@pytest.mark.parametrize("include_usage", [True, False])
def test_stream_split_anywhere_gives_identical_output(include_usage: bool) -> None:
    whole, failure = translate(ANSWER, include_usage)
    assert failure == ""
    for step in (1, 2, 3, 7):
        assert translate(ANSWER, include_usage, step) == (whole, "")


def test_stream_translation() -> None:
    out, failure = translate(ANSWER, include_usage=True)
    assert failure == ""
    events = openai_events(out)
    assert events[-1] == "[DONE]"
    assert out.endswith(DONE)
    first = events[0]
    assert first["object"] == "chat.completion.chunk"
    assert first["model"] == "gemini-2.5-flash"
    assert first["choices"][0]["delta"] == {"role": "assistant", "reasoning_content": "Let me think… "}
    assert all("role" not in e["choices"][0]["delta"] for e in events[1:-2])
    assert deltas(out, "reasoning_content") == "Let me think… about 世界."
    assert deltas(out, "content") == "Héllo, wörld 👋!"
    assert finish_reasons(out) == ["stop"]
    # The last usageMetadata counts; thoughts are output tokens.
    assert usages(out) == [{"prompt_tokens": 7, "completion_tokens": 7, "total_tokens": 14}]
    assert events[-2]["choices"] == []


def test_one_event_with_thought_then_text_gives_reasoning_first() -> None:
    out, _ = translate(gemini_event((True, "a"), (True, "b"), (False, "c"), (True, "d"), finish="STOP"))
    pieces = [e["choices"][0]["delta"] for e in openai_events(out)[:3]]
    assert pieces == [{"role": "assistant", "reasoning_content": "ab"}, {"content": "c"}, {"reasoning_content": "d"}]


def test_usage_only_when_asked() -> None:
    out, failure = translate(ANSWER, include_usage=False)
    assert failure == ""
    assert usages(out) == []
    assert deltas(out, "content") == "Héllo, wörld 👋!"


def test_usage_may_come_after_the_finish_reason() -> None:
    stream = gemini_event((False, "hi"), finish="STOP", usage={"promptTokenCount": 1}) + gemini_event(
        usage={"promptTokenCount": 2, "candidatesTokenCount": 5}
    )
    out, failure = translate(stream, include_usage=True)
    assert failure == ""
    assert usages(out) == [{"prompt_tokens": 2, "completion_tokens": 5, "total_tokens": 7}]


def test_the_translator_tells_the_meter_the_running_counts() -> None:
    translator = google_stream.StreamTranslator("m", include_usage=False)
    assert translator.usage is None
    translator.feed(gemini_event((False, "hi"), usage={"promptTokenCount": 7, "candidatesTokenCount": 2}))
    assert translator.usage == (7, 2)
    translator.feed(gemini_event((False, "!"), finish="STOP", usage=USAGE))
    assert translator.usage == (7, 7)


def test_no_usage_chunk_when_gemini_sent_no_usage() -> None:
    out, _ = translate(gemini_event((False, "hi"), finish="STOP"), include_usage=True)
    assert usages(out) == []
    assert out.endswith(DONE)


def test_finish_chunk_waits_for_the_upstream_to_close() -> None:
    translator = google_stream.StreamTranslator("m", True)
    out = translator.feed(gemini_event((False, "hi"), finish="MAX_TOKENS"))
    assert deltas(out, "content") == "hi"
    assert finish_reasons(out) == []
    tail, failure = translator.end()
    assert failure == ""
    assert finish_reasons(tail) == ["length"]
    assert tail.endswith(DONE)


def test_an_error_mid_stream_ends_it() -> None:
    error = b'data: {"error": {"code": 503, "message": "The model is overloaded.", "status": "UNAVAILABLE"}}\r\n\r\n'
    translator = google_stream.StreamTranslator("m", True)
    out = translator.feed(gemini_event((False, "Hel")) + error + gemini_event((False, "lo"), finish="STOP"))
    events = openai_events(out)
    assert deltas(out, "content") == "Hel"
    assert events[-1] == {
        "error": {
            "message": "Google: The model is overloaded.",
            "type": "upstream_error",
            "code": "upstream_overloaded",
        }
    }
    assert translator.feed(gemini_event((False, "more"))) == b""
    assert translator.end() == (b"", "Google: The model is overloaded.")


def test_an_error_without_status_takes_its_code_from_the_number() -> None:
    out, failure = translate(b'data: {"error": {"code": 429, "message": "slow down"}}\n\n')
    assert openai_events(out)[-1]["error"]["code"] == "rate_limit_exceeded"
    assert failure == "Google: slow down"


def test_a_stream_without_finish_reason_ended_early() -> None:
    translator = google_stream.StreamTranslator("m", True)
    out = translator.feed(gemini_event((False, "Hello"), usage={"promptTokenCount": 1}))
    assert deltas(out, "content") == "Hello"
    assert translator.end() == (error_event(EARLY_END), EARLY_END)
    assert translate(b"") == (error_event(EARLY_END), EARLY_END)
    # Cut in the middle of the event that would have finished it.
    cut, failure = translate(gemini_event((False, "Hello"), finish="STOP")[:-30])
    assert failure == EARLY_END
    assert openai_events(cut)[-1]["error"]["code"] == "upstream_stream_broken"
    assert DONE not in cut


def test_a_last_event_without_its_blank_line_still_counts() -> None:
    out, failure = translate(gemini_event((False, "Hello")) + gemini_event((False, "!"), finish="STOP")[:-4])
    assert failure == ""
    assert deltas(out, "content") == "Hello!"
    assert out.endswith(DONE)


def test_a_blocked_prompt_streams_a_filtered_empty_answer() -> None:
    stream = b'data: {"promptFeedback": {"blockReason": "PROHIBITED_CONTENT"}, "usageMetadata": {"promptTokenCount": 3}}\r\n\r\n'
    out, failure = translate(stream, include_usage=True)
    assert failure == ""
    events = openai_events(out)
    assert events[0]["choices"][0]["delta"] == {"role": "assistant", "content": ""}
    assert finish_reasons(out) == ["content_filter"]
    assert usages(out) == [{"prompt_tokens": 3, "completion_tokens": 0, "total_tokens": 3}]
    assert events[-1] == "[DONE]"


def test_junk_events_are_skipped() -> None:
    stream = b"data: not json\r\n\r\n: comment\r\n\r\ndata: [1]\r\n\r\n" + gemini_event((False, "ok"), finish="STOP")
    out, failure = translate(stream)
    assert failure == ""
    assert deltas(out, "content") == "ok"


# --- errors, refusals, models ------------------------------------------------


def gemini_error(code: int, status: str, message: str, reason: str = "") -> dict[str, Any]:
    error: dict[str, Any] = {"code": code, "message": message, "status": status}
    if reason:
        error["details"] = [{"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": reason}]
    return {"error": error}


@pytest.mark.parametrize(
    ("status", "error", "code"),
    [
        (
            400,
            gemini_error(400, "INVALID_ARGUMENT", "API key expired. Please renew the API key.", "API_KEY_INVALID"),
            "invalid_api_key",
        ),
        (400, gemini_error(400, "INVALID_ARGUMENT", KEY_INVALID), "invalid_api_key"),
        (
            401,
            gemini_error(401, "UNAUTHENTICATED", "Request had invalid authentication credentials."),
            "invalid_api_key",
        ),
        (403, gemini_error(403, "PERMISSION_DENIED", "Permission denied on resource project x."), "permission_denied"),
        (
            429,
            gemini_error(429, "RESOURCE_EXHAUSTED", "Resource has been exhausted (e.g. check quota)."),
            "rate_limit_exceeded",
        ),
        (429, gemini_error(429, "RESOURCE_EXHAUSTED", "You exceeded your current quota."), "rate_limit_exceeded"),
        (429, gemini_error(429, "RESOURCE_EXHAUSTED", QUOTA), "insufficient_quota"),
        (404, gemini_error(404, "NOT_FOUND", "models/x is not found for API version v1beta"), "model_not_found"),
        (400, gemini_error(400, "INVALID_ARGUMENT", "Please use a valid role: user, model."), "invalid_request"),
        (
            400,
            gemini_error(400, "FAILED_PRECONDITION", "User location is not supported for the API use."),
            "invalid_request",
        ),
        (503, gemini_error(503, "UNAVAILABLE", OVERLOADED), "upstream_overloaded"),
        (500, gemini_error(500, "INTERNAL", INTERNAL), "upstream_error"),
        (
            504,
            gemini_error(504, "DEADLINE_EXCEEDED", "Deadline expired before operation could complete."),
            "upstream_error",
        ),
    ],
)
def test_error_body_for(status: int, error: dict[str, Any], code: str) -> None:
    expected = {"error": True, "code": code, "msg": "Google: " + error["error"]["message"]}
    expected["message"] = expected["msg"]
    assert json.loads(google.error_body_for(status, json.dumps(error).encode())) == expected
    # Stream requests get the same error wrapped in an array.
    assert json.loads(google.error_body_for(status, json.dumps([error]).encode())) == expected


@pytest.mark.parametrize(
    ("status", "body", "code", "msg"),
    [
        (502, b"<html><body>Bad Gateway</body></html>", "upstream_error", "Google: HTTP 502"),
        (503, b"upstream connect error", "upstream_overloaded", "Google: HTTP 503: upstream connect error"),
        (404, b"", "model_not_found", "Google: HTTP 404"),
        (400, b'{"error": "bad"}', "invalid_request", "Google: HTTP 400"),
        (500, b'[{"error": {"code": 500}}]', "upstream_error", "Google: HTTP 500"),
        (429, b"[]", "rate_limit_exceeded", "Google: HTTP 429"),
    ],
)
def test_error_body_for_what_is_not_a_google_error(status: int, body: bytes, code: str, msg: str) -> None:
    reply = json.loads(google.error_body_for(status, body))
    assert (reply["code"], reply["msg"], reply["message"]) == (code, msg, msg)


@pytest.mark.parametrize(
    ("status", "body", "reason"),
    [
        (400, json.dumps(gemini_error(400, "INVALID_ARGUMENT", "API key expired.", "API_KEY_INVALID")), "unauthorized"),
        (400, json.dumps([gemini_error(400, "INVALID_ARGUMENT", KEY_INVALID)]), "unauthorized"),
        (401, "", "unauthorized"),
        (403, json.dumps(gemini_error(403, "PERMISSION_DENIED", "denied")), "unauthorized"),
        (429, json.dumps(gemini_error(429, "RESOURCE_EXHAUSTED", QUOTA)), "rate_limited"),
        (400, json.dumps(gemini_error(400, "INVALID_ARGUMENT", "Please use a valid role")), None),
        (404, "", None),
        (500, json.dumps(gemini_error(500, "INTERNAL", INTERNAL)), None),
        (503, json.dumps(gemini_error(503, "UNAVAILABLE", OVERLOADED)), None),
    ],
)
def test_refusal(status: int, body: str, reason: str | None) -> None:
    assert google.refusal(status, body.encode()) == reason


def test_model_list_keeps_chat_models() -> None:
    reply = {
        "models": [
            {
                "name": "models/gemini-2.5-pro",
                "displayName": "Gemini 2.5 Pro",
                "supportedGenerationMethods": ["generateContent", "countTokens"],
            },
            {"name": "models/gemini-2.0-flash", "supportedGenerationMethods": ["generateContent"]},
            {"name": "models/embedding-001", "displayName": "E", "supportedGenerationMethods": ["embedContent"]},
            {
                "name": "models/gemini-embedding-exp",
                "displayName": "E",
                "supportedGenerationMethods": ["generateContent", "embedContent"],
            },
            {
                "name": "models/aqa",
                "displayName": "AQA",
                "supportedGenerationMethods": ["generateAnswer", "generateContent"],
            },
            {
                "name": "models/imagen-3.0-generate-002",
                "displayName": "I",
                "supportedGenerationMethods": ["predict", "generateContent"],
            },
            {"name": "models/veo-2.0", "displayName": "V", "supportedGenerationMethods": ["predictLongRunning"]},
            {"name": "models/no-methods", "displayName": "N"},
            {"displayName": "no name", "supportedGenerationMethods": ["generateContent"]},
            "junk",
        ],
        "nextPageToken": "abc",
    }
    assert google.model_list(json.dumps(reply).encode()) == [
        ("gemini-2.5-pro", "Gemini 2.5 Pro"),
        ("gemini-2.0-flash", "gemini-2.0-flash"),
    ]


@pytest.mark.parametrize("body", [b"", b"not json", b"[]", b'{"models": {}}', b'{"error": {"code": 400}}'])
def test_model_list_of_junk_is_empty(body: bytes) -> None:
    assert google.model_list(body) == []


# --- against the fake, over HTTP ---------------------------------------------


def post(
    upstream: FakeUpstream, model: str, payload: dict[str, Any], stream: bool, key: str | None = "sk-good"
) -> httpx.Response:
    path, query = google.request_path(model, stream)
    headers = {"Content-Type": "application/json"}
    if key is not None:
        headers["x-goog-api-key"] = key
    with httpx.Client(timeout=10) as client:
        return client.post(
            f"{upstream.url}/{path}", params=query, headers=headers, content=google.request_body(payload, model)
        )


def stream_through(
    upstream: FakeUpstream, model: str, payload: dict[str, Any] | None = None, include_usage: bool = True
) -> tuple[bytes, str, bool]:
    """The OpenAI bytes for a streamed answer from the fake, its failure, and whether the connection broke."""
    path, query = google.request_path(model, True)
    translator = google_stream.StreamTranslator(model, include_usage)
    out, broken = [], False
    body = google.request_body(payload or chat(user("hi")), model)
    headers = {"x-goog-api-key": "sk-good", "Content-Type": "application/json"}
    with (
        httpx.Client(timeout=10) as client,
        client.stream("POST", f"{upstream.url}/{path}", params=query, headers=headers, content=body) as r,
    ):
        assert r.status_code == 200
        assert r.headers["content-type"] == "text/event-stream"
        try:
            for chunk in r.iter_raw():
                out.append(translator.feed(chunk))
        except httpx.HTTPError:
            broken = True
    tail, failure = translator.end()
    return b"".join(out) + tail, failure, broken


def test_fake_stream_translates_to_the_default_reply(upstream: FakeUpstream) -> None:
    out, failure, broken = stream_through(upstream, "gemini-2.0-flash")
    assert (failure, broken) == ("", False)
    assert deltas(out, "content") == "".join(REPLY)
    assert finish_reasons(out) == ["stop"]
    assert usages(out) == [
        {"prompt_tokens": PROMPT_TOKENS, "completion_tokens": len(REPLY), "total_tokens": PROMPT_TOKENS + len(REPLY)}
    ]
    assert out.endswith(DONE)
    seen = upstream.seen[-1]
    assert seen.path == "/v1beta/models/gemini-2.0-flash:streamGenerateContent"
    assert seen.query == {"alt": "sse"}
    assert seen.headers["x-goog-api-key"] == "sk-good"
    assert seen.body == {"contents": [{"role": "user", "parts": [{"text": "hi"}]}]}
    assert seen.finished


def test_fake_stream_speaks_googles_wire_format(upstream: FakeUpstream) -> None:
    r = post(upstream, "gemini-2.0-flash", chat(user("hi")), stream=True)
    raw = r.content
    assert raw.startswith(b"data: {") and raw.endswith(b"}\r\n\r\n")
    events = [json.loads(block.removeprefix(b"data: ")) for block in raw.split(b"\r\n\r\n") if block]
    assert len(events) == len(REPLY)
    assert [e["candidates"][0]["content"]["parts"][0]["text"] for e in events] == REPLY
    assert all(e["candidates"][0]["content"]["role"] == "model" for e in events)
    assert [e["candidates"][0].get("finishReason") for e in events] == [None] * (len(REPLY) - 1) + ["STOP"]
    assert events[-1]["usageMetadata"]["totalTokenCount"] == PROMPT_TOKENS + len(REPLY)
    assert events[-1]["modelVersion"] == "gemini-2.0-flash"
    assert b"[DONE]" not in raw


def test_fake_stream_with_scripted_reasoning(upstream: FakeUpstream) -> None:
    text, thoughts = "Ünïcode answer, long enough to span pieces 🎉", "First I think, then I say."
    upstream.replies["gemini-2.5-pro"] = Reply(text, piece=5, reasoning=thoughts)
    out, failure, _ = stream_through(upstream, "gemini-2.5-pro")
    assert failure == ""
    assert deltas(out, "content") == text
    assert deltas(out, "reasoning_content") == thoughts
    # The fake counts one token per event, thoughts included.
    assert usages(out)[0]["completion_tokens"] == -(-len(text) // 5) - (-len(thoughts) // 5)
    assert upstream.seen[-1].body["generationConfig"] == {"thinkingConfig": {"includeThoughts": True}}


def test_fake_stream_of_an_empty_reply_still_finishes(upstream: FakeUpstream) -> None:
    upstream.replies["gemini-2.0-flash"] = Reply("")
    out, failure, _ = stream_through(upstream, "gemini-2.0-flash", include_usage=False)
    assert failure == ""
    assert deltas(out, "content") == ""
    assert finish_reasons(out) == ["stop"]
    assert out.endswith(DONE)


def test_fake_whole_answer(upstream: FakeUpstream) -> None:
    upstream.replies["gemini-2.5-flash"] = Reply("The whole answer.", reasoning="Hmm.")
    r = post(upstream, "gemini-2.5-flash", chat(user("hi"), max_tokens=20), stream=False)
    assert r.status_code == 200
    answer = json.loads(google.response_body(r.content, "gemini-2.5-flash"))
    assert answer["choices"][0]["message"] == {
        "role": "assistant",
        "content": "The whole answer.",
        "reasoning_content": "Hmm.",
    }
    assert answer["choices"][0]["finish_reason"] == "stop"
    assert answer["usage"]["prompt_tokens"] == PROMPT_TOKENS
    seen = upstream.seen[-1]
    assert seen.query == {}
    assert seen.body["generationConfig"]["maxOutputTokens"] == 20


def test_fake_drop_mid_stream_is_an_early_end(upstream: FakeUpstream) -> None:
    out, failure, broken = stream_through(upstream, "drop-mid-stream")
    assert broken
    assert failure == EARLY_END
    assert deltas(out, "content") == "".join(REPLY[:2])
    assert out.endswith(error_event(EARLY_END))
    assert DONE not in out
    assert not upstream.seen[-1].finished


def test_fake_error_mid_stream(upstream: FakeUpstream) -> None:
    out, failure, broken = stream_through(upstream, "error-mid-stream")
    assert not broken
    assert failure == "Google: " + INTERNAL
    assert deltas(out, "content") == "".join(REPLY[:2])
    assert openai_events(out)[-1]["error"] == {
        "message": "Google: " + INTERNAL,
        "type": "upstream_error",
        "code": "upstream_error",
    }
    assert DONE not in out


def test_fake_blocked_prompt(upstream: FakeUpstream) -> None:
    out, failure, _ = stream_through(upstream, "blocked")
    assert failure == ""
    assert deltas(out, "content") == ""
    assert finish_reasons(out) == ["content_filter"]
    r = post(upstream, "blocked", chat(user("hi")), stream=False)
    assert json.loads(google.response_body(r.content, "blocked"))["choices"][0]["finish_reason"] == "content_filter"


def test_fake_slow_first_byte(upstream: FakeUpstream) -> None:
    upstream.slow_seconds = 0.3
    started = time.monotonic()
    out, failure, _ = stream_through(upstream, "slow-first-byte")
    assert time.monotonic() - started >= 0.3
    assert (deltas(out, "content"), failure) == ("".join(REPLY), "")


def test_fake_sees_the_client_hang_up(upstream: FakeUpstream) -> None:
    upstream.replies["gemini-2.0-flash"] = Reply("x" * 200, piece=1, delay=0.02)
    path, query = google.request_path("gemini-2.0-flash", True)
    body = google.request_body(chat(user("hi")), "gemini-2.0-flash")
    with (
        httpx.Client(timeout=10) as client,
        client.stream(
            "POST", f"{upstream.url}/{path}", params=query, headers={"x-goog-api-key": "k"}, content=body
        ) as r,
    ):
        next(r.iter_raw())
    seen = upstream.wait_closed()
    assert not seen.finished


def test_fake_receives_images_inline(upstream: FakeUpstream) -> None:
    content = [
        {"type": "text", "text": "what is it?"},
        {"type": "image_url", "image_url": {"url": f"data:image/png;base64,{PNG}"}},
    ]
    _, failure, _ = stream_through(upstream, "gemini-2.0-flash", chat(user(content)))
    assert failure == ""
    assert inline_images(upstream.seen[-1]) == [{"mimeType": "image/png", "data": PNG}]


@pytest.mark.parametrize(
    ("model", "key", "status", "code", "reason"),
    [
        ("gemini-2.0-flash", "sk-401-bad", 400, "invalid_api_key", "unauthorized"),
        ("gemini-2.0-flash", None, 400, "invalid_api_key", "unauthorized"),
        ("gemini-2.0-flash", "sk-ratelimit-1", 429, "rate_limit_exceeded", "rate_limited"),
        ("gemini-2.0-flash", "sk-quota-1", 429, "insufficient_quota", "rate_limited"),
        ("fail-500", "sk-good", 500, "upstream_error", None),
        ("overloaded", "sk-good", 503, "upstream_overloaded", None),
        ("no-such-model", "sk-good", 404, "model_not_found", None),
    ],
)
@pytest.mark.parametrize("stream", [True, False])
def test_fake_faults_map_to_chatnext_errors(
    upstream: FakeUpstream, model: str, key: str | None, status: int, code: str, reason: str | None, stream: bool
) -> None:
    r = post(upstream, model, chat(user("hi")), stream=stream, key=key)
    assert r.status_code == status
    assert r.headers["content-type"] == "application/json; charset=UTF-8"
    assert google.refusal(r.status_code, r.content) == reason
    reply = json.loads(google.error_body_for(r.status_code, r.content))
    assert reply["code"] == code
    assert reply["msg"] == "Google: " + r.json()["error"]["message"]


def test_fake_refuses_what_google_refuses(upstream: FakeUpstream) -> None:
    r = post(upstream, "gemini-2.0-flash", chat({"role": "system", "content": "only a system prompt"}), stream=False)
    assert r.status_code == 400
    assert json.loads(google.error_body_for(400, r.content))["code"] == "invalid_request"
    with httpx.Client(timeout=10) as client:
        url = f"{upstream.url}/v1beta/models/gemini-2.0-flash:generateContent"
        bad_role = client.post(
            url, headers={"x-goog-api-key": "k"}, json={"contents": [{"role": "assistant", "parts": [{"text": "x"}]}]}
        )
        assert bad_role.status_code == 400
        assert bad_role.json()["error"]["message"] == "Please use a valid role: user, model."
        # Google's JSON-array stream is not played: errors come wrapped, as Google wraps them.
        no_sse = client.post(
            url.replace(":generateContent", ":streamGenerateContent"), headers={"x-goog-api-key": "k"}, json={}
        )
        assert no_sse.status_code == 400
        assert isinstance(no_sse.json(), list)
        assert json.loads(google.error_body_for(400, no_sse.content))["code"] == "invalid_request"
        # The key in the query is accepted, and recorded so a test can see chatnext never uses it.
        by_query = client.post(url, params={"key": "sk-good"}, json={"contents": [{"parts": [{"text": "x"}]}]})
        assert by_query.status_code == 200
        assert upstream.seen[-1].query == {"key": "sk-good"}


def test_fake_model_list(upstream: FakeUpstream) -> None:
    with httpx.Client(timeout=10) as client:
        r = client.get(f"{upstream.url}/v1beta/models", headers={"x-goog-api-key": "k"})
        assert r.status_code == 200
        assert google.model_list(r.content) == [
            ("gemini-2.5-pro", "Gemini 2.5 Pro"),
            ("gemini-2.5-flash", "Gemini 2.5 Flash"),
            ("gemini-2.0-flash", "Gemini 2.0 Flash"),
        ]
        first = client.get(f"{upstream.url}/v1beta/models", params={"pageSize": "2"}, headers={"x-goog-api-key": "k"})
        assert [m[0] for m in google.model_list(first.content)] == ["gemini-2.5-pro", "gemini-2.5-flash"]
        token = first.json()["nextPageToken"]
        rest = client.get(
            f"{upstream.url}/v1beta/models",
            params={"pageSize": "2", "pageToken": token},
            headers={"x-goog-api-key": "k"},
        )
        assert google.model_list(rest.content) == [("gemini-2.0-flash", "Gemini 2.0 Flash")]
        refused = client.get(f"{upstream.url}/v1beta/models", headers={"x-goog-api-key": "sk-401"})
        assert google.refusal(refused.status_code, refused.content) == "unauthorized"
