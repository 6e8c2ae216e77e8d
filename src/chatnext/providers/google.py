"""Google Gemini: OpenAI chat completions in, generateContent out, and back.

The browser speaks OpenAI only. This module turns its request into a
Gemini GenerateContentRequest, Gemini's answers (whole or streamed with
alt=sse) into OpenAI chat.completion(.chunk) JSON, and Gemini's errors into
chatnext's one error shape. Nothing here does I/O: the caller sends the
request (key in `x-goog-api-key`, never the `key` query parameter, which
would end up in access logs) and hands the bytes over.
"""

from __future__ import annotations

import base64
import json
import re
import time
from typing import Any
from urllib.parse import unquote_to_bytes, urlsplit

from chatnext.errors import HTTPError, error_body
from chatnext.providers.sse import ChunkWriter

# Gemini model ids are plain slugs ("gemini-2.5-flash-preview-05-20"); the
# name becomes a path segment, so anything else is refused rather than
# quoted into a URL Google would only answer with a 404.
_MODEL = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")

_ROLES = {"user": "user", "assistant": "model"}
_SYSTEM_ROLES = ("system", "developer")

# Only these model families accept thinkingConfig; asking another for
# thoughts is a 400. Image and speech variants of 2.5 do not think.
_THINKING_PREFIXES = ("gemini-2.5", "gemini-3")
_NON_THINKING = ("image", "tts")

# Google documents at most five stop sequences.
_MAX_STOP = 5

# Extension -> MIME type for image URLs, fixed here rather than asking the
# host's mime.types, so the request does not depend on the machine.
_MIME_BY_EXTENSION = {
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "webp": "image/webp",
    "gif": "image/gif",
    "heic": "image/heic",
    "heif": "image/heif",
    "pdf": "application/pdf",
}

_FINISH = {
    "STOP": "stop",
    "MAX_TOKENS": "length",
    "SAFETY": "content_filter",
    "RECITATION": "content_filter",
    "BLOCKLIST": "content_filter",
    "PROHIBITED_CONTENT": "content_filter",
    "SPII": "content_filter",
    "IMAGE_SAFETY": "content_filter",
}

_CODE_BY_STATUS = {
    "UNAUTHENTICATED": "invalid_api_key",
    "PERMISSION_DENIED": "permission_denied",
    "RESOURCE_EXHAUSTED": "rate_limit_exceeded",
    "NOT_FOUND": "model_not_found",
    "INVALID_ARGUMENT": "invalid_request",
    "FAILED_PRECONDITION": "invalid_request",
    "UNAVAILABLE": "upstream_overloaded",
}

# For errors without a gRPC status (a proxy in front of Google, say).
_CODE_BY_HTTP = {
    400: "invalid_request",
    401: "invalid_api_key",
    403: "permission_denied",
    404: "model_not_found",
    429: "rate_limit_exceeded",
    503: "upstream_overloaded",
}


def _dumps(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


def _model_id(model: str) -> str:
    model = model.removeprefix("models/")
    if not _MODEL.fullmatch(model) or ".." in model:
        raise HTTPError(400, "invalid_model", "the model name has characters Google does not allow")
    return model


def request_path(model: str, stream: bool) -> tuple[str, dict[str, str]]:
    """The path below the Gemini base URL, and its query."""
    model = _model_id(model)
    if stream:
        return f"v1beta/models/{model}:streamGenerateContent", {"alt": "sse"}
    return f"v1beta/models/{model}:generateContent", {}


# --- request -----------------------------------------------------------------


def _image_part(url: Any) -> dict[str, Any] | None:
    if not isinstance(url, str):
        return None
    if url.startswith("data:"):
        header, comma, data = url[5:].partition(",")
        if not comma:
            return None
        mime, *params = header.split(";")
        if "base64" not in params:
            # Gemini wants base64; a percent-encoded data URL is re-encoded.
            data = base64.b64encode(unquote_to_bytes(data)).decode()
        return {"inlineData": {"mimeType": mime or "image/jpeg", "data": data}}
    if url.startswith(("http://", "https://")):
        extension = urlsplit(url).path.rpartition(".")[2].lower()
        mime = _MIME_BY_EXTENSION.get(extension, "image/jpeg")
        return {"fileData": {"mimeType": mime, "fileUri": url}}
    return None


def _parts(content: Any) -> list[dict[str, Any]]:
    if isinstance(content, str):
        return [{"text": content}] if content else []
    if not isinstance(content, list):
        return []
    parts: list[dict[str, Any]] = []
    for item in content:
        if isinstance(item, str):
            part: dict[str, Any] | None = {"text": item} if item else None
        elif not isinstance(item, dict):
            part = None
        elif item.get("type") == "text":
            text = item.get("text")
            part = {"text": text} if isinstance(text, str) and text else None
        elif item.get("type") == "image_url":
            image = item.get("image_url")
            part = _image_part(image.get("url") if isinstance(image, dict) else image)
        elif item.get("type") == "file" and isinstance(item.get("file"), dict):
            part = _image_part(item["file"].get("file_data"))
        else:
            part = None
        if part is not None:
            parts.append(part)
    return parts


def _number(value: Any, low: float, high: float) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float) or value != value:
        return None
    return min(high, max(low, value))


