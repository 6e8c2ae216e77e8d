"""The access code as a session: traded once for an HttpOnly cookie the page cannot read.

Signing in sets `chatnext_session` (HttpOnly, SameSite=Strict); chat requests
carry the cookie and no Authorization header; a reload stays signed in;
signing out, or a session the server ended, brings back the way to sign in.
A code stored by an earlier version is traded once and removed from
IndexedDB; a fast link's ?code= signs in and leaves the address. With an
access policy, a code over its limit gets a message naming the limit, and
Settings -> Usage shows what the code has used.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, Playwright, Request, expect

from chatnext.policy import hash_code
from tests.conftest import Server, start_server
from tests.e2e.conftest import ChatApp, chat_requests, status_class
from tests.fake_upstream import FakeUpstream, Reply

SERVER_KEY = "sk-e2e-server-secret"
CODE = "open-sesame"
SERVER_ENV = {"OPENAI_API_KEY": SERVER_KEY, "CODE": CODE}
COOKIE = "chatnext_session"
MODEL = "gpt-4o-mini"

UNAUTHORIZED_EN = "Unauthorized: enter the access code on the settings page"
SIGNED_OUT_EN = "You have been signed out: sign in again with the access code on the settings page."

_SETTINGS = """async ([write, value]) => {
    const db = await new Promise((ok, fail) => {
        const req = indexedDB.open('chatnext');
        req.onsuccess = () => ok(req.result);
        req.onerror = () => fail(req.error);
    });
    try {
        return await new Promise((ok, fail) => {
            const t = db.transaction('kv', write ? 'readwrite' : 'readonly');
            const store = t.objectStore('kv');
            const req = write ? store.put(value, 'settings') : store.get('settings');
            t.oncomplete = () => ok(write ? null : req.result ?? null);
            t.onerror = () => fail(t.error);
        });
    } finally {
        db.close();
    }
}"""


def stored_settings(page: Page) -> dict[str, Any] | None:
    """The settings record in the app's IndexedDB (the schema of web/src/lib/db.ts)."""
    value: dict[str, Any] | None = page.evaluate(_SETTINGS, [False, None])
    return value


def store_settings(page: Page, value: dict[str, Any]) -> None:
    page.evaluate(_SETTINGS, [True, value])


def chat_page_requests(page: Page) -> list[Request]:
    """The page's own chat requests, as the browser sent them, from now on."""
    seen: list[Request] = []
    page.on("request", lambda r: seen.append(r) if "/chat/completions" in r.url else None)
    return seen


def session_cookie(page: Page) -> dict[str, Any] | None:
    return next((dict(c) for c in page.context.cookies() if c["name"] == COOKIE), None)


def test_sign_in_sets_an_httponly_cookie_and_chats_without_authorization(app: ChatApp, upstream: FakeUpstream) -> None:
    page = app.page
    expect(page.locator(".auth-banner")).to_contain_text(UNAUTHORIZED_EN)
    settings = app.open_settings()
    code = page.locator("#accessCode")
    code.fill(CODE)
    settings.get_by_role("button", name="Sign in").click()
    expect(settings.locator(".signed-in")).to_contain_text("Signed in")
    expect(code).to_have_count(0)

    cookie = session_cookie(page)
    assert cookie is not None, page.context.cookies()
    assert cookie["httpOnly"] is True
    assert cookie["sameSite"] == "Strict"
    assert COOKIE not in page.evaluate("document.cookie")
    # Nothing the page keeps holds the code.
    assert CODE not in repr(stored_settings(page))

    app.back()
    expect(page.locator(".auth-banner")).to_have_count(0)
    sent = chat_page_requests(page)
    upstream.replies[MODEL] = Reply("Signed in and answering.")
    answer = app.ask("Hello with a cookie")
    expect(answer.locator(".markdown")).to_have_text("Signed in and answering.")
    assert len(chat_requests(upstream)) == 1
    assert chat_requests(upstream)[0].headers["Authorization"] == f"Bearer {SERVER_KEY}"
    assert sent, "the page sent no chat request"
    for request in sent:
        headers = request.all_headers()
        assert "authorization" not in headers, headers
        assert f"{COOKIE}=" in headers.get("cookie", "")

    # A reload is still signed in: no banner, and the chat goes on.
    app.reload()
    expect(page.locator(".auth-banner")).to_have_count(0)
    upstream.replies[MODEL] = Reply("Still you.")
    expect(app.ask("After a reload").locator(".markdown")).to_have_text("Still you.")

    # Signing out ends it: the banner is back and a chat is refused.
    settings = app.open_settings()
    settings.get_by_role("button", name="Sign out").click()
    expect(page.locator("#accessCode")).to_be_visible()
    assert session_cookie(page) is None
    app.back()
    expect(page.locator(".auth-banner")).to_contain_text(UNAUTHORIZED_EN)
    answer = app.ask("Am I out?", status="error")
    expect(answer.locator(".error-headline")).to_have_text(UNAUTHORIZED_EN)
    expect(answer.get_by_role("button", name="Enter access code")).to_be_visible()
    assert len(chat_requests(upstream)) == 2


