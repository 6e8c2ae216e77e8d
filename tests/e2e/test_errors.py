"""Upstream failures as the user sees them in the conversation."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import Server, start_server
from tests.e2e.conftest import ChatApp
from tests.fake_upstream import FakeUpstream, Reply

SERVER_ENV = {"OPENAI_API_KEY": "sk-e2e-server", "CUSTOM_MODELS": "+fail-500,+drop-mid-stream"}


@pytest.fixture(scope="module")
def quota_server(upstream: FakeUpstream) -> Iterator[Server]:
    """A server whose only key is out of quota."""
    srv = start_server({"BASE_URL": upstream.url, "OPENAI_API_KEY": "sk-quota-x"})
    yield srv
    srv.stop()


def test_quota_error(page: Page, quota_server: Server, upstream: FakeUpstream) -> None:
    app = ChatApp(page, quota_server.url).open()
    answer = app.ask("Anything", status="error")
    expect(answer.locator(".error-headline")).to_have_text(
        "The API key is out of quota. The owner of the key must add credit or use another key."
    )
    expect(answer.locator(".error-detail")).to_contain_text("You exceeded your current quota")
    expect(answer.locator(".error-detail")).to_contain_text("HTTP 429")
    assert upstream.seen[-1].headers["Authorization"] == "Bearer sk-quota-x"
    assert app.errors == []


@pytest.mark.browser_context_args(locale="zh-CN")
def test_generic_500_in_chinese(app: ChatApp, upstream: FakeUpstream) -> None:
    app.open_settings("设置")
    app.choose("model", "fail-500")
    app.back("返回")
    answer = app.ask("你好", status="error")
    expect(answer.locator(".error-headline")).to_have_text("出错了，稍后重试吧")
    expect(answer.locator(".error-detail")).to_contain_text("The server had an error while processing your request.")
    expect(answer.locator(".error-detail")).to_contain_text("HTTP 500")
    # No access-code button for an upstream failure.
    expect(answer.locator(".error-notice button")).to_have_count(0)


def test_dropped_stream_keeps_the_partial_text(app: ChatApp, upstream: FakeUpstream) -> None:
    # The fake sends two pieces, then cuts the connection.
    upstream.replies["drop-mid-stream"] = Reply("Partial answer that never ends", piece=8)
    app.use_model("drop-mid-stream")
    answer = app.ask("Tell me everything", status="error")
    expect(answer.locator(".markdown")).to_have_text("Partial answer t")
    expect(answer.locator(".error-headline")).to_have_text(
        "The answer was cut off midway; what arrived is kept. Retry to get a full answer."
    )
    expect(answer.locator(".error-detail")).to_contain_text("broke mid-answer")

    # What arrived survives a reload too.
    app.reload()
    expect(app.answers.first.locator(".markdown")).to_have_text("Partial answer t")
    expect(app.answers.first.locator(".error-headline")).to_be_visible()


@pytest.mark.parametrize("hide_own_key", [False, True])
def test_a_provider_without_a_server_key(page: Page, upstream: FakeUpstream, hide_own_key: bool) -> None:
    env = {"BASE_URL": upstream.url, "OPENAI_API_KEY": "sk-e2e-server", "CUSTOM_MODELS": "+claude-x@anthropic"}
    srv = start_server({**env, "HIDE_USER_API_KEY": "1"} if hide_own_key else env)
    try:
        app = ChatApp(page, srv.url).open()
        app.use_model("claude-x@anthropic", label="claude-x")
        answer = app.ask("Anything", status="error")
        settings_button = answer.locator(".error-notice button", has_text="Settings")
        if hide_own_key:
            # The key field is hidden here: the way out is the owner or another model.
            expect(answer.locator(".error-headline")).to_have_text(
                "The server has no API key for this model: ask its owner to add one, or pick another model."
            )
            expect(settings_button).to_have_count(0)
        else:
            expect(answer.locator(".error-headline")).to_have_text(
                "The server has no API key for this model: enter your own key in settings."
            )
            expect(settings_button).to_have_count(1)
        assert [s for s in upstream.seen if s.method == "POST"] == []
        assert app.errors == []
    finally:
        srv.stop()
