"""Anthropic's Messages API, translated to and from OpenAI chat completions.

The browser speaks only OpenAI. This module turns its request into a
Messages API body and turns Anthropic's answers (whole, streamed, or
errors) back into OpenAI's shapes and chatnext's one error shape. It works
on bytes and does no I/O, so the server decides about connections and keys.
"""

from __future__ import annotations

import base64
import json
import time
from typing import Any
from urllib.parse import unquote_to_bytes

from chatnext.errors import error_body

DEFAULT_MAX_TOKENS = 4096  # Anthropic requires max_tokens; OpenAI clients often leave it out
CONTINUE = "(continue)"

_SYSTEM_ROLES = frozenset({"system", "developer"})
_AUTH_TYPES = frozenset({"authentication_error", "permission_error"})

_FINISH = {
    "end_turn": "stop",
    "stop_sequence": "stop",
    "pause_turn": "stop",
    "max_tokens": "length",
    "model_context_window_exceeded": "length",
    "tool_use": "tool_calls",
    "refusal": "content_filter",
}

_CODES = {
    "authentication_error": "invalid_api_key",
    "permission_error": "permission_denied",
    "not_found_error": "model_not_found",
    "rate_limit_error": "rate_limit_exceeded",
    "overloaded_error": "upstream_overloaded",
    "request_too_large": "body_too_large",
    "billing_error": "insufficient_quota",
    "invalid_request_error": "invalid_request",
}

# A reply that is not Anthropic's JSON (a proxy's page, say) only has its
# status to say what went wrong.
_STATUS_TYPES = {
    400: "invalid_request_error",
    401: "authentication_error",
    402: "billing_error",
    403: "permission_error",
    404: "not_found_error",
    413: "request_too_large",
    429: "rate_limit_error",
    529: "overloaded_error",
}


# --- request -----------------------------------------------------------------


def request_body(payload: dict[str, Any], model: str) -> bytes:
    """The browser's OpenAI chat request as an Anthropic /v1/messages body."""
    messages = payload.get("messages")
    system, turns = _split_system(messages if isinstance(messages, list) else [])
    body: dict[str, Any] = {"model": model, "max_tokens": _max_tokens(payload), "messages": _conversation(turns)}
    if system:
        body["system"] = system
    body.update(_sampling(payload))
    if "stream" in payload:
        body["stream"] = bool(payload["stream"])
    return json.dumps(body, ensure_ascii=False).encode()


def _split_system(messages: list[Any]) -> tuple[str, list[dict[str, Any]]]:
    """Anthropic takes the system prompt beside the conversation, not in it."""
    system: list[str] = []
    turns: list[dict[str, Any]] = []
    for message in messages:
        if not isinstance(message, dict):
            continue
        if message.get("role") in _SYSTEM_ROLES:
            text = "\n".join(b["text"] for b in _blocks(message.get("content")) if b["type"] == "text")
            if text:
                system.append(text)
        else:
            turns.append(message)
    return "\n\n".join(system), turns