def _generation_config(payload: dict[str, Any], model: str) -> dict[str, Any]:
    config: dict[str, Any] = {}
    temperature = _number(payload.get("temperature"), 0, 2)
    if temperature is not None:
        config["temperature"] = temperature
    top_p = _number(payload.get("top_p"), 0, 1)
    if top_p is not None:
        config["topP"] = top_p
    for name in ("max_completion_tokens", "max_tokens"):
        limit = payload.get(name)
        if isinstance(limit, int) and not isinstance(limit, bool) and limit > 0:
            config["maxOutputTokens"] = limit
            break
    stop = payload.get("stop")
    stops = [stop] if isinstance(stop, str) else stop if isinstance(stop, list) else []
    stops = [s for s in stops if isinstance(s, str) and s][:_MAX_STOP]
    if stops:
        config["stopSequences"] = stops
    if model.startswith(_THINKING_PREFIXES) and not any(word in model for word in _NON_THINKING):
        # Without it a thinking model thinks silently; with it the thoughts
        # arrive as parts marked "thought" and reach the browser as reasoning.
        config["thinkingConfig"] = {"includeThoughts": True}
    return config


def request_body(payload: dict[str, Any], model: str) -> bytes:
    """An OpenAI chat request as a Gemini GenerateContentRequest."""
    system: list[dict[str, Any]] = []
    contents: list[dict[str, Any]] = []
    messages = payload.get("messages")
    for message in messages if isinstance(messages, list) else []:
        if not isinstance(message, dict):
            continue
        role = message.get("role")
        parts = _parts(message.get("content"))
        if not parts:
            continue
        if role in _SYSTEM_ROLES:
            system.extend(part for part in parts if "text" in part)
        elif role in _ROLES:
            gemini_role = _ROLES[role]
            # Gemini wants user and model turns to alternate.
            if contents and contents[-1]["role"] == gemini_role:
                contents[-1]["parts"].extend(parts)
            else:
                contents.append({"role": gemini_role, "parts": parts})
    body: dict[str, Any] = {"contents": contents}
    if system:
        body["systemInstruction"] = {"parts": system}
    config = _generation_config(payload, model.removeprefix("models/"))
    if config:
        body["generationConfig"] = config
    return _dumps(body)


# --- answers -----------------------------------------------------------------


def candidate_of(reply: dict[str, Any]) -> dict[str, Any]:
    candidates = reply.get("candidates")
    if isinstance(candidates, list) and candidates and isinstance(candidates[0], dict):
        return candidates[0]
    return {}


def texts_of(candidate: dict[str, Any]) -> list[tuple[bool, str]]:
    """(is a thought, text) for every text part of a candidate."""
    content = candidate.get("content")
    parts = content.get("parts") if isinstance(content, dict) else None
    if not isinstance(parts, list):
        return []
    return [
        (part.get("thought") is True, part["text"])
        for part in parts
        if isinstance(part, dict) and isinstance(part.get("text"), str) and part["text"]
    ]


def finish_reason(reply: dict[str, Any], candidate: dict[str, Any]) -> str | None:
    reason = candidate.get("finishReason")
    if isinstance(reason, str):
        return _FINISH.get(reason, "stop")
    feedback = reply.get("promptFeedback")
    if isinstance(feedback, dict) and feedback.get("blockReason"):
        return "content_filter"
    return None


def _count(usage: dict[str, Any], name: str) -> int:
    value = usage.get(name)
    return value if isinstance(value, int) else 0