def test_a_session_the_server_ended_shows_the_way_back_in(
    app: ChatApp, server: Server, upstream: FakeUpstream, playwright: Playwright
) -> None:
    app.sign_in(CODE)
    cookie = session_cookie(app.page)
    assert cookie is not None
    # Elsewhere (another device's sign-out, a restart with a new secret), the server forgets it.
    other = playwright.request.new_context(extra_http_headers={"Cookie": f"{COOKIE}={cookie['value']}"})
    try:
        assert other.delete(server.url + "/api/auth").ok
    finally:
        other.dispose()

    answer = app.ask("Still there?", status="error")
    expect(answer.locator(".error-headline")).to_have_text(SIGNED_OUT_EN)
    expect(app.page.locator(".auth-banner")).to_contain_text(UNAUTHORIZED_EN)
    answer.get_by_role("button", name="Enter access code").click()
    expect(app.page.locator("#accessCode")).to_be_focused()
    assert chat_requests(upstream) == []


def test_a_code_stored_by_an_earlier_version_is_traded_once_and_removed(app: ChatApp, upstream: FakeUpstream) -> None:
    page = app.page
    store_settings(page, {"version": 1, "accessCode": CODE, "theme": "dark", "fontSize": 17})
    posts: list[Request] = []
    page.on("request", lambda r: posts.append(r) if r.url.endswith("/api/auth") and r.method == "POST" else None)
    app.reload()

    expect(page.locator(".auth-banner")).to_have_count(0)
    assert len(posts) == 1
    after = stored_settings(page)
    assert after is not None and "accessCode" not in after, after
    assert (after["theme"], after["fontSize"]) == ("dark", 17)  # the rest of the settings stay
    assert session_cookie(page) is not None
    upstream.replies[MODEL] = Reply("Migrated.")
    expect(app.ask("Hello from before").locator(".markdown")).to_have_text("Migrated.")

    # Traded once: the next load has nothing left to trade.
    app.reload()
    assert len(posts) == 1
    expect(page.locator(".auth-banner")).to_have_count(0)


def test_a_wrong_stored_code_is_removed_too_and_leaves_the_user_signed_out(app: ChatApp) -> None:
    store_settings(app.page, {"version": 1, "accessCode": "an-old-wrong-code", "theme": "dark"})
    app.reload()
    expect(app.page.locator(".auth-banner")).to_contain_text(UNAUTHORIZED_EN)
    after = stored_settings(app.page)
    assert after is not None and "accessCode" not in after and after["theme"] == "dark", after
    assert session_cookie(app.page) is None


def test_a_fast_link_signs_in_and_leaves_the_address(page: Page, server: Server) -> None:
    app = ChatApp(page, server.url).open(f"/?code={CODE}#/")
    expect(page.locator(".auth-banner")).to_have_count(0)
    assert "code=" not in page.url and CODE not in page.url, page.url
    assert session_cookie(page) is not None
    assert app.errors == []


