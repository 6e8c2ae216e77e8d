"""A server with CODE set: what a user without, with a wrong and with the right access code sees.

The code is typed into the settings' sign-in form, which trades it for a
session cookie (test_session.py looks at the cookie itself)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import Server, start_server
from tests.e2e.conftest import ChatApp, chat_requests, status_class, stored
from tests.fake_upstream import FakeUpstream, Reply

SERVER_KEY = "sk-e2e-server-secret"
CODE = "open-sesame"
SERVER_ENV = {"OPENAI_API_KEY": SERVER_KEY, "CODE": CODE}

UNAUTHORIZED_EN = "Unauthorized: enter the access code on the settings page"
UNAUTHORIZED_ZH = "现在是未授权状态，请在设置页输入访问密码"
WRONG_CODE_EN = "The access code is wrong: check it on the settings page"


def test_no_code_shows_the_unauthorized_hint(app: ChatApp, upstream: FakeUpstream) -> None:
    answer = app.ask("Hello?", status="error")
    expect(answer.locator(".error-headline")).to_have_text(UNAUTHORIZED_EN)
    assert [s for s in upstream.seen if s.method == "POST"] == []  # refused before asking the upstream

    answer.get_by_role("button", name="Enter access code").click()
    settings = app.page.locator("main.settings-page")
    expect(settings).to_be_visible()
    expect(app.page.locator("#accessCode")).to_be_focused()
    expect(settings).to_contain_text("This server needs an access code.")


def test_banner_asks_for_the_code_until_one_is_set(app: ChatApp) -> None:
    banner = app.page.locator(".auth-banner")
    expect(banner).to_contain_text(UNAUTHORIZED_EN)
    banner.get_by_role("button", name="Enter access code").click()
    code = app.page.locator("#accessCode")
    expect(code).to_be_focused()
    code.fill(CODE)
    code.press("Enter")  # Enter signs in, like the button
    expect(app.page.locator(".signed-in")).to_contain_text("Signed in")
    app.back()
    expect(banner).to_have_count(0)


@pytest.mark.browser_context_args(locale="zh-CN")
def test_no_code_in_chinese(app: ChatApp, upstream: FakeUpstream, artifacts: Path) -> None:
    expect(app.page.locator("html")).to_have_attribute("lang", "zh-CN")
    answer = app.ask("你好", status="error")
    expect(answer.locator(".error-headline")).to_have_text(UNAUTHORIZED_ZH)
    button = answer.get_by_role("button", name="输入访问密码")
    expect(button).to_be_visible()
    app.page.screenshot(path=artifacts / "unauthorized-zh-CN.png")

    button.click()
    expect(app.page.locator("main.settings-page")).to_be_visible()
    expect(app.page.locator("#accessCode")).to_be_focused()


def test_wrong_code_then_right_code(app: ChatApp, upstream: FakeUpstream) -> None:
    settings = app.open_settings()
    code = app.page.locator("#accessCode")
    code.fill("not-the-code")
    settings.get_by_role("button", name="Sign in").click()
    expect(settings.locator(".login-error")).to_have_text(WRONG_CODE_EN)
    expect(settings.locator(".signed-in")).to_have_count(0)
    app.back()
    answer = app.ask("Let me in", status="error")
    expect(answer.locator(".error-headline")).to_have_text(UNAUTHORIZED_EN)
    assert [s for s in upstream.seen if s.method == "POST"] == []

    answer.get_by_role("button", name="Enter access code").click()
    expect(code).to_be_focused()
    code.fill(CODE)
    code.press("Enter")
    expect(app.page.locator(".signed-in")).to_be_visible()
    expect(app.page.locator(".login-error")).to_have_count(0)
    app.back()

    sent: list[dict[str, str]] = []
    app.page.on("request", lambda r: sent.append(r.all_headers()) if "/chat/completions" in r.url else None)
    upstream.replies["gpt-4o-mini"] = Reply("Welcome in.")
    app.button("Retry", within=app.answers.first).click()
    expect(app.answers).to_have_count(1)
    expect(app.answers.first).to_have_class(status_class("done"))
    expect(app.answers.first.locator(".markdown")).to_have_text("Welcome in.")
    assert len(chat_requests(upstream)) == 1
    assert chat_requests(upstream)[0].headers["Authorization"] == f"Bearer {SERVER_KEY}"
    assert sent and all("authorization" not in h for h in sent)  # the session cookie is the page's credential

    # The session is remembered; the code is not.
    app.reload()
    app.open_settings()
    expect(app.page.locator(".signed-in")).to_be_visible()
    expect(app.page.locator("#accessCode")).to_have_count(0)
    assert CODE not in json.dumps(stored(app.page, "kv"))


@pytest.fixture
def fresh_server(upstream: FakeUpstream) -> Iterator[Server]:
    """Its own throttle: a lockout lasts 10 minutes for the address, 127.0.0.1 here."""
    srv = start_server({"BASE_URL": upstream.url, **SERVER_ENV})
    yield srv
    srv.stop()


def test_five_wrong_codes_lock_the_address_out(page: Page, fresh_server: Server, upstream: FakeUpstream) -> None:
    app = ChatApp(page, fresh_server.url).open()
    settings = app.open_settings()
    code = app.page.locator("#accessCode")
    error = settings.locator(".login-error")

    def attempt(value: str) -> None:
        # One answered POST /api/auth per attempt; the form clears its error while it asks.
        code.fill(value)
        with page.expect_response(lambda r: r.url.endswith("/api/auth") and r.request.method == "POST"):
            code.press("Enter")

    for i in range(4):
        attempt(f"guess {i}")
        expect(error).to_have_text(WRONG_CODE_EN)
    attempt("guess 5")
    expect(error).to_have_text("Too many wrong access codes from your address. Try again in 10 min.")

    # Locked means locked: even the right code is refused for now.
    attempt(CODE)
    expect(error).to_contain_text("Try again in 10 min")
    expect(settings.locator(".signed-in")).to_have_count(0)
    app.back()
    answer = app.ask("the right code now", status="error")
    expect(answer.locator(".error-headline")).to_have_text(UNAUTHORIZED_EN)
    assert [s for s in upstream.seen if s.method == "POST"] == []
    assert app.errors == []