def _conversation(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Turns that alternate user/assistant, starting with the user, as Anthropic insists."""
    turns: list[dict[str, Any]] = []
    for message in messages:
        # Tool results and anything else that is not the model's own words
        # are something the user side said.
        role = "assistant" if message.get("role") == "assistant" else "user"
        blocks = _blocks(message.get("content"))
        if not blocks:
            continue
        if turns and turns[-1]["role"] == role:
            turns[-1]["content"].extend(blocks)
        else:
            turns.append({"role": role, "content": blocks})
    if turns and turns[0]["role"] == "assistant":
        turns.insert(0, {"role": "user", "content": [{"type": "text", "text": CONTINUE}]})
    _trim_prefill(turns)
    return turns


def _trim_prefill(turns: list[dict[str, Any]]) -> None:
    # A last assistant turn is a prefill, and Anthropic refuses one that
    # ends in whitespace.
    if turns and turns[-1]["role"] == "assistant":
        last = turns[-1]["content"][-1]
        if last["type"] == "text":
            last["text"] = last["text"].rstrip()


def _blocks(content: Any) -> list[dict[str, Any]]:
    if isinstance(content, str):
        content = [{"type": "text", "text": content}]
    if not isinstance(content, list):
        return []
    return [block for part in content if (block := _block(part)) is not None]


def _block(part: Any) -> dict[str, Any] | None:
    if not isinstance(part, dict):
        return None
    if part.get("type") == "text":
        text = part.get("text")
        # Anthropic refuses text blocks without a visible character.
        return {"type": "text", "text": text} if isinstance(text, str) and text.strip() else None
    if part.get("type") == "image_url":
        return _image(part.get("image_url"))
    return None


def _image(ref: Any) -> dict[str, Any] | None:
    url = ref.get("url") if isinstance(ref, dict) else ref
    if not isinstance(url, str):
        return None
    if url.startswith("data:"):
        source = _data_url(url)
        return {"type": "image", "source": source} if source else None
    if url.startswith(("https://", "http://")):
        return {"type": "image", "source": {"type": "url", "url": url}}
    return None


def _data_url(url: str) -> dict[str, str] | None:
    header, comma, data = url[len("data:") :].partition(",")
    if not comma:
        return None
    params = header.split(";")
    if params[-1].strip().lower() != "base64":
        # Anthropic only takes base64; a percent-encoded data URL is re-encoded.
        data = base64.b64encode(unquote_to_bytes(data)).decode("ascii")
    return {"type": "base64", "media_type": params[0].strip().lower(), "data": data}


def _max_tokens(payload: dict[str, Any]) -> int:
    # max_completion_tokens is OpenAI's current name; max_tokens the deprecated one.
    for key in ("max_completion_tokens", "max_tokens"):
        value = payload.get(key)
        if isinstance(value, int) and not isinstance(value, bool) and value > 0:
            return value
    return DEFAULT_MAX_TOKENS


def _sampling(payload: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    temperature = _number(payload.get("temperature"))
    if temperature is not None:
        out["temperature"] = min(max(temperature, 0.0), 1.0)  # OpenAI allows 0..2, Anthropic 0..1
    top_p = _number(payload.get("top_p"))
    # top_p 1 changes nothing, and newer Claude models refuse temperature and
    # top_p together; clients such as NextChat send top_p 1 by default.
    if top_p is not None and top_p < 1:
        out["top_p"] = top_p
    stop = payload.get("stop")
    candidates = [stop] if isinstance(stop, str) else stop if isinstance(stop, list) else []
    sequences = [s for s in candidates if isinstance(s, str) and s.strip()]
    if sequences:
        out["stop_sequences"] = sequences
    return out


def _number(value: Any) -> float | None:
    return value if isinstance(value, int | float) and not isinstance(value, bool) else None


# --- answers -----------------------------------------------------------------


def response_body(body: bytes, model: str) -> bytes:
    """A whole Anthropic message as an OpenAI chat.completion.

    Raises ValueError when `body` is not an Anthropic message.
    """
    message = json.loads(body)
    if not isinstance(message, dict):
        raise ValueError("the Anthropic reply is not a message object")
    content = message.get("content")
    blocks = [b for b in content if isinstance(b, dict)] if isinstance(content, list) else []
    reply: dict[str, Any] = {"role": "assistant", "content": _joined(blocks, "text")}
    reasoning = _joined(blocks, "thinking")
    if reasoning:
        reply["reasoning_content"] = reasoning
    usage = message.get("usage")
    usage = usage if isinstance(usage, dict) else {}
    prompt, completion = prompt_tokens(usage) or 0, token_count(usage.get("output_tokens"))
    completion_body = {
        "id": message.get("id") or f"chatcmpl-{int(time.time() * 1000):x}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [{"index": 0, "message": reply, "finish_reason": finish_reason(message.get("stop_reason"))}],
        "usage": {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion},
    }
    return json.dumps(completion_body, ensure_ascii=False).encode()


def _joined(blocks: list[dict[str, Any]], kind: str) -> str:
    return "".join(b[kind] for b in blocks if b.get("type") == kind and isinstance(b.get(kind), str))


def finish_reason(stop_reason: Any) -> str:
    return _FINISH.get(stop_reason, "stop") if isinstance(stop_reason, str) else "stop"


def token_count(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def prompt_tokens(usage: dict[str, Any]) -> int | None:
    """Everything read, cached or not (OpenAI counts cache hits as prompt); None when not reported."""
    if not isinstance(usage.get("input_tokens"), int):
        return None
    keys = ("input_tokens", "cache_creation_input_tokens", "cache_read_input_tokens")
    return sum(token_count(usage.get(key)) for key in keys)


# --- errors and the model list -----------------------------------------------


def error_body_for(status: int, body: bytes) -> bytes:
    """An Anthropic error reply in chatnext's one error shape."""
    etype, message = provider_error(_json(body))
    etype = etype or _STATUS_TYPES.get(status, "api_error")
    return error_body(error_code(etype, message), f"Anthropic: {message or _fallback_message(status, body)}")


def refusal(status: int, body: bytes) -> str | None:
    """Why Anthropic refused a key, when another key might do better."""
    if status < 400:
        return None
    etype, message = provider_error(_json(body))
    if status == 401 or (status == 403 and etype in _AUTH_TYPES):
        return "unauthorized"
    if error_code(etype, message) == "insufficient_quota":
        return "quota"
    if status == 429:
        return "rate_limited"
    return None


def model_list(body: bytes) -> list[tuple[str, str]]:
    """(id, display name) for each model in a GET /v1/models reply."""
    reply = _json(body)
    data = reply.get("data") if isinstance(reply, dict) else None
    if not isinstance(data, list):
        return []
    return [
        (m["id"], m["display_name"] if isinstance(m.get("display_name"), str) and m["display_name"] else m["id"])
        for m in data
        if isinstance(m, dict) and isinstance(m.get("id"), str) and m["id"]
    ]


def _json(body: bytes) -> Any:
    try:
        return json.loads(body)
    except ValueError:
        return None


def provider_error(reply: Any) -> tuple[str, str]:
    """(type, message) of `{"type": "error", "error": {...}}`; blanks when absent."""
    error = reply.get("error") if isinstance(reply, dict) else None
    if not isinstance(error, dict):
        return "", ""
    etype, message = error.get("type"), error.get("message")
    return etype if isinstance(etype, str) else "", message if isinstance(message, str) else ""


def error_code(etype: str, message: str) -> str:
    # Anthropic reports an empty prepaid balance as a plain bad request.
    if etype == "invalid_request_error" and "credit balance" in message.lower():
        return "insufficient_quota"
    return _CODES.get(etype, "upstream_error")


def _fallback_message(status: int, body: bytes) -> str:
    text = body.decode("utf-8", "replace").strip()
    # An HTML error page says nothing a person in the chat could use.
    if not text or text.startswith("<"):
        return f"HTTP {status}"
    return f"HTTP {status}: {text[:200]}"
