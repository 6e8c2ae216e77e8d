"""A fake Google Gemini upstream, on the shared FakeUpstream server.

It speaks the Generative Language API as Google documents it:

    POST /v1beta/models/{model}:generateContent          one JSON answer
    POST /v1beta/models/{model}:streamGenerateContent?alt=sse
                                                         `data: {...}\\r\\n\\r\\n` events
    GET  /v1beta/models                                  the model list (pageSize, pageToken)

Streaming without alt=sse (Google's JSON-array stream) is not played: the
fake answers it with a 400 wrapped in a one-element array, the way Google
wraps errors of stream requests, so a client that forgets alt=sse fails
loudly. Every event carries running usageMetadata; the last one carries
the last text, finishReason "STOP" and the final counts.

The key is read from `x-goog-api-key` or the `key` query parameter (which
chatnext must never use: Seen.query shows whether it did). Faults:

    key  missing or sk-401* -> 400 INVALID_ARGUMENT, reason API_KEY_INVALID
    key  sk-quota*          -> 429 RESOURCE_EXHAUSTED, the "billing details" message
    key  sk-ratelimit*      -> 429 RESOURCE_EXHAUSTED, "Resource has been exhausted"
    model fail-500          -> 500 INTERNAL
    model overloaded        -> 503 UNAVAILABLE
    model no-such-model     -> 404 NOT_FOUND
    model slow-first-byte   -> the answer (after the headers, when streaming) waits `slow_seconds`
    model drop-mid-stream   -> two events, then the connection is cut
    model error-mid-stream  -> two events, then an error event, then a clean close
    model blocked           -> promptFeedback.blockReason SAFETY and no candidates
    unknown role, no contents, body not JSON -> 400 INVALID_ARGUMENT

What a model says comes from `fake.replies` like the OpenAI fake; a
Reply's reasoning streams first, as parts marked "thought".
"""

from __future__ import annotations

import asyncio
import json
from typing import TYPE_CHECKING, Any

from aiohttp import web

if TYPE_CHECKING:
    from tests.fake_upstream import FakeUpstream, Seen

PROMPT_TOKENS = 5
RESPONSE_ID = "fake-gemini-response"
KEY_INVALID = "API key not valid. Please pass a valid API key."
QUOTA = (
    "You exceeded your current quota, please check your plan and billing details. "
    "For more information on this error, head to: https://ai.google.dev/gemini-api/docs/rate-limits."
)
RATE_LIMITED = "Resource has been exhausted (e.g. check quota)."
INTERNAL = "An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting"
OVERLOADED = "The model is overloaded. Please try again later."

MODELS: list[dict[str, Any]] = [
    {"name": "models/gemini-2.5-pro", "displayName": "Gemini 2.5 Pro", "methods": ["generateContent", "countTokens"]},
    {"name": "models/gemini-2.5-flash", "displayName": "Gemini 2.5 Flash", "methods": ["generateContent"]},
    {"name": "models/gemini-2.0-flash", "displayName": "Gemini 2.0 Flash", "methods": ["generateContent"]},
    {"name": "models/text-embedding-004", "displayName": "Text Embedding 004", "methods": ["embedContent"]},
    {"name": "models/gemini-embedding-001", "displayName": "Gemini Embedding 001", "methods": ["embedContent"]},
    {
        "name": "models/aqa",
        "displayName": "Model that performs Attributed Question Answering.",
        "methods": ["generateAnswer"],
    },
    {"name": "models/imagen-4.0-generate-001", "displayName": "Imagen 4", "methods": ["predict"]},
]


def add_routes(app: web.Application, fake: FakeUpstream) -> None:
    async def generate(request: web.Request) -> web.StreamResponse:
        return await _generate(fake, request)

    async def models(request: web.Request) -> web.Response:
        return _models(fake, request)

    app.router.add_post("/v1beta/models/{call}", generate)
    app.router.add_get("/v1beta/models", models)


def inline_images(seen: Seen) -> list[dict[str, str]]:
    """The inlineData of every part the client sent, in order."""
    body = seen.body if isinstance(seen.body, dict) else {}
    return [
        part["inlineData"]
        for content in body.get("contents", [])
        for part in content.get("parts", [])
        if "inlineData" in part
    ]


def _json(status: int, payload: Any) -> web.Response:
    # Google pretty-prints its JSON replies.
    text = json.dumps(payload, indent=2, ensure_ascii=False)
    return web.Response(text=text, status=status, content_type="application/json", charset="UTF-8")


