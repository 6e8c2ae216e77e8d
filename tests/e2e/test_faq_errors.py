"""The errors the FAQ explains, made to happen in the browser.

For each, the text the user sees must be the text the FAQ quotes (a `> `
line in docs/faq.<lang>.md), so someone who searches the FAQ for what is on
their screen finds the answer.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import ChatApp

DOCS = Path(__file__).parents[2] / "docs"
CODE = "faq-code-123"
SERVER_ENV = {
    "OPENAI_API_KEY": "sk-quota-faq",  # the fake answers "You exceeded your current quota"
    "CODE": CODE,
    "DEEPSEEK_API_KEY": "ds-faq",
    "DEEPSEEK_URL": "http://127.0.0.1:9",  # nothing listens there
    "DISABLE_MODEL_FETCH": "1",
}


def quotes(lang: str) -> set[str]:
    text = (DOCS / f"faq.{lang}.md").read_text()
    return {line[2:].strip() for line in text.splitlines() if line.startswith("> ")}


def assert_quoted(shown: str, lang: str) -> None:
    shown = shown.strip()
    assert shown in quotes(lang), f"the FAQ ({lang}) does not quote what the page shows: {shown!r}"


def check_errors(app: ChatApp, lang: str, settings: str, back: str) -> None:
    # unauthorized: this browser has not signed in
    answer = app.ask("hello", status="error")
    assert_quoted(answer.locator(".error-headline").inner_text(), lang)
    assert_quoted(app.page.locator(".auth-banner span").first.inner_text(), lang)
    # quota: the server's key is out of credit
    app.sign_in(CODE, settings, back)
    answer = app.ask("hello again", status="error")
    assert_quoted(answer.locator(".error-headline").inner_text(), lang)
    expect(answer.locator(".error-detail")).to_contain_text("You exceeded your current quota")
    # upstream unreachable: the provider's URL answers nothing
    app.open_settings(settings)
    app.choose("model", "deepseek-chat@deepseek")
    app.back(back)
    answer = app.ask("and now?", status="error")
    assert_quoted(answer.locator(".error-headline").inner_text(), lang)


def test_errors_in_english_are_the_faqs(app: ChatApp) -> None:
    check_errors(app, "en", "Settings", "Back")


@pytest.mark.browser_context_args(locale="zh-CN")
def test_errors_in_chinese_are_the_faqs(app: ChatApp) -> None:
    check_errors(app, "zh-CN", "设置", "返回")


@pytest.mark.browser_context_args(locale="zh-CN")
def test_locked_out_is_the_faqs(app: ChatApp) -> None:
    # Last in the module: the lockout holds 127.0.0.1 for the rest of this server's life.
    app.open_settings("设置")
    box = app.page.locator("#accessCode")
    for n in range(5):
        box.fill(f"wrong-guess-{n}")
        box.press("Enter")
        expect(app.page.locator(".login-error").first).to_be_visible()
    shown = app.page.locator(".login-error").first.inner_text()
    assert re.search(r"\d", shown)
    assert_quoted(shown, "zh-CN")
