"""Settings -> About and Balance: a newer release is announced with its changelog,
an up-to-date server says so and nothing more, and the balance is numbers from a
one-api-like upstream or an explanation (never an error) from an OpenAI-like one."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from chatnext import __version__
from tests.conftest import Server, start_server
from tests.e2e.conftest import ChatApp
from tests.fake_upstream import FakeUpstream

USAGE_PAGE = "https://platform.openai.com/usage"


def about_env(upstream: FakeUpstream, key: str) -> dict[str, str]:
    return {
        "BASE_URL": upstream.url,
        "OPENAI_API_KEY": key,
        "UPDATE_CHECK_URL": f"{upstream.url}/releases/latest",
        "ENABLE_BALANCE_QUERY": "1",
    }


@pytest.fixture(scope="module")
def server(upstream: FakeUpstream) -> Iterator[Server]:
    # The feed URL names the fake's port, so this module builds its env here instead of SERVER_ENV.
    srv = start_server(about_env(upstream, "sk-e2e-server"))
    yield srv
    srv.stop()


def test_a_newer_release_is_announced_with_its_changelog(
    app: ChatApp, upstream: FakeUpstream, monkeypatch: pytest.MonkeyPatch, artifacts: Path
) -> None:
    # Read when the checker is made, on the first /api/version (this test's).
    monkeypatch.setenv("CHATNEXT_DOCKER", "1")
    settings = app.open_settings()
    about = settings.locator("section.about-section")
    expect(about).to_contain_text(f"Version {__version__}")
    expect(about).to_contain_text("Latest release: 9.9.9")
    notice = about.locator(".update-notice")
    expect(notice).to_contain_text("Version 9.9.9 is available.")
    expect(notice).to_contain_text("Docker images follow releases by a day or two")
    link = notice.get_by_role("link", name="See what's new")
    expect(link).to_have_attribute("href", "https://github.com/chatnext/chatnext/releases/tag/v9.9.9")
    expect(link).to_have_attribute("target", "_blank")
    expect(link).to_have_attribute("rel", "noopener noreferrer")
    expect(about).not_to_contain_text("up to date")

    balance = settings.locator("section.balance-section")
    expect(balance.locator("dl.balance-numbers")).to_contain_text("$120.00")
    expect(balance).to_contain_text("$12.35")
    expect(balance).to_contain_text("$107.65")
    expect(balance).not_to_contain_text(USAGE_PAGE)
    app.page.screenshot(path=artifacts / "settings-about.png")
    # The server did the reading: the page asked chatnext, never the feed or the upstream itself.
    assert sum(s.path == "/releases/latest" for s in upstream.seen) == 1


def test_up_to_date_shows_no_notice_and_balance_refusal_is_explained(page: Page, upstream: FakeUpstream) -> None:
    upstream.release_tag = "v0.0.1"  # older than the running version: nothing to nag about
    srv = start_server(about_env(upstream, "sk-nobilling-e2e"))
    try:
        app = ChatApp(page, srv.url).open()
        settings = app.open_settings()
        about = settings.locator("section.about-section")
        expect(about).to_contain_text("You're up to date.")
        expect(about).to_contain_text(f"Version {__version__}")
        expect(about.locator(".update-notice")).to_have_count(0)
        expect(about).not_to_contain_text("is available")

        balance = settings.locator("section.balance-section")
        expect(balance).to_contain_text("OpenAI no longer lets API keys read the balance")
        link = balance.get_by_role("link", name=USAGE_PAGE)
        expect(link).to_have_attribute("href", USAGE_PAGE)
        expect(link).to_have_attribute("rel", "noopener noreferrer")
        expect(balance).to_contain_text("Invalid URL (GET /dashboard/billing/subscription)")
        expect(settings.locator("dl.balance-numbers")).to_have_count(0)
        expect(page.locator(".error-notice")).to_have_count(0)
        assert app.errors == []
    finally:
        srv.stop()


@pytest.mark.browser_context_args(locale="zh-CN")
def test_chinese_texts(app: ChatApp) -> None:
    settings = app.open_settings("设置")
    about = settings.locator("section.about-section")
    expect(about).to_contain_text("新版本 9.9.9 已发布。")
    expect(about.get_by_role("link", name="查看更新内容")).to_be_visible()
    expect(settings.locator("section.balance-section")).to_contain_text("剩余")