def _error(
    status: int, state: str, message: str, details: list[dict[str, Any]] | None = None, wrap: bool = False
) -> web.Response:
    error: dict[str, Any] = {"code": status, "message": message, "status": state}
    if details:
        error["details"] = details
    return _json(status, [{"error": error}] if wrap else {"error": error})


def _key_invalid(wrap: bool) -> web.Response:
    details: list[dict[str, Any]] = [
        {
            "@type": "type.googleapis.com/google.rpc.ErrorInfo",
            "reason": "API_KEY_INVALID",
            "domain": "googleapis.com",
            "metadata": {"service": "generativelanguage.googleapis.com"},
        },
        {"@type": "type.googleapis.com/google.rpc.LocalizedMessage", "locale": "en-US", "message": KEY_INVALID},
    ]
    return _error(400, "INVALID_ARGUMENT", KEY_INVALID, details, wrap)


def _exhausted(message: str, wrap: bool) -> web.Response:
    details: list[dict[str, Any]] = [
        {
            "@type": "type.googleapis.com/google.rpc.QuotaFailure",
            "violations": [
                {
                    "quotaMetric": "generativelanguage.googleapis.com/generate_content_free_tier_requests",
                    "quotaId": "GenerateRequestsPerMinutePerProjectPerModel-FreeTier",
                    "quotaValue": "10",
                }
            ],
        },
        {"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "7s"},
    ]
    return _error(429, "RESOURCE_EXHAUSTED", message, details, wrap)


def _key(request: web.Request) -> str:
    return request.headers.get("x-goog-api-key") or request.query.get("key", "")


def _sse(event: dict[str, Any]) -> bytes:
    return b"data: " + json.dumps(event, ensure_ascii=False, separators=(",", ": ")).encode() + b"\r\n\r\n"


def _usage(text_events: int, thought_events: int) -> dict[str, int]:
    usage = {
        "promptTokenCount": PROMPT_TOKENS,
        "candidatesTokenCount": text_events,
        "totalTokenCount": PROMPT_TOKENS + text_events + thought_events,
    }
    if thought_events:
        usage["thoughtsTokenCount"] = thought_events
    return usage


def _blocked(model: str) -> dict[str, Any]:
    ratings = [
        {"category": "HARM_CATEGORY_HARASSMENT", "probability": "HIGH"},
        {"category": "HARM_CATEGORY_DANGEROUS_CONTENT", "probability": "NEGLIGIBLE"},
    ]
    return {
        "promptFeedback": {"blockReason": "SAFETY", "safetyRatings": ratings},
        "usageMetadata": {"promptTokenCount": PROMPT_TOKENS, "totalTokenCount": PROMPT_TOKENS},
        "modelVersion": model,
        "responseId": RESPONSE_ID,
    }


def _script(fake: FakeUpstream, model: str) -> tuple[list[str], list[str]]:
    """(thought pieces, text pieces) the model answers with."""
    from tests.fake_upstream import REPLY

    scripted = fake.replies.get(model)
    if scripted is None:
        return [], list(REPLY)
    step = scripted.piece

    def cut(text: str) -> list[str]:
        return [text[i : i + step] for i in range(0, len(text), step)]

    return cut(scripted.reasoning), cut(scripted.text)


def _invalid(body: Any) -> str:
    """Why Google would refuse this GenerateContentRequest ("" if it would not)."""
    if not isinstance(body, dict):
        return "Invalid JSON payload received. Unexpected token."
    contents = body.get("contents")
    if not isinstance(contents, list) or not contents:
        return "* GenerateContentRequest.contents: contents is not specified\n"
    for content in contents:
        if not isinstance(content, dict) or content.get("role", "user") not in ("user", "model"):
            return "Please use a valid role: user, model."
        if not content.get("parts"):
            return "* GenerateContentRequest.contents.parts: contents.parts must not be empty.\n"
    return ""


async def _generate(fake: FakeUpstream, request: web.Request) -> web.StreamResponse:
    return await fake.recorded(request, lambda request, body, seen: _answer(fake, request, body, seen))


async def _answer(fake: FakeUpstream, request: web.Request, body: Any, seen: Seen) -> web.StreamResponse:
    model, _, method = request.match_info["call"].partition(":")
    if method not in ("generateContent", "streamGenerateContent"):
        return _error(404, "NOT_FOUND", f"Method {method!r} is not supported.")
    stream = method == "streamGenerateContent"
    wrap = stream and request.query.get("alt") != "sse"
    key = _key(request)
    if not key or key.startswith("sk-401"):
        return _key_invalid(wrap)
    if key.startswith("sk-quota"):
        return _exhausted(QUOTA, wrap)
    if key.startswith("sk-ratelimit"):
        return _exhausted(RATE_LIMITED, wrap)
    if wrap:
        return _error(400, "INVALID_ARGUMENT", "This fake streams only with alt=sse.", wrap=True)
    if problem := _invalid(body):
        return _error(400, "INVALID_ARGUMENT", problem)
    if model == "fail-500":
        return _error(500, "INTERNAL", INTERNAL)
    if model == "overloaded":
        return _error(503, "UNAVAILABLE", OVERLOADED)
    if model == "no-such-model":
        return _error(
            404,
            "NOT_FOUND",
            f"models/{model} is not found for API version v1beta, or is not supported for generateContent. "
            "Call ListModels to see the list of available models and their supported methods.",
        )
    if not stream:
        return await _whole(fake, model, seen)
    return await _stream(fake, request, model, seen)


async def _whole(fake: FakeUpstream, model: str, seen: Seen) -> web.Response:
    if model == "slow-first-byte":
        await asyncio.sleep(fake.slow_seconds)
    if model == "blocked":
        seen.finished = True
        return _json(200, _blocked(model))
    thoughts, texts = _script(fake, model)
    parts: list[dict[str, Any]] = []
    if thoughts:
        parts.append({"text": "".join(thoughts), "thought": True})
    parts.append({"text": "".join(texts)})
    answer = {
        "candidates": [{"content": {"parts": parts, "role": "model"}, "finishReason": "STOP", "index": 0}],
        "usageMetadata": _usage(len(texts), len(thoughts)),
        "modelVersion": model,
        "responseId": RESPONSE_ID,
    }
    seen.finished = True
    return _json(200, answer)


async def _stream(fake: FakeUpstream, request: web.Request, model: str, seen: Seen) -> web.StreamResponse:
    response = web.StreamResponse(
        headers={"Content-Type": "text/event-stream", "Cache-Control": "no-cache", "Vary": "Origin, X-Origin, Referer"}
    )
    await response.prepare(request)
    if model == "slow-first-byte":
        await asyncio.sleep(fake.slow_seconds)
    if model == "blocked":
        await response.write(_sse(_blocked(model)))
        await response.write_eof()
        seen.finished = True
        return response
    thoughts, texts = _script(fake, model)
    pieces = [(True, t) for t in thoughts] + [(False, t) for t in texts or [""]]
    scripted = fake.replies.get(model)
    delay = scripted.delay if scripted is not None else 0.0
    thought_events = text_events = 0
    for i, (thought, piece) in enumerate(pieces):
        if delay:
            await asyncio.sleep(delay)
        part: dict[str, Any] = {"text": piece}
        if thought:
            part["thought"] = True
            thought_events += 1
        else:
            text_events += 1
        candidate: dict[str, Any] = {"content": {"parts": [part], "role": "model"}}
        if i == len(pieces) - 1:
            candidate["finishReason"] = "STOP"
        candidate["index"] = 0
        event = {
            "candidates": [candidate],
            "usageMetadata": _usage(text_events, thought_events),
            "modelVersion": model,
            "responseId": RESPONSE_ID,
        }
        await response.write(_sse(event))
        if model == "drop-mid-stream" and i == 1:
            assert request.transport is not None
            request.transport.abort()
            return response
        if model == "error-mid-stream" and i == 1:
            await response.write(_sse({"error": {"code": 500, "message": INTERNAL, "status": "INTERNAL"}}))
            await response.write_eof()
            return response
    await response.write_eof()
    seen.finished = True
    return response


def _models(fake: FakeUpstream, request: web.Request) -> web.Response:
    fake._record(request, None)
    if not _key(request) or _key(request).startswith("sk-401"):
        return _key_invalid(False)
    try:
        size = max(1, min(1000, int(request.query.get("pageSize", "50"))))
        start = int(request.query.get("pageToken", "0") or "0")
    except ValueError:
        return _error(400, "INVALID_ARGUMENT", "Invalid value at 'page_size'.")
    page = MODELS[start : start + size]
    reply: dict[str, Any] = {
        "models": [
            {
                "name": m["name"],
                "version": "001",
                "displayName": m["displayName"],
                "inputTokenLimit": 1048576,
                "outputTokenLimit": 65536,
                "supportedGenerationMethods": m["methods"],
            }
            for m in page
        ]
    }
    if start + size < len(MODELS):
        reply["nextPageToken"] = str(start + size)
    return _json(200, reply)
