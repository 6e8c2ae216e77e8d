"""estimate.py: token estimates for reservations and answers without counts."""

from __future__ import annotations

from chatnext.estimate import (
    DEFAULT_COMPLETION,
    IMAGE_TOKENS,
    RESERVED_COMPLETION_CAP,
    estimate_prompt,
    expected_completion,
    text_tokens,
)


def test_text_is_about_four_characters_a_token_and_a_cjk_character_one() -> None:
    assert text_tokens("") == 0
    assert text_tokens("abcd") == 1
    assert text_tokens("hello world!") == 3
    assert text_tokens("长城的历史") == 5
    assert text_tokens("长城 history") == 2 + 2  # two characters, then " history" at 4 a token
    assert text_tokens("こんにちは안녕") == 7


def test_prompt_estimate_reads_text_and_images_in_all_three_formats() -> None:
    image = {"type": "image_url", "image_url": {"url": "data:image/png;base64," + "A" * 100_000}}
    openai = {"messages": [{"role": "user", "content": [{"type": "text", "text": "x" * 40}, image]}]}
    # role (1) + text (10) + the image + the message's framing
    assert estimate_prompt(openai) == 1 + 10 + IMAGE_TOKENS + 3
    anthropic = {
        "system": "y" * 8,
        "messages": [
            {
                "role": "user",
                "content": [
                    {"type": "text", "text": "x" * 40},
                    {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": "A" * 99_999}},
                ],
            }
        ],
    }
    assert estimate_prompt(anthropic) == 2 + 1 + 10 + IMAGE_TOKENS + 3
    gemini = {
        "systemInstruction": {"parts": [{"text": "y" * 8}]},
        "contents": [
            {"role": "user", "parts": [{"text": "x" * 40}, {"inlineData": {"mimeType": "image/png", "data": "A" * 9}}]}
        ],
    }
    assert estimate_prompt(gemini) == 2 + 1 + 10 + IMAGE_TOKENS + 3
    assert estimate_prompt({"messages": "not a list", "model": "x" * 400}) == 3


def test_the_expected_completion_is_max_tokens_up_to_a_cap() -> None:
    assert expected_completion({}) == DEFAULT_COMPLETION == 512
    assert expected_completion({"max_tokens": 100}) == 100
    assert expected_completion({"max_completion_tokens": 64, "max_tokens": 100}) == 64
    assert expected_completion({"max_tokens": 32_000}) == RESERVED_COMPLETION_CAP == 1024
    assert expected_completion({"generationConfig": {"maxOutputTokens": 200}}) == 200
    assert expected_completion({"max_tokens": True}) == DEFAULT_COMPLETION
    assert expected_completion({"max_tokens": -5}) == DEFAULT_COMPLETION