# --- a named code with limits (ACCESS_POLICY_FILE) ---------------------------

POLICY_CODE = "e2e-code-123"


@pytest.fixture
def policy_server(upstream: FakeUpstream, tmp_path: Path) -> Iterator[Server]:
    """Its own server per test: fresh per-minute counters and usage."""
    policy = tmp_path / "policy.toml"
    policy.write_text(
        f"""
[[code]]
label = "e2e"
hash = "{hash_code(POLICY_CODE)}"
requests_per_minute = 2
tokens_per_day = 100000
cost_per_month = 5
expires = 2099-01-01
"""
    )
    srv = start_server({"BASE_URL": upstream.url, "OPENAI_API_KEY": SERVER_KEY, "ACCESS_POLICY_FILE": str(policy)})
    yield srv
    srv.stop()


def same_minute() -> None:
    """Two requests and a third must fall in one clock minute for the per-minute limit."""
    second = time.time() % 60
    if second > 45:
        time.sleep(61 - second)


def test_a_code_over_its_limit_gets_the_limit_and_its_usage(
    page: Page, policy_server: Server, upstream: FakeUpstream, artifacts: Path
) -> None:
    app = ChatApp(page, policy_server.url).open()
    app.open_settings()
    app.toggle("autoTitle", False)  # a title is a request too: only the questions count here
    app.back()
    app.sign_in(POLICY_CODE)
    expect(page.locator(".chat-view")).to_be_visible()

    same_minute()
    upstream.replies[MODEL] = Reply("Within the limit.")
    app.ask("one")
    app.ask("two")
    answer = app.ask("three", status="error")
    headline = answer.locator(".error-headline")
    expect(headline).to_contain_text("This access code allows 2 requests a minute.")
    expect(headline).to_have_text(re.compile(r"Try again in \d+ s\.$"))
    assert len(chat_requests(upstream)) == 2  # refused before the upstream

    settings = app.open_settings()
    usage = settings.locator(".usage-section")
    expect(usage).to_be_visible()
    expect(usage.locator("h2")).to_have_text("Usage")
    today_requests = usage.locator(".usage-requests td").first
    expect(today_requests).to_have_text(re.compile(r"^[23]$"))
    today_tokens = usage.locator(".usage-tokens td").first
    expect(today_tokens).to_have_text(re.compile(r"^[1-9][\d,]* of 100,000$"))
    expect(today_tokens.locator("progress")).to_be_visible()
    expect(usage.locator(".usage-cost td").nth(1)).to_contain_text("of $5.00")
    expect(usage).to_contain_text("At most 2 requests a minute.")
    expect(usage.locator(".usage-expires")).to_contain_text("2099")
    usage.scroll_into_view_if_needed()
    usage.screenshot(path=artifacts / "usage-view.png")
    assert app.errors == []


@pytest.mark.browser_context_args(locale="zh-CN")
def test_the_limit_message_in_chinese(
    page: Page, policy_server: Server, upstream: FakeUpstream, artifacts: Path
) -> None:
    app = ChatApp(page, policy_server.url).open()
    app.open_settings("设置")
    app.toggle("autoTitle", False)
    app.back("返回")
    app.sign_in(POLICY_CODE, settings="设置", back="返回")

    same_minute()
    upstream.replies[MODEL] = Reply("好的。")
    app.ask("一")
    app.ask("二")
    answer = app.ask("三", status="error")
    expect(answer.locator(".error-headline")).to_have_text(
        re.compile(r"^请求太频繁：此访问密码每分钟最多 2 次请求。请 \d+ 秒后再试。$")
    )
    expect(answer).to_have_class(status_class("error"))

    usage = app.open_settings("设置").locator(".usage-section")
    expect(usage.locator("h2")).to_have_text("用量")
    expect(usage.locator(".usage-tokens td").first).to_contain_text("/ 100,000")
    usage.scroll_into_view_if_needed()
    usage.screenshot(path=artifacts / "usage-view-zh-CN.png")
    assert app.errors == []