def usage_counts(usage: dict[str, Any]) -> tuple[int, int]:
    """(prompt tokens, completion tokens); thoughts are billed as output."""
    completion = _count(usage, "candidatesTokenCount") + _count(usage, "thoughtsTokenCount")
    return _count(usage, "promptTokenCount"), completion


def response_body(body: bytes, model: str) -> bytes:
    """A whole GenerateContentResponse as an OpenAI chat.completion."""
    try:
        reply = json.loads(body)
    except ValueError:
        reply = None
    if not isinstance(reply, dict):
        raise HTTPError(502, "upstream_bad_reply", "Google sent an answer that is not a JSON object")
    candidate = candidate_of(reply)
    texts = texts_of(candidate)
    message: dict[str, Any] = {"role": "assistant", "content": "".join(t for thought, t in texts if not thought)}
    reasoning = "".join(t for thought, t in texts if thought)
    if reasoning:
        message["reasoning_content"] = reasoning
    response_id = reply.get("responseId")
    answer: dict[str, Any] = {
        "id": f"chatcmpl-{response_id}" if isinstance(response_id, str) and response_id else ChunkWriter(model).id,
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [{"index": 0, "message": message, "finish_reason": finish_reason(reply, candidate) or "stop"}],
    }
    usage = reply.get("usageMetadata")
    if isinstance(usage, dict):
        prompt, completion = usage_counts(usage)
        answer["usage"] = {
            "prompt_tokens": prompt,
            "completion_tokens": completion,
            "total_tokens": prompt + completion,
        }
    return _dumps(answer)


# --- errors and keys ---------------------------------------------------------


def describe_error(status: int, error: Any) -> tuple[str, str]:
    """(chatnext code, message) for Gemini's `error` object."""
    if not isinstance(error, dict):
        return _CODE_BY_HTTP.get(status, "upstream_error"), f"Google: HTTP {status}"
    if not status and isinstance(error.get("code"), int):
        status = error["code"]  # an error inside a 200 stream carries its own
    message = error.get("message")
    message = message if isinstance(message, str) and message else f"HTTP {status}"
    state = error.get("status")
    details = error.get("details")
    reasons = [d.get("reason") for d in details if isinstance(d, dict)] if isinstance(details, list) else []
    if "API_KEY_INVALID" in reasons or "API key not valid" in message:
        code = "invalid_api_key"
    elif state == "RESOURCE_EXHAUSTED" and "billing" in message:
        code = "insufficient_quota"
    elif isinstance(state, str) and state in _CODE_BY_STATUS:
        code = _CODE_BY_STATUS[state]
    elif isinstance(state, str) and state:
        code = "upstream_error"
    else:
        code = _CODE_BY_HTTP.get(status, "upstream_error")
    return code, f"Google: {message}"


def error_body_for(status: int, body: bytes) -> bytes:
    """A Gemini error reply in chatnext's error shape."""
    try:
        reply = json.loads(body)
    except ValueError:
        code, message = describe_error(status, None)
        text = body.decode("utf-8", "replace").strip()
        # An HTML page from a proxy says nothing a person could act on.
        if text and not text.startswith("<"):
            message = f"{message}: {text[:200]}"
        return error_body(code, message)
    # Stream requests get their errors wrapped in a one-element array.
    if isinstance(reply, list) and reply:
        reply = reply[0]
    return error_body(*describe_error(status, reply.get("error") if isinstance(reply, dict) else None))


def refusal(status: int, body: bytes) -> str | None:
    """Why Google refused a key, when another key might do better."""
    if status in (401, 403):
        return "unauthorized"
    if status == 400 and (b"API_KEY_INVALID" in body or b"API key not valid" in body):
        return "unauthorized"
    if status == 429:
        return "rate_limited"
    return None


def model_list(body: bytes) -> list[tuple[str, str]]:
    """(model id, display name) of the chat models in a models.list reply."""
    try:
        reply = json.loads(body)
    except ValueError:
        return []
    models = reply.get("models") if isinstance(reply, dict) else None
    if not isinstance(models, list):
        return []
    found = []
    for entry in models:
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
            continue
        methods = entry.get("supportedGenerationMethods")
        if not isinstance(methods, list) or "generateContent" not in methods:
            continue
        model = entry["name"].removeprefix("models/")
        if "embedding" in model or model.startswith(("aqa", "imagen")):
            continue
        label = entry.get("displayName")
        found.append((model, label if isinstance(label, str) and label else model))
    return found
