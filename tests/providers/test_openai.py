"""providers/openai.py: what reasoning models accept."""

from __future__ import annotations

import pytest

from chatnext.providers.openai import is_reasoning_model, shape_request


@pytest.mark.parametrize(
    ("model", "reasoning"),
    [
        ("o1", True),
        ("o3-mini", True),
        ("o4-mini-2025-04-16", True),
        ("gpt-5", True),
        ("gpt-5-mini", True),
        ("openai/gpt-5", True),
        ("gpt-5-chat-latest", False),
        ("gpt-4o", False),
        ("omni-moderation", False),
        ("deepseek-reasoner", False),
    ],
)
def test_reasoning_models(model: str, reasoning: bool) -> None:
    assert is_reasoning_model(model) is reasoning


def test_reasoning_models_get_max_completion_tokens_and_no_sampling_knobs() -> None:
    payload = {"model": "o3", "messages": [], "max_tokens": 500, "temperature": 0.7, "top_p": 1, "stream": True}
    assert shape_request(payload, "o3") == {"model": "o3", "messages": [], "max_completion_tokens": 500, "stream": True}


def test_an_explicit_max_completion_tokens_wins() -> None:
    shaped = shape_request({"max_tokens": 5, "max_completion_tokens": 9}, "gpt-5")
    assert shaped == {"max_completion_tokens": 9}


def test_other_models_and_clean_requests_are_left_alone() -> None:
    assert shape_request({"max_tokens": 5, "temperature": 1}, "gpt-4o") is None
    assert shape_request({"max_completion_tokens": 5, "stream": True}, "o1") is None
