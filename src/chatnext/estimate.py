"""Token estimates, for budget reservations and answers that came without counts.

What each part of a request is taken to cost:

- prompt: text at about 1 token per CJK character and 1 per 4 other
  characters; 765 per image (what OpenAI bills a 1024x1024 image in high
  detail, an upper-middle figure); 3 per message for its framing.
- completion: max_tokens (or max_completion_tokens, Gemini's
  maxOutputTokens) up to RESERVED_COMPLETION_CAP, else DEFAULT_COMPLETION.
  Clients often set max_tokens far above what they expect, and reserving
  32k tokens for every request would refuse requests the budget can pay
  for; the settlement corrects whatever the estimate got wrong.
"""

from __future__ import annotations

import re
from typing import Any

IMAGE_TOKENS = 765
MESSAGE_TOKENS = 3
DEFAULT_COMPLETION = 512
RESERVED_COMPLETION_CAP = 1024

_CJK = re.compile(
    "[\u1100-\u11ff\u2e80-\u9fff\ua960-\ua97f\uac00-\ud7ff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef\U00020000-\U0003ffff]"
)
# Where a chat body keeps what the model reads, in OpenAI's, Anthropic's and Gemini's formats.
_PROMPT_KEYS = ("messages", "system", "contents", "systemInstruction", "system_instruction", "tools")
# Base64 payloads, opaque tokens and part markers: the model reads none of them as text.
_OPAQUE_KEYS = frozenset({"data", "file_data", "signature", "cache_control", "type"})
_IMAGE_TYPES = frozenset({"image_url", "image", "input_image"})
_IMAGE_KEYS = ("inlineData", "inline_data", "fileData", "file_data")
_MAX_DEPTH = 32


def text_tokens(text: str) -> int:
    if text.isascii():
        return (len(text) + 3) // 4
    cjk = len(text) - len(_CJK.sub("", text))
    return cjk + (len(text) - cjk + 3) // 4


def _tokens(value: Any, depth: int = 0) -> int:
    if isinstance(value, str):
        return text_tokens(value)
    if depth > _MAX_DEPTH:
        return 0
    if isinstance(value, list):
        return sum(_tokens(item, depth + 1) for item in value)
    if isinstance(value, dict):
        if value.get("type") in _IMAGE_TYPES or any(key in value for key in _IMAGE_KEYS):
            return IMAGE_TOKENS
        return sum(_tokens(item, depth + 1) for key, item in value.items() if key not in _OPAQUE_KEYS)
    return 0


def estimate_prompt(payload: dict[str, Any]) -> int:
    """Prompt tokens of a chat body, in any of the three formats."""
    total = 0
    for key in _PROMPT_KEYS:
        value = payload.get(key)
        if value is not None:
            total += _tokens(value)
            if key in ("messages", "contents") and isinstance(value, list):
                total += MESSAGE_TOKENS * len(value)
    return total


def expected_completion(payload: dict[str, Any]) -> int:
    config = payload.get("generationConfig")
    asked = (
        payload.get("max_completion_tokens"),
        payload.get("max_tokens"),
        config.get("maxOutputTokens") if isinstance(config, dict) else None,
    )
    for value in asked:
        if isinstance(value, int) and not isinstance(value, bool) and value > 0:
            return min(value, RESERVED_COMPLETION_CAP)
    return DEFAULT_COMPLETION
