"""OpenAI-compatible requests: the one change the server makes to them.

Reasoning models (o1, o3, o4, gpt-5) refuse `max_tokens` and the sampling
knobs; NextChat clients and scripts still send them, so they are rewritten
here rather than failing upstream with a 400.
"""

from __future__ import annotations

import re
from typing import Any

_REASONING = re.compile(r"^(o\d|gpt-5(?!-chat))")
_UNSUPPORTED = frozenset(
    {"temperature", "top_p", "presence_penalty", "frequency_penalty", "logprobs", "top_logprobs", "logit_bias"}
)


def is_reasoning_model(model: str) -> bool:
    return bool(_REASONING.match(model.rsplit("/", 1)[-1].lower()))


def shape_request(payload: dict[str, Any], model: str) -> dict[str, Any] | None:
    """The payload a reasoning model accepts, or None when it needs no change."""
    if not is_reasoning_model(model) or not ("max_tokens" in payload or _UNSUPPORTED & payload.keys()):
        return None
    shaped = {k: v for k, v in payload.items() if k not in _UNSUPPORTED}
    max_tokens = shaped.pop("max_tokens", None)
    if max_tokens is not None:
        shaped.setdefault("max_completion_tokens", max_tokens)
    return shaped
